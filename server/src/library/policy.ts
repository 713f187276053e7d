import { AppError } from '../http/errors.js';
import { isAdmin, isModerator, type Actor } from '../members/actor.js';
import type { ResourceFields } from './model.js';

/** The library's rules, in one place; the service calls them, so no route can skip them. */
export const libraryPolicy = {
  review(actor: Actor): void {
    if (!isModerator(actor)) throw new AppError('forbidden', 'Only moderators review submitted resources.');
  },

  seeQueue(actor: Actor): void {
    if (!isModerator(actor)) throw new AppError('forbidden', 'Only moderators see the review queue.');
  },

  feature(actor: Actor): void {
    if (!isAdmin(actor)) throw new AppError('forbidden', 'Only administrators feature resources.');
  },

  importCsv(actor: Actor): void {
    if (!isAdmin(actor)) throw new AppError('forbidden', 'Only administrators import resources.');
  },

  /** The submitter edits their own resource; moderators edit any. */
  edit(actor: Actor, doc: Pick<ResourceFields, 'submittedById'>): void {
    if (doc.submittedById.toHexString() === actor.id || isModerator(actor)) return;
    throw new AppError('forbidden', 'Only the submitter or a moderator can edit this resource.');
  },

  remove(actor: Actor): void {
    if (!isModerator(actor)) throw new AppError('forbidden', 'Only moderators and administrators delete resources.');
  },

  /** Saving and marking useful are for resources in the public library. */
  mark(doc: Pick<ResourceFields, 'status'>): void {
    if (doc.status !== 'approved')
      throw new AppError('conflict', 'Only approved resources can be saved or marked useful.');
  },
};
