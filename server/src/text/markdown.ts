import { Marked, type TokenizerAndRendererExtension } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from './html.js';

/*
 * Markdown of members (posts, stories, events) is rendered on the server: raw HTML in the source
 * is shown as text (never parsed), then the output goes through sanitize-html with the one
 * allow-list below, so whatever marked lets through (a `javascript:` link, an attribute) is cut
 * again. Links get rel="nofollow ugc noopener". Images only where a renderer allows our own
 * uploads (stories); anywhere else an image becomes a plain link (the CSP forbids others).
 */

const REL = 'nofollow ugc noopener';

const ALLOWED_TAGS = [
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
];

function sanitizeOptions(uploadImage: RegExp | null): sanitizeHtml.IOptions {
  return {
    allowedTags: uploadImage ? [...ALLOWED_TAGS, 'img'] : ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'data-member-id', 'data-post-id'],
      blockquote: ['data-post-id'],
      ol: ['start'],
      th: ['align'],
      td: ['align'],
      ...(uploadImage ? { img: ['src', 'alt', 'loading'] } : {}),
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
    ...(uploadImage
      ? {
          exclusiveFilter: (frame: sanitizeHtml.IFrame) =>
            frame.tag === 'img' && !uploadImage.test(frame.attribs.src ?? ''),
        }
      : {}),
    transformTags: {
      // Headings of members' text sit below the page's own.
      h1: 'h3',
      h2: 'h4',
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: REL } }),
    },
  };
}

export interface MarkdownRenderer {
  md: Marked;
  sanitize(html: string): string;
}

/**
 * A Markdown renderer and its sanitizer. `uploadImage`: the image addresses shown as images (our
 * own uploads); null shows every image as a link. `extensions`: inline syntax of a domain (mentions).
 */
export function createMarkdown(
  opts: { uploadImage?: RegExp | null; extensions?: TokenizerAndRendererExtension[] } = {},
): MarkdownRenderer {
  const uploadImage = opts.uploadImage ?? null;
  const md = new Marked({
    gfm: true,
    breaks: true,
    async: false,
    renderer: {
      // Raw HTML is never HTML: show it as the text it is.
      html(token) {
        return escapeHtml(token.text);
      },
      image(token) {
        if (uploadImage?.test(token.href))
          return `<img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}" loading="lazy">`;
        return `<a href="${escapeHtml(token.href)}">${escapeHtml(token.text || token.href)}</a>`;
      },
      checkbox() {
        return '';
      },
    },
    ...(opts.extensions ? { extensions: opts.extensions } : {}),
  });
  const options = sanitizeOptions(uploadImage);
  return { md, sanitize: (html) => sanitizeHtml(html, options) };
}
