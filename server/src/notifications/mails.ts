import { noticeKinds, notificationMessage, type Locale, type Notification } from '@commons/shared';
import type { DigestHubSections } from './digest-sections.js';
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
  const { key, values } = notificationMessage(n, t('email.notification.someone'));
  return t(key, values);
}

/** Where a notification leads, as an absolute URL. */
export function notificationUrl(site: Site, n: Notification): string {
  return `${site.url}${n.path}`;
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
            url: notificationUrl(input.site, n),
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
  timeZone: string;
  frequency: 'daily' | 'weekly';
  notifications: Notification[];
  threads: DigestThreadItem[];
  hub: DigestHubSections;
  /** The member has not been seen for long: this is the last digest until they come back. */
  lastForInactive?: { days: number };
  unsubscribeUrl: string;
  oneClickUrl: string;
  settingsUrl: string;
  messageId: string;
}): OutgoingMail {
  const t = translator(input.locale);
  const sections: MailSection[] = [];
  const line = (n: Notification) => ({ label: notificationLine(input.locale, n), url: notificationUrl(input.site, n) });
  const isNotice = (n: Notification) => (noticeKinds as readonly string[]).includes(n.kind);
  const mentionsAndReplies = input.notifications.filter((n) => n.kind === 'reply' || n.kind === 'mention');
  const watched = input.notifications.filter((n) => n.kind === 'thread_post');
  const notices = input.notifications.filter(isNotice);
  if (mentionsAndReplies.length)
    sections.push({ heading: t('email.digest.repliesHeading'), items: mentionsAndReplies.map(line) });
  if (notices.length) sections.push({ heading: t('email.digest.noticesHeading'), items: notices.map(line) });
  if (watched.length) sections.push({ heading: t('email.digest.watchedHeading'), items: watched.map(line) });
  if (input.threads.length)
    sections.push({
      heading: t('email.digest.activeHeading'),
      items: input.threads.map((th) => ({
        label: th.title,
        detail: t('email.digest.threadDetail', { count: th.newPosts, category: th.categoryName }),
        url: threadUrl(input.site, th.threadId),
      })),
    });
  const { hub } = input;
  if (hub.labOutcomes.length || hub.actionItems.length)
    sections.push({
      heading: t('email.digest.labOutcomesHeading'),
      items: [
        ...hub.labOutcomes.map((l) => ({
          label: l.title,
          detail: t('email.digest.labOutcomeDetail', { count: l.actionItems }),
          url: l.threadId ? threadUrl(input.site, l.threadId) : `${input.site.url}/labs/${l.id}`,
        })),
        ...hub.actionItems.map((a) => ({
          label: a.title,
          detail: a.dueDate
            ? t('email.digest.actionItemDue', { lab: a.labTitle, date: a.dueDate })
            : t('email.digest.actionItem', { lab: a.labTitle }),
          url: `${input.site.url}/labs/${a.labId}`,
        })),
      ],
    });
  if (hub.upcomingLabs.length) {
    const when = new Intl.DateTimeFormat(input.locale, {
      dateStyle: 'full',
      timeStyle: 'short',
      timeZone: input.timeZone,
    });
    sections.push({
      heading: t('email.digest.upcomingLabsHeading'),
      items: hub.upcomingLabs.map((l) => ({
        label: l.title,
        detail: when.format(l.startsAt),
        url: `${input.site.url}/labs/${l.id}`,
      })),
    });
  }
  if (hub.newResources.length)
    sections.push({
      heading: t('email.digest.resourcesHeading'),
      items: hub.newResources.map((r) => ({ label: r.title, url: `${input.site.url}/library/${r.id}` })),
    });
  const subject = t(`email.digest.subject.${input.frequency}`, { site: input.site.name });
  const { html, text } = renderLayout(
    {
      locale: input.locale,
      title: subject,
      paragraphs: [
        t('email.digest.greeting', { name: input.displayName }),
        t(`email.digest.intro.${input.frequency}`),
        ...(input.lastForInactive ? [t('email.digest.lastForInactive', { count: input.lastForInactive.days })] : []),
      ],
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
