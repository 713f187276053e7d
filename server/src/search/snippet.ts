import { escapeHtml } from '../text/html.js';
import { fold, wordMatches, type ParsedQuery } from './terms.js';

const WORD = /[\p{L}\p{N}]+/gu;

/** Escapes `text` and wraps the words matching the query in <mark>. */
export function highlight(text: string, query: ParsedQuery): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    if (!wordMatches(fold(m[0]), query)) continue;
    out += `${escapeHtml(text.slice(at, start))}<mark>${escapeHtml(m[0])}</mark>`;
    at = start + m[0].length;
  }
  return out + escapeHtml(text.slice(at));
}

/**
 * A short excerpt of `text` around its first matching word (or its start), escaped, with matches
 * in <mark> and an ellipsis where text was cut.
 */
export function snippet(text: string, query: ParsedQuery, maxChars = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return highlight(flat, query);
  let first = 0;
  for (const m of flat.matchAll(WORD)) {
    if (wordMatches(fold(m[0]), query)) {
      first = m.index;
      break;
    }
  }
  let start = Math.max(0, first - Math.floor(maxChars / 3));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + maxChars);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  return `${start > 0 ? '… ' : ''}${highlight(flat.slice(start, end), query)}${end < flat.length ? ' …' : ''}`;
}
