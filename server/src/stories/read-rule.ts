import { isValidObjectId } from 'mongoose';
import { AppError } from '../http/errors.js';
import type { Actor } from '../members/actor.js';
import { StoryModel, type StoryFields } from './model.js';

/*
 * The stories' read rule, the one place that decides who may read a story. A published story is
 * for every member, and for a visitor without an account while the site's public face is open
 * (site/viewer.ts builds a visitor only then; a suspended member reads as one). Stories have no
 * private or held state today: when they get one, it is decided here and nowhere else. Blocks
 * govern contact, not reading, as in the forums.
 *
 * The presenters (service.ts) take only `ReadableStory`, and only this module makes them, so a
 * path that shows a story without asking the rule does not compile.
 */

declare const readableBrand: unique symbol;
/** A story that passed the read rule for the viewer it is shown to. */
export type ReadableStory = StoryFields & { readonly [readableBrand]: true };

type Viewer = Pick<Actor, 'id' | 'role'>;

export const storyNotFound = () => new AppError('not_found', 'No story with this id.');

// Every viewer the routes build may read every story (see above); the viewer is kept so the
// rule's callers already say for whom they read.
function mayReadStory(_viewer: Viewer, _doc: StoryFields): boolean {
  return true;
}

/** Of these stories, those the viewer may read (order kept). */
export function readableStories(viewer: Viewer, docs: StoryFields[]): ReadableStory[] {
  return docs.filter((d) => mayReadStory(viewer, d)) as ReadableStory[];
}

/** The story if the viewer may read it, else the same 404 as a wrong id. */
export function readableStory(viewer: Viewer, doc: StoryFields | null): ReadableStory {
  if (!doc || !mayReadStory(viewer, doc)) throw storyNotFound();
  return doc as ReadableStory;
}

/** The story by id if the viewer may read it, else the same 404 as a wrong id. */
export async function readableStoryOr404(viewer: Viewer, id: string): Promise<ReadableStory> {
  const doc = isValidObjectId(id) ? await StoryModel.findById(id).lean<StoryFields>() : null;
  return readableStory(viewer, doc);
}
