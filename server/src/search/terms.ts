/**
 * Our own term index (no `$text`, so it runs the same on MongoDB and FerretDB). A searchable
 * document keeps a `terms` array: for every word, its light stem and its folded form. Queries
 * match stems exactly and the last query word as a prefix of a folded word (search-as-you-type).
 */

// prettier-ignore
const STOP_WORDS = new Set(
  [
    // English
    'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has', 'have', 'he', 'her', 'his', 'i',
    'if', 'in', 'into', 'is', 'it', 'its', 'me', 'my', 'not', 'of', 'on', 'or', 'our', 'she', 'so', 'than', 'that',
    'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'to', 'too', 'us', 'was', 'we', 'were', 'what',
    'when', 'which', 'who', 'will', 'with', 'you', 'your',
    // Spanish (already folded: no accents)
    'al', 'como', 'con', 'de', 'del', 'el', 'en', 'es', 'esta', 'este', 'la', 'las', 'lo', 'los', 'mas', 'mi', 'muy',
    'no', 'nos', 'o', 'para', 'pero', 'por', 'que', 'se', 'si', 'sin', 'su', 'sus', 'un', 'una', 'uno', 'unos', 'unas',
    'y', 'ya',
  ],
);

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_WORD = 40;
/** Consonants whose doubling an -ing/-ed suffix leaves behind ("planned" -> "plan"). */
const UNDOUBLE = new Set(['b', 'd', 'g', 'm', 'n', 'p', 'r', 't']);

/** Lower-case with accents folded (NFD, combining marks dropped): "Niños" -> "ninos". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

function undouble(word: string): string {
  const last = word.at(-1);
  if (word.length >= 4 && last && last === word.at(-2) && UNDOUBLE.has(last)) return word.slice(0, -1);
  return word;
}

/**
 * A light suffix stripper for English and Spanish: plurals, -ing, -ed and a final -e, so
 * "dashboards", "sharing", "shared", "share" and "ciudades"/"ciudad" meet at one stem. It only
 * has to be consistent, not linguistically right: documents and queries go through it alike.
 */
export function stem(folded: string): string {
  let w = folded;
  if (w.length <= 3 || /^\d+$/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length - 3 >= 3) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ied') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('ed') && w.length - 2 >= 3) w = undouble(w.slice(0, -2));
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** Folded words of a text, in order, stop words included (snippets need every word). */
export function words(text: string): string[] {
  return (fold(text).match(WORD) ?? []).map((w) => w.slice(0, MAX_WORD));
}

export function isStopWord(folded: string): boolean {
  return STOP_WORDS.has(folded);
}

/** The `terms` of a text: for each non-stop word its stem and its folded form, deduplicated. */
export function termsOf(...texts: string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    for (const w of words(text)) {
      if (isStopWord(w)) continue;
      out.add(w);
      out.add(stem(w));
    }
  }
  return [...out];
}

export interface ParsedQuery {
  /** Stems every document must hold. */
  exact: string[];
  /** The last word: a document holds it when a term starts with `prefix` or equals `prefixStem`. */
  last: { prefix: string; stem: string } | null;
  /** For display: what was searched. */
  display: string[];
}

/** Splits a search box into terms: stop words dropped, the last word kept as a prefix. */
export function parseQuery(q: string): ParsedQuery {
  const all = words(q).filter((w) => !isStopWord(w));
  if (all.length === 0) return { exact: [], last: null, display: [] };
  const lastWord = all[all.length - 1]!;
  const exact = [...new Set(all.slice(0, -1).map(stem))];
  return { exact, last: { prefix: lastWord, stem: stem(lastWord) }, display: [...exact, `${lastWord}*`] };
}

/** Whether one folded word of a document matches a query term. */
export function wordMatches(folded: string, query: ParsedQuery): boolean {
  if (isStopWord(folded)) return false;
  const s = stem(folded);
  if (query.exact.includes(s)) return true;
  return query.last !== null && (folded.startsWith(query.last.prefix) || s === query.last.stem);
}

/** How many of the query's terms a set of document terms holds (for ranking). */
export function countMatchedTerms(terms: readonly string[], query: ParsedQuery): number {
  const set = new Set(terms);
  let n = query.exact.filter((t) => set.has(t)).length;
  if (query.last && (set.has(query.last.stem) || terms.some((t) => t.startsWith(query.last!.prefix)))) n += 1;
  return n;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A filter on a `terms` array: every query term in it, the last one as a prefix of a word (or its stem). */
export function termsFilter(q: ParsedQuery): Record<string, unknown> {
  const conditions: Array<Record<string, unknown>> = q.exact.map((t) => ({ terms: t }));
  if (q.last)
    conditions.push({ $or: [{ terms: new RegExp(`^${escapeRegex(q.last.prefix)}`) }, { terms: q.last.stem }] });
  return { $and: conditions };
}
