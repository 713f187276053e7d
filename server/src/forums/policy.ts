import { AppError } from '../http/errors.js';
import { isAdmin, isModerator, type Actor } from '../members/actor.js';
import type { CategoryFields, PostFields, ThreadFields } from './model.js';

/**
 * The forums' rules, in one place. Routes and socket handlers call the service, the service
 * calls these, so no transport can skip them.
 */
export const forumPolicy = {
  manageCategories(actor: Actor): void {
    if (!isAdmin(actor)) throw new AppError('forbidden', 'Only administrators can manage categories.');
  },

  /** A category the actor may read (forums/read-rule.ts) takes no new threads once archived. */
  startThread(_actor: Actor, category: Pick<CategoryFields, 'archived'>): void {
    if (category.archived) throw new AppError('thread_locked', 'This category is archived; new threads are closed.');
  },

  moderateThread(actor: Actor): void {
    if (!isModerator(actor)) throw new AppError('forbidden', 'Only moderators can pin, lock or move threads.');
  },

  /** The thread's author renames it (not once it is locked); moderators always may. */
  retitleThread(actor: Actor, thread: Pick<ThreadFields, 'authorId' | 'locked'>): void {
    if (isModerator(actor)) return;
    if (thread.authorId.toHexString() !== actor.id)
      throw new AppError('forbidden', 'Only the author or a moderator can rename this thread.');
    if (thread.locked) throw new AppError('thread_locked', 'This thread is locked.');
  },

  /** Locked threads and archived categories take no new posts; moderators may still answer in a locked thread. */
  postInThread(
    actor: Actor,
    thread: Pick<ThreadFields, 'locked'>,
    category: Pick<CategoryFields, 'archived'> | null,
  ): void {
    if (category?.archived)
      throw new AppError('thread_locked', 'This thread is in an archived category and takes no new posts.');
    if (thread.locked && !isModerator(actor)) throw new AppError('thread_locked', 'This thread is locked.');
  },

  editPost(actor: Actor, post: Pick<PostFields, 'authorId' | 'deleted'>, thread: Pick<ThreadFields, 'locked'>): void {
    if (post.deleted) throw new AppError('not_found', 'No post with this id.');
    const own = post.authorId.toHexString() === actor.id;
    if (!own && !isModerator(actor))
      throw new AppError('forbidden', 'Only the author or a moderator can edit this post.');
    if (thread.locked && !isModerator(actor)) throw new AppError('thread_locked', 'This thread is locked.');
  },

  deletePost(actor: Actor, post: Pick<PostFields, 'authorId'>): void {
    const own = post.authorId.toHexString() === actor.id;
    if (!own && !isModerator(actor))
      throw new AppError('forbidden', 'Only the author or a moderator can delete this post.');
  },

  /** The edit history of a deleted post may hold what was removed: moderators only. */
  readRevisions(actor: Actor, post: Pick<PostFields, 'deleted'>): void {
    if (post.deleted && !isModerator(actor)) throw new AppError('not_found', 'No post with this id.');
  },

  react(post: Pick<PostFields, 'deleted'>): void {
    if (post.deleted) throw new AppError('not_found', 'No post with this id.');
  },
};
