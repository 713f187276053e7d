import { AppError } from './errors.js';

/*
 * Markdown is parsed by recursive descent (marked), and emphasis and link delimiters are matched
 * by scanning back over earlier ones: deep nesting overflows the stack and many delimiters cost
 * time that grows with their square. Every Markdown source is checked against these bounds before
 * any parser sees it, so a member's text cannot make a request fail or hold a core.
 */
export const markdownBounds = {
  /** Characters of one source (the schemas of post, story and event bodies allow no more). */
  maxLength: 20_000,
  /** Quote and list levels opened on one line (a reader cannot follow more anyway). */
  maxNesting: 16,
  /** Emphasis, strike-through and link delimiters (`*`, `_`, `~`, `[`, `]`) in one source. */
  maxDelimiters: 1_000,
};

/** One block container marker at the start of a line: a quote, a bullet or a numbered item. */
const CONTAINER = /^[ \t]{0,3}(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?/;

function nestingOf(line: string): number {
  let depth = 0;
  let rest = line;
  for (;;) {
    const m = CONTAINER.exec(rest);
    if (!m || m[0].length === 0) break;
    depth++;
    if (depth > markdownBounds.maxNesting) return depth;
    rest = rest.slice(m[0].length);
  }
  // Lists nested by indentation: every two leading spaces before a marker open one more level.
  const indent = /^( *)(?:[-*+]|\d{1,9}[.)])[ \t]/.exec(rest);
  return depth + (indent ? Math.floor(indent[1]!.length / 2) : 0);
}

/** Throws a 400 when the source is too long, nests too deep or has too many delimiters. */
export function assertMarkdownBounds(source: string, field = 'body'): void {
  const refuse = (message: string): never => {
    throw new AppError('validation_failed', message, { fieldErrors: { [field]: [message] }, formErrors: [] });
  };
  if (source.length > markdownBounds.maxLength)
    refuse(`This text is too long (at most ${markdownBounds.maxLength} characters).`);
  let delimiters = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    // * _ ~ [ ]
    if (c === 42 || c === 95 || c === 126 || c === 91 || c === 93) delimiters++;
  }
  if (delimiters > markdownBounds.maxDelimiters)
    refuse(
      `This text has too much formatting (more than ${markdownBounds.maxDelimiters} of the characters * _ ~ [ ]).`,
    );
  for (const line of source.split('\n')) {
    if (nestingOf(line) > markdownBounds.maxNesting)
      refuse(`Quotes and lists nest too deeply here (at most ${markdownBounds.maxNesting} levels).`);
  }
}
