import { assertMarkdownBounds } from '../http/markdown-bounds.js';
import { createMarkdown } from '../text/markdown.js';

/** Our own uploaded files: the only images a story may show (the CSP allows no others). */
export const UPLOAD_IMAGE = /^\/api\/uploads\/([0-9a-f]{24})$/;

/*
 * Stories are Markdown like posts (the one renderer and allow-list: text/markdown.ts), plus
 * images, but only of files uploaded here; any other image becomes a plain link.
 */
const { md, sanitize } = createMarkdown({ uploadImage: UPLOAD_IMAGE });

export function renderStory(source: string): { html: string; imageIds: string[] } {
  assertMarkdownBounds(source);
  const html = sanitize(md.parse(source) as string);
  const imageIds = [...html.matchAll(/<img src="\/api\/uploads\/([0-9a-f]{24})"/g)].map((m) => m[1]!);
  return { html, imageIds };
}
