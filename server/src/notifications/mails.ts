import type { Locale, Notification } from '@commons/shared';
import { translator } from '../infra/i18n.js';
import type { OutgoingMail } from '../infra/mail.js';
import { renderLayout, type MailSection } from '../mail/layout.js';
import type { Site } from '../mail/templates.js';

export function threadUrl(site: Site, threadId: string, postId?: string): string {
  return `${site.url}/forums/t/${threadId}${postId ? `#post-${postId}` : ''}`;
}

/** "Ana replied to you in …", "5 new replies in …": one line per group, in the reader's language. */
export function notificationLine(locale: Locale, n: Notification): string {
  const t = translator(locale);
  const name = n.actor?.displayName ?? t('email.notification.someone');
  return t(`email.notification.line.${n.kind}`, { count: n.count, name, title: n.threadTitle });
}

export function renderInstantMail(input: {
  site: Site;
  to: string;
  displayName: string;
  locale: Locale;
  notifications: Notification[];
  settingsUrl: string;
}): OutgoingMail {
  const t = translator(input.locale);
  const subject =
    input.notifications.length === 1
      ? notificationLine(input.locale, input.notifications[0]!)
      : t('email.notification.subject', { count: input.notifications.length, site: input.site.name });
  const { html, text } = renderLayout(
    {
      locale: input.locale,
      title: t('email.notification.title', { site: input.site.name }),
      paragraphs: [t('email.notification.greeting', { name: input.displayName })],
      sections: [
        {
          heading: t('email.notification.heading'),
          items: input.notifications.map((n) => ({
            label: notificationLine(input.locale, n),
            url: threadUrl(input.site, n.threadId, n.postId),
          })),
        },
      ],
      after: [t('email.notification.settings', { url: input.settingsUrl })],
    },
    input.site,
  );
  return { to: input.to, subject, html, text };
}

export interface DigestThreadItem {
  threadId: string;
  title: string;
  newPosts: number;
  categoryName: string;
}

export function renderDigestMail(input: {
  site: Site;
  to: string;
  displayName: string;
  locale: Locale;
  frequency: 'daily' | 'weekly';
  notifications: Notification[];
  threads: DigestThreadItem[];
  unsubscribeUrl: string;
  oneClickUrl: string;
  settingsUrl: string;
  messageId: string;
}): OutgoingMail {
  const t = translator(input.locale);
  const sections: MailSection[] = [];
  const mentionsAndReplies = input.notifications.filter((n) => n.kind !== 'thread_post');
  const watched = input.notifications.filter((n) => n.kind === 'thread_post');
  if (mentionsAndReplies.length)
    sections.push({
      heading: t('email.digest.repliesHeading'),
      items: mentionsAndReplies.map((n) => ({
        label: notificationLine(input.locale, n),
        url: threadUrl(input.site, n.threadId, n.postId),
      })),
    });
  if (watched.length)
    sections.push({
      heading: t('email.digest.watchedHeading'),
      items: watched.map((n) => ({
        label: notificationLine(input.locale, n),
        url: threadUrl(input.site, n.threadId, n.postId),
      })),
    });
  if (input.threads.length)
    sections.push({
      heading: t('email.digest.activeHeading'),
      items: input.threads.map((th) => ({
        label: th.title,
        detail: t('email.digest.threadDetail', { count: th.newPosts, category: th.categoryName }),
        url: threadUrl(input.site, th.threadId),
      })),
    });
  const subject = t(`email.digest.subject.${input.frequency}`, { site: input.site.name });
  const { html, text } = renderLayout(
    {
      locale: input.locale,
      title: subject,
      paragraphs: [t('email.digest.greeting', { name: input.displayName }), t(`email.digest.intro.${input.frequency}`)],
      sections,
      action: { label: t('email.digest.action', { site: input.site.name }), url: input.site.url },
      after: [
        t('email.digest.unsubscribe', { url: input.unsubscribeUrl }),
        t('email.digest.settings', { url: input.settingsUrl }),
      ],
    },
    input.site,
  );
  return {
    to: input.to,
    subject,
    html,
    text,
    headers: {
      'List-Unsubscribe': `<${input.oneClickUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Message-ID': input.messageId,
    },
  };
}
