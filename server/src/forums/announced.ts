import type { AnnouncedFacts } from '@commons/shared';
import { postStates, type PostState } from './reads.js';
import { keptThreadRecordGate } from './read-rule.js';
import { keptThreadGate } from './thread-page.js';
import { RESTRICTED_STATUSES } from './visibility.js';

/**
 * A new post's state now, and its thread's hidden mark and category's gate now, for a fan-out
 * whose job carries the rest (the post's body, the thread's title and author). The thread's kept
 * record or page (Redis) hold the mark and the gate as they are; without them, the opening post
 * is read with the post (the thread is hidden when its opening post is held or hidden,
 * thread-visibility.ts) and the gate is the one the job carries.
 */
export async function announcedPostState(
  threadId: string,
  postId: string,
  facts: AnnouncedFacts,
): Promise<{ post: PostState | undefined; threadHidden: boolean; gate: AnnouncedFacts['gate'] }> {
  const kept = (await keptThreadRecordGate(threadId)) ?? (await keptThreadGate(threadId));
  const rows = await postStates(kept ? [postId] : new Set([postId, facts.firstPostId]));
  const post = rows.find((r) => r._id.toHexString() === postId);
  if (kept) return { post, threadHidden: kept.hidden, gate: kept.gate };
  const first = rows.find((r) => r._id.toHexString() === facts.firstPostId);
  const restricted: readonly string[] = RESTRICTED_STATUSES;
  return { post, threadHidden: Boolean(first?.status && restricted.includes(first.status)), gate: facts.gate };
}
