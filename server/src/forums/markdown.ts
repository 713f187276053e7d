import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '../search/snippet.js';

/*
 * Markdown is rendered on the server: raw HTML in the source is shown as text (never parsed),
 * then the output goes through sanitize-html with a strict allow-list, so whatever marked lets
 * through (a `javascript:` link, an attribute) is cut again. Links get rel="nofollow ugc noopener".
 */

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

const md = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML is never HTML: show it as the text it is.
    html(token) {
      return escapeHtml(token.text);
    },
    // Images would load third-party content (and the CSP forbids it): show a link instead.
    image(token) {
      const label = token.text || token.href;
      return `<a href="${escapeHtml(token.href)}">${escapeHtml(label)}</a>`;
    },
    checkbox() {
      return '';
    },
  },
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

const REL = 'nofollow ugc noopener';

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'strong',
    'em',
    'del',
    's',
    'code',
    'pre',
    'blockquote',
    'cite',
    'ul',
    'ol',
    'li',
    'a',
    'h3',
    'h4',
    'h5',
    'h6',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'data-member-id', 'data-post-id'],
    blockquote: ['data-post-id'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
  },
  allowedClasses: {
    a: ['mention'],
    blockquote: ['quote'],
    code: ['language-*'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // A post's headings sit below the page's own.
    h1: 'h3',
    h2: 'h4',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: REL } }),
  },
};

export function sanitize(html: string): string {
  return sanitizeHtml(html, sanitizeOptions);
}

/** Renders a post body: `resolve` turns the `@handle`s found into members (unknown ones stay text). */
export async function renderMarkdown(
  source: string,
  resolve: (handles: string[]) => Promise<Map<string, MentionTarget>>,
): Promise<{ html: string; mentionIds: string[] }> {
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

/** Plain text of our own (sanitized) HTML, for search terms and snippets. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(?:br|\/p|\/li|\/h\d|\/blockquote|\/pre|\/tr|hr)[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&#x0*27;|&apos;/gi, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** The quote block shown above a quoting post: who, a link to the quoted post, its HTML as it was. */
export function quoteBlock(
  quote: { postId: string; seq: number; authorName: string; html: string },
  threadId: string,
): string {
  const postId = escapeHtml(quote.postId);
  const href = `/threads/${escapeHtml(threadId)}#post-${quote.seq}`;
  return sanitize(
    `<blockquote class="quote" data-post-id="${postId}"><cite><a href="${href}" data-post-id="${postId}">${escapeHtml(quote.authorName)}</a></cite>${quote.html}</blockquote>`,
  );
}
