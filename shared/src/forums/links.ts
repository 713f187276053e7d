/**
 * The one way to link to a thread or to one post of it, for the client, the server's notices and
 * mails, and Markdown quotes. A thread page anchors each post as `#post-<seq>` (its number in the
 * thread, which readers see), never by its id: build every link here so the two cannot drift.
 */
export function threadPath(threadId: string): string {
  return `/forums/t/${encodeURIComponent(threadId)}`;
}

/** A link to one post: the thread page scrolls to it and highlights it. */
export function postPath(threadId: string, seq: number | null | undefined): string {
  return seq ? `${threadPath(threadId)}#${postAnchor(seq)}` : threadPath(threadId);
}

/** The element id of a post on its thread page. */
export function postAnchor(seq: number): string {
  return `post-${seq}`;
}

/** The post number a thread page's hash points to (`#post-12` → 12), else null. */
export function seqFromHash(hash: string): number | null {
  const match = /^#post-(\d+)$/.exec(hash);
  return match ? Number(match[1]) : null;
}
