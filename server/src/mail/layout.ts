import type { Locale } from '@commons/shared';
import { translator } from '../infra/i18n.js';

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export interface MailContent {
  locale: Locale;
  title: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  after?: string[];
  /** Lists of links (notification and digest mails), between the paragraphs and the button. */
  sections?: MailSection[];
}

export interface MailSection {
  heading: string;
  items: { label: string; url: string; detail?: string }[];
}

/**
 * One mobile-friendly layout for every mail: a single column, system fonts, large button,
 * and a plain-text part with the same words.
 */
export function renderLayout(
  content: MailContent,
  site: { name: string; url: string },
): { html: string; text: string } {
  const t = translator(content.locale);
  const footer = t('email.footer', { site: site.name });
  const p = (s: string) => `<p style="margin:0 0 16px;font-size:16px;line-height:1.5">${escapeHtml(s)}</p>`;
  const button = content.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="display:inline-block;background:#1d4e89;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-size:16px">${escapeHtml(content.action.label)}</a></p>`
    : '';
  const section = (sec: MailSection) =>
    `<h2 style="font-size:17px;margin:24px 0 8px">${escapeHtml(sec.heading)}</h2>\n<ul style="margin:0 0 16px;padding-left:20px">${sec.items
      .map(
        (item) =>
          `<li style="margin:0 0 10px;font-size:16px;line-height:1.5"><a href="${escapeHtml(item.url)}" style="color:#1d4e89">${escapeHtml(item.label)}</a>${item.detail ? `<br><span style="font-size:14px;color:#4a5360">${escapeHtml(item.detail)}</span>` : ''}</li>`,
      )
      .join('')}</ul>`;
  const html = `<!doctype html>
<html lang="${content.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(content.title)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1b1f24">
<div role="article" aria-label="${escapeHtml(content.title)}" style="max-width:560px;margin:0 auto;padding:24px 16px;background:#ffffff">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(content.title)}</h1>
${content.paragraphs.map(p).join('\n')}
${(content.sections ?? []).map(section).join('\n')}
${button}
${(content.after ?? []).map(p).join('\n')}
<hr style="border:none;border-top:1px solid #d0d4d9;margin:24px 0">
<p style="font-size:13px;color:#4a5360;margin:0">${escapeHtml(footer)} <a href="${escapeHtml(site.url)}" style="color:#1d4e89">${escapeHtml(site.url)}</a></p>
</div></body></html>`;
  const text = [
    content.title,
    '',
    ...content.paragraphs.flatMap((s) => [s, '']),
    ...(content.sections ?? []).flatMap((sec) => [
      sec.heading,
      '',
      ...sec.items.flatMap((item) => [
        `- ${item.label}`,
        ...(item.detail ? [`  ${item.detail}`] : []),
        `  ${item.url}`,
      ]),
      '',
    ]),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    ...(content.after ?? []).flatMap((s) => [s, '']),
    '--',
    `${footer} ${site.url}`,
  ].join('\n');
  return { html, text };
}
