import {
  FORMER_MEMBER_KEY,
  noticeKinds,
  notificationMessage,
  postPath,
  type Locale,
  type Notification,
} from '@commons/shared';
import { memberNameIn } from '../members/names.js';
import type { DigestHubSections } from './digest-sections.js';
import { formatDateTime, translator } from '../infra/i18n.js';
import type { OutgoingMail } from '../infra/mail.js';
import { renderLayout, type MailItem, type MailSection } from '../mail/layout.js';
import type { Site } from '../mail/templates.js';

/** A thread, or one post of it (by its number in the thread), as an absolute URL. */
export function threadUrl(site: Site, threadId: string, seq?: number | null): string {
  return `${site.url}${postPath(threadId, seq)}`;
}

/** "Ana replied to you in …", "5 new replies in …": one line per group, in the reader's language. */
export function notificationLine(locale: Locale, n: Notification): string {
  const t = translator(locale);
  const { key, values } = notificationMessage(n, {
    someone: t('email.notification.someone'),
    formerMember: t(FORMER_MEMBER_KEY),
  });
  return t(key, values);
}

/** Where a notification leads, as an absolute URL. */
export function notificationUrl(site: Site, n: Notification): string {
  return `${site.url}${n.path}`;
}

/** A notification as a mail line: who (coloured initials), what, and a few words of it. */
function notificationItem(site: Site, locale: Locale, n: Notification): MailItem {
  return {
    label: notificationLine(locale, n),
    url: notificationUrl(site, n),
    ...(n.excerpt ? { excerpt: n.excerpt } : {}),
    ...(n.actor ? { from: { id: n.actor.id, name: memberNameIn(locale, n.actor) } } : {}),
  };
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
          items: input.notifications.map((n) => notificationItem(input.site, input.locale, n)),
        },
      ],
      links: [
        {
          label: t('email.notification.settingsLink'),
          text: t('email.notification.settings', { url: input.settingsUrl }),
          url: input.settingsUrl,
        },
      ],
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
  /** The newest of those posts that the member may read: its number, a few words and who wrote them. */
  latest?: { seq: number; excerpt: string | null; author: { id: string; name: string } | null };
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
  const line = (n: Notification) => notificationItem(input.site, input.locale, n);
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
        url: threadUrl(input.site, th.threadId, th.latest?.seq),
        ...(th.latest?.excerpt ? { excerpt: th.latest.excerpt } : {}),
        ...(th.latest?.author
          ? {
              from: {
                id: th.latest.author.id,
                name: memberNameIn(input.locale, { displayName: th.latest.author.name }),
              },
            }
          : {}),
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
    const when = {
      format: (at: Date) => formatDateTime(at, input.locale, input.timeZone, { dateStyle: 'full', timeStyle: 'short' }),
    };
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
      links: [
        {
          label: t('email.digest.settingsLink'),
          text: t('email.digest.settings', { url: input.settingsUrl }),
          url: input.settingsUrl,
        },
        {
          label: t('email.digest.unsubscribeLink'),
          text: t('email.digest.unsubscribe', { url: input.unsubscribeUrl }),
          url: input.unsubscribeUrl,
        },
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
