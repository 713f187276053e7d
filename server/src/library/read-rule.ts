import { AppError } from '../http/errors.js';
import { isModerator, type Actor } from '../members/actor.js';
import { isVisitor } from '../site/viewer.js';
import type { ResourceFields } from './model.js';

/*
 * The library's read rule, the one place that decides who may read a resource:
 * - an approved resource: every member, and a visitor without an account while the site's public
 *   face is open (site/viewer.ts builds a visitor only then);
 * - a pending or rejected one: its submitter, moderators and administrators.
 * Whoever may not read a resource is told it does not exist (the same 404 as a wrong id).
 * Blocks govern contact (mentions, invitations), not reading, as in the forums.
 *
 * The presenter (present.ts) takes only `ReadableResource`, and only this module makes them, so a
 * path that shows a resource without asking the rule does not compile.
 */

declare const readableBrand: unique symbol;
/** A resource that passed the read rule for the viewer it is shown to. */
export type ReadableResource = ResourceFields & { readonly [readableBrand]: true };

type Gate = Pick<ResourceFields, 'status' | 'submittedById'>;

export function mayReadResource(viewer: Pick<Actor, 'id' | 'role'>, doc: Gate): boolean {
  if (doc.status === 'approved') return true;
  if (isVisitor(viewer)) return false;
  return doc.submittedById.toHexString() === viewer.id || isModerator(viewer);
}

export const resourceNotFound = () => new AppError('not_found', 'No resource with this id.');

/** The resource if the viewer may read it, else the same 404 as a wrong id. */
export function readableResource(viewer: Pick<Actor, 'id' | 'role'>, doc: ResourceFields | null): ReadableResource {
  if (!doc || !mayReadResource(viewer, doc)) throw resourceNotFound();
  return doc as ReadableResource;
}

/** Of these resources, those the viewer may read (order kept). */
export function readableResources(viewer: Pick<Actor, 'id' | 'role'>, docs: ResourceFields[]): ReadableResource[] {
  return docs.filter((d) => mayReadResource(viewer, d)) as ReadableResource[];
}

/** What a visitor never reaches in lists: the review queue, their own or saved resources. */
export function assertMemberScope(viewer: Pick<Actor, 'id'>, scope: string): void {
  if (isVisitor(viewer) && scope !== 'library') throw new AppError('unauthenticated', 'Sign in first.');
}
