import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '../search/snippet.js';

/** Our own uploaded files: the only images a story may show (the CSP allows no others). */
export const UPLOAD_IMAGE = /^\/api\/uploads\/([0-9a-f]{24})$/;

/*
 * Stories are Markdown like posts (raw HTML shown as text, output sanitized with an allow-list),
 * plus images, but only of files uploaded here; any other image becomes a plain link.
 */
const md = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html(token) {
      return escapeHtml(token.text);
    },
    image(token) {
      if (UPLOAD_IMAGE.test(token.href))
        return `<img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}" loading="lazy">`;
      return `<a href="${escapeHtml(token.href)}">${escapeHtml(token.text || token.href)}</a>`;
    },
    checkbox() {
      return '';
    },
  },
});

const REL = 'nofollow ugc noopener';

const options: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'del',
    'a',
    'ul',
    'ol',
    'li',
    'blockquote',
    'code',
    'pre',
    'hr',
    'h3',
    'h4',
    'h5',
    'h6',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'loading'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  exclusiveFilter: (frame) => frame.tag === 'img' && !UPLOAD_IMAGE.test(frame.attribs.src ?? ''),
  transformTags: {
    h1: 'h3',
    h2: 'h4',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: REL } }),
  },
};

export function renderStory(source: string): { html: string; imageIds: string[] } {
  const html = sanitizeHtml(md.parse(source) as string, options);
  const imageIds = [...html.matchAll(/<img src="\/api\/uploads\/([0-9a-f]{24})"/g)].map((m) => m[1]!);
  return { html, imageIds };
}
