import type { Tokens } from 'marked';
import { postPath } from '@commons/shared';
import { assertMarkdownBounds } from '../http/markdown-bounds.js';
import { escapeHtml } from '../text/html.js';
import { createMarkdown } from '../text/markdown.js';

/*
 * Posts are Markdown rendered by the one renderer and allow-list (text/markdown.ts), with
 * `@handle` mentions resolved to members.
 */

export { htmlToText } from '../text/html.js';

export interface MentionTarget {
  id: string;
  displayName: string;
}

interface MentionToken extends Tokens.Generic {
  type: 'mention';
  raw: string;
  handle: string;
  target?: MentionTarget;
}

/** `@handle` where a handle is lower-case letters, digits and inner hyphens (see forums/mentions.ts). */
const MENTION_AT = /^@([a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?)(?![\p{L}\p{N}_-])/iu;
/** Where a mention may start: at the start or after a character that cannot be part of a word or an address. */
const MENTION_START = /(^|[^\p{L}\p{N}_@./+-])@[a-z0-9]/iu;

function isMention(token: { type: string }): token is MentionToken {
  return token.type === 'mention';
}

const { md, sanitize } = createMarkdown({
  extensions: [
    {
      name: 'mention',
      level: 'inline',
      start(src) {
        const m = MENTION_START.exec(src);
        return m ? m.index + (m[1] ?? '').length : undefined;
      },
      tokenizer(src, tokens) {
        const m = MENTION_AT.exec(src);
        if (!m) return undefined;
        // "name@example" is not a mention: the text before must end with something else than a word.
        const previous = tokens.at(-1);
        if (previous && 'raw' in previous && /[\p{L}\p{N}_]$/u.test(previous.raw)) return undefined;
        const token: MentionToken = { type: 'mention', raw: m[0], handle: (m[1] ?? '').toLowerCase() };
        return token;
      },
      renderer(token) {
        if (!isMention(token)) return false;
        if (!token.target) return escapeHtml(token.raw);
        const id = escapeHtml(token.target.id);
        return `<a href="/members/${id}" class="mention" data-member-id="${id}">@${escapeHtml(token.target.displayName)}</a>`;
      },
    },
  ],
});

export { sanitize };

/** Renders a post body: `resolve` turns the `@handle`s found into members (unknown ones stay text). */
export async function renderMarkdown(
  source: string,
  resolve: (handles: string[]) => Promise<Map<string, MentionTarget>>,
): Promise<{ html: string; mentionIds: string[] }> {
  assertMarkdownBounds(source);
  const tokens = md.lexer(source);
  const mentions: MentionToken[] = [];
  md.walkTokens(tokens, (token) => {
    if (isMention(token)) mentions.push(token);
  });
  const mentionIds = new Set<string>();
  if (mentions.length > 0) {
    const targets = await resolve([...new Set(mentions.map((m) => m.handle))]);
    for (const token of mentions) {
      const target = targets.get(token.handle);
      if (target) {
        token.target = target;
        mentionIds.add(target.id);
      }
    }
  }
  const html = md.parser(tokens);
  return { html: sanitize(html), mentionIds: [...mentionIds] };
}

/** The quote block shown above a quoting post: who, a link to the quoted post, its HTML as it was. */
export function quoteBlock(
  quote: { postId: string; seq: number; authorName: string; html: string },
  threadId: string,
): string {
  const postId = escapeHtml(quote.postId);
  const href = escapeHtml(postPath(threadId, quote.seq));
  return sanitize(
    `<blockquote class="quote" data-post-id="${postId}"><cite><a href="${href}" data-post-id="${postId}">${escapeHtml(quote.authorName)}</a></cite>${quote.html}</blockquote>`,
  );
}
