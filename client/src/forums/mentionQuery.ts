/**
 * The "@…" being typed just before the caret, if any: "@" at the start or after a space, then up
 * to three words of a name ("@Ana Ló"). Returns where it starts and what to look up.
 */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([\p{L}\p{N}][\p{L}\p{N}'’.-]*(?: [\p{L}\p{N}'’.-]*){0,2})$/u.exec(before);
  if (!match) return null;
  const query = match[2]!;
  if (query.length > 40) return null;
  return { start: before.length - query.length - 1, query };
}

/** The text with "@query" replaced by "@handle " and where the caret goes after it. */
export function insertMention(
  text: string,
  at: { start: number; query: string },
  handle: string,
): { text: string; caret: number } {
  const inserted = `@${handle} `;
  const end = at.start + 1 + at.query.length;
  return { text: text.slice(0, at.start) + inserted + text.slice(end), caret: at.start + inserted.length };
}
