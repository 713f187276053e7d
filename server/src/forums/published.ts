import type { PublicPost, PublicThread } from '@commons/shared';
import { Types } from 'mongoose';
import { isPrivateCategory } from './coalition-visibility.js';
import { PostModel, ThreadModel } from './model.js';
import { presentPublicPosts, presentPublicThreads, type PostLean, type ThreadLean } from './present.js';
import { readableByRoom } from './read-rule.js';

/**
 * A published post as it may leave the platform (webhooks): read when its fan-out runs, through the
 * room's read rule, so a post held or deleted since screening goes nowhere. Null for that, and for a
 * private coalition's post (it stays on the platform).
 */
export async function shareablePost(
  threadId: string,
  postId: string,
): Promise<{ thread: PublicThread; post: PublicPost } | null> {
  if (!Types.ObjectId.isValid(postId) || !Types.ObjectId.isValid(threadId)) return null;
  const [found, thread] = await Promise.all([
    PostModel.findById(postId).lean<PostLean>(),
    ThreadModel.findById(threadId).lean<ThreadLean>(),
  ]);
  const post = found ? readableByRoom(found) : null;
  if (!post || !thread || (await isPrivateCategory(thread.categoryId))) return null;
  const [[publicThread], [publicPost]] = await Promise.all([
    presentPublicThreads([thread]),
    presentPublicPosts([post]),
  ]);
  return publicThread && publicPost ? { thread: publicThread, post: publicPost } : null;
}
