import type { Actor } from '../members/actor.js';
import type { ForumService } from '../forums/service.js';

/**
 * Opens the discussion thread of a hub item (resource, story) in the forum category of its
 * first topic that has one (else Equity tools), through the forums service. Returns its id.
 */
export async function openDiscussionThread(
  forums: ForumService,
  author: Actor,
  item: { topics: readonly string[]; title: string; body: string },
  /** `approved`: a moderator reviewed the item (a library submission), so screening lets it stand. */
  opts: { approved?: boolean } = {},
): Promise<string | null> {
  let categoryId: string | null = null;
  for (const slug of [...item.topics, 'equity-tools']) {
    try {
      categoryId = (await forums.getCategory(author, slug)).id;
      break;
    } catch {
      // This topic has no forum category of its own; try the next.
    }
  }
  if (!categoryId) return null;
  const title = item.title.trim().length >= 3 ? item.title.trim().slice(0, 200) : `Discussion: ${item.title}`;
  const { thread } = await forums.createThread(
    author,
    { categoryId, title, body: item.body, tags: ['hub'] },
    opts.approved ? { approved: true } : {},
  );
  return thread.id;
}
