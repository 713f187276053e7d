import { escapeHtml } from '../text/html.js';
import type { Locale } from '@commons/shared';
import { translator } from '../infra/i18n.js';
import { avatarColour, initialsOf } from './avatar.js';

export interface MailContent {
  locale: Locale;
  title: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  after?: string[];
  /** Lists of links (notification and digest mails), between the paragraphs and the button. */
  sections?: MailSection[];
  /**
   * Links of the mail's own (settings, unsubscribe): small buttons in HTML, "text: URL" lines in the
   * plain part, so no long URL is ever printed in the HTML.
   */
  links?: { label: string; text: string; url: string }[];
}

export interface MailSection {
  heading: string;
  items: MailItem[];
}

export interface MailItem {
  label: string;
  url: string;
  detail?: string;
  /** A few words of the post or notice, quoted under the line. */
  excerpt?: string;
  /** Who it is from: coloured initials beside the line. */
  from?: { id: string; name: string };
}

// Light colours inline (every client), dark ones by class in a media query (clients that honour it).
const C = {
  page: '#f4f5f7',
  card: '#ffffff',
  text: '#1b1f24',
  muted: '#4a5360',
  link: '#1d4e89',
  rule: '#d0d4d9',
  quote: '#f1f3f5',
};
const darkCss = `
:root{color-scheme:light dark;supported-color-schemes:light dark}
a{overflow-wrap:anywhere;word-break:break-word}
@media (prefers-color-scheme: dark){
.m-page{background:#111418 !important}
.m-card{background:#1b1f24 !important;color:#e8eaed !important}
.m-muted{color:#b4bcc6 !important}
.m-link{color:#8ab4f8 !important}
.m-rule{border-color:#3a4048 !important}
.m-quote{background:#262b31 !important;border-color:#4a525c !important;color:#d7dbe0 !important}
.m-btn{background:#8ab4f8 !important;color:#0b1a2e !important}
.m-btn2{color:#8ab4f8 !important;border-color:#8ab4f8 !important}
}
@media (max-width:600px){.m-card{padding:20px 16px !important;border-radius:0 !important}}`;

/**
 * One layout for every mail, at most 600 px wide: a single column, system fonts, avatars of
 * coloured initials, buttons for actions, dark mode where the client supports it, and a
 * plain-text part with the same words.
 */
export function renderLayout(
  content: MailContent,
  site: { name: string; url: string },
): { html: string; text: string } {
  const t = translator(content.locale);
  const footer = t('email.footer', { site: site.name });
  const e = escapeHtml;
  const p = (s: string) =>
    `<p style="margin:0 0 16px;font-size:16px;line-height:1.5;overflow-wrap:anywhere">${e(s)}</p>`;
  const button = content.action
    ? `<p style="margin:24px 0"><a class="m-btn" href="${e(content.action.url)}" style="display:inline-block;background:${C.link};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-size:16px;font-weight:600">${e(content.action.label)}</a></p>`
    : '';
  const avatar = (from: { id: string; name: string }) =>
    `<td width="44" valign="top" style="width:44px;padding:2px 0 0"><div aria-hidden="true" style="width:32px;height:32px;border-radius:16px;background:${avatarColour(from.id)};color:#ffffff;font-size:13px;font-weight:600;line-height:32px;text-align:center">${e(initialsOf(from.name))}</div></td>`;
  const item = (it: MailItem) =>
    `<li style="margin:0 0 14px;padding:0"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;table-layout:fixed"><tr>${it.from ? avatar(it.from) : ''}<td valign="top" style="font-size:16px;line-height:1.45;overflow-wrap:anywhere"><a class="m-link" href="${e(it.url)}" style="color:${C.link};font-weight:600;text-decoration:none">${e(it.label)}</a>${it.detail ? `<div class="m-muted" style="font-size:14px;color:${C.muted};margin-top:2px">${e(it.detail)}</div>` : ''}${it.excerpt ? `<div class="m-quote" style="margin-top:6px;padding:8px 12px;background:${C.quote};border-left:3px solid ${C.rule};border-radius:4px;font-size:15px;line-height:1.45;color:${C.text}">${e(it.excerpt)}</div>` : ''}</td></tr></table></li>`;
  const section = (sec: MailSection) =>
    `<h2 style="font-size:17px;margin:24px 0 10px">${e(sec.heading)}</h2>\n<ul style="list-style:none;margin:0 0 16px;padding:0">${sec.items.map(item).join('')}</ul>`;
  const links = content.links?.length
    ? `<p style="margin:8px 0 0;font-size:14px;line-height:2.4">${content.links
        .map(
          (l) =>
            `<a class="m-btn2" href="${e(l.url)}" style="display:inline-block;margin:0 8px 0 0;padding:4px 12px;border:1px solid ${C.link};border-radius:6px;color:${C.link};text-decoration:none;line-height:1.5">${e(l.label)}</a>`,
        )
        .join('')}</p>`
    : '';
  const html = `<!doctype html>
<html lang="${content.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"><title>${e(content.title)}</title><style>${darkCss}</style></head>
<body class="m-page" style="margin:0;padding:0;background:${C.page};font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:${C.text}">
<div class="m-page" style="background:${C.page};padding:16px 0">
<div role="article" aria-label="${e(content.title)}" class="m-card" style="box-sizing:border-box;max-width:600px;width:100%;margin:0 auto;padding:28px 24px;background:${C.card};color:${C.text};border-radius:8px">
<p style="margin:0 0 12px;font-size:14px;font-weight:600"><a class="m-link" href="${e(site.url)}" style="color:${C.link};text-decoration:none">${e(site.name)}</a></p>
<h1 style="font-size:21px;line-height:1.3;margin:0 0 16px">${e(content.title)}</h1>
${content.paragraphs.map(p).join('\n')}
${(content.sections ?? []).map(section).join('\n')}
${button}
${(content.after ?? []).map(p).join('\n')}
${links}
<hr class="m-rule" style="border:none;border-top:1px solid ${C.rule};margin:24px 0">
<p class="m-muted" style="font-size:13px;line-height:1.5;color:${C.muted};margin:0">${e(footer)}</p>
</div></div></body></html>`;
  const text = [
    content.title,
    '',
    ...content.paragraphs.flatMap((s) => [s, '']),
    ...(content.sections ?? []).flatMap((sec) => [
      sec.heading,
      '',
      ...sec.items.flatMap((it) => [
        `- ${it.label}`,
        ...(it.detail ? [`  ${it.detail}`] : []),
        ...(it.excerpt ? [`  “${it.excerpt}”`] : []),
        `  ${it.url}`,
      ]),
      '',
    ]),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    ...(content.after ?? []).flatMap((s) => [s, '']),
    ...(content.links ?? []).flatMap((l) => [l.text, '']),
    '--',
    `${footer} ${site.url}`,
  ].join('\n');
  return { html, text };
}
