import { htmlToText } from '../forums/markdown.js';
import type { ForumService } from '../forums/service.js';
import type { EventService } from '../events/service.js';
import { translator } from '../infra/i18n.js';
import type { LibraryService } from '../library/service.js';
import { escapeHtml } from '../text/html.js';
import type { StoryService } from '../stories/service.js';
import { publicFaceOpen, visitorActor } from './viewer.js';

/*
 * The head of a public page as the server sends it: <title>, a description and Open Graph tags,
 * so a link shared in a mail, a chat or a search engine shows what the page holds. What it shows
 * is read as a visitor, through each domain's read rule (the same services the API uses with the
 * visitor of site/viewer.ts): a page a visitor may not read, or any page while the public face is
 * closed, gets the site's own head and says nothing of its content.
 */

export interface Head {
  title: string;
  description: string;
  url: string;
  type: 'website' | 'article';
}

export interface HeadSources {
  library: LibraryService;
  stories: StoryService;
  events: EventService;
  forums: ForumService;
}

const ID = '([0-9a-f]{24})';
const t = translator('en');

/** Plain text of at most `max` characters, cut at a word, for a description. */
function clip(text: string, max = 200): string {
  const plain = text.replace(/\s+/g, ' ').trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

export function publicHeads(sources: HeadSources, publicUrl: string) {
  const site = t('app.name');
  const titled = (title: string) => `${title} · ${site}`;
  const siteHead = (url: string): Head => ({
    title: `${site}: ${t('app.tagline')}`,
    description: t('publicFace.homeDescription'),
    url,
    type: 'website',
  });

  // Each public path: a pattern and what the visitor reads there (null: the site's head).
  const pages: Array<[RegExp, (id: string, url: string) => Promise<Head | null>]> = [
    [/^\/$/, async () => null],
    [
      /^\/library\/?$/,
      async (_id, url) => ({
        title: titled(t('publicFace.libraryTitle')),
        description: t('publicFace.libraryDescription'),
        url,
        type: 'website',
      }),
    ],
    [
      new RegExp(`^/library/${ID}$`),
      async (id, url) => {
        const r = await sources.library.get(visitorActor(), id);
        return { title: titled(r.title), description: clip(r.summary), url, type: 'article' };
      },
    ],
    [
      /^\/stories\/?$/,
      async (_id, url) => ({
        title: titled(t('publicFace.storiesTitle')),
        description: t('publicFace.storiesDescription'),
        url,
        type: 'website',
      }),
    ],
    [
      new RegExp(`^/stories/${ID}$`),
      async (id, url) => {
        const s = await sources.stories.get(visitorActor(), id);
        return { title: titled(s.title), description: clip(s.excerpt), url, type: 'article' };
      },
    ],
    [
      /^\/events\/?$/,
      async (_id, url) => ({
        title: titled(t('publicFace.eventsTitle')),
        description: t('publicFace.eventsDescription'),
        url,
        type: 'website',
      }),
    ],
    [
      new RegExp(`^/events/${ID}$`),
      async (id, url) => {
        const e = await sources.events.get(visitorActor(), id);
        return { title: titled(e.title), description: clip(htmlToText(e.descriptionHtml)), url, type: 'article' };
      },
    ],
    [
      /^\/forums\/?$/,
      async (_id, url) => ({
        title: titled(t('publicFace.forumsTitle')),
        description: t('publicFace.forumsDescription'),
        url,
        type: 'website',
      }),
    ],
    [
      new RegExp(`^/(?:forums/t|threads)/${ID}$`),
      async (id, url) => {
        const { thread, posts } = await sources.forums.getThread(visitorActor(), id);
        const opening = posts[0];
        return {
          title: titled(thread.title),
          description: opening ? clip(htmlToText(opening.bodyHtml)) : t('publicFace.forumsDescription'),
          url,
          type: 'article',
        };
      },
    ],
  ];

  /** The head of a path, or null when the path is not a public page (the app's own title then). */
  return async function headOf(path: string): Promise<Head | null> {
    const page = pages.find(([pattern]) => pattern.test(path));
    if (!page) return null;
    const url = `${publicUrl}${path}`;
    if (!(await publicFaceOpen())) return siteHead(url);
    try {
      return (await page[1](page[0].exec(path)?.[1] ?? '', url)) ?? siteHead(url);
    } catch {
      // Not found, or not for visitors: the same head as the home page, telling nothing.
      return siteHead(url);
    }
  };
}

/** The app's HTML with the head's title, description and Open Graph tags in place of its title. */
export function withHead(shell: string, head: Head, siteName: string): string {
  const e = escapeHtml;
  const tags = [
    `<title>${e(head.title)}</title>`,
    `<meta name="description" content="${e(head.description)}" />`,
    `<link rel="canonical" href="${e(head.url)}" />`,
    `<meta property="og:site_name" content="${e(siteName)}" />`,
    `<meta property="og:type" content="${head.type}" />`,
    `<meta property="og:title" content="${e(head.title)}" />`,
    `<meta property="og:description" content="${e(head.description)}" />`,
    `<meta property="og:url" content="${e(head.url)}" />`,
    `<meta name="twitter:card" content="summary" />`,
  ].join('\n    ');
  return shell.replace(/<title>[^<]*<\/title>/, tags);
}
