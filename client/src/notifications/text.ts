import { FORMER_MEMBER_KEY, notificationMessage, type Messages, type Notification } from '@commons/shared';
import type { TFunction } from 'i18next';

type LineKey =
  | `notifications.line.${keyof Messages['notifications']['line'] extends `${infer K}_${'one' | 'other'}` ? K : never}`
  | `notifications.notice.${keyof Messages['notifications']['notice']}`;

/** "Ana replied to you in …", "5 new replies in …", "The Action Lab … starts in 15 minutes". */
export function notificationText(t: TFunction, n: Notification): string {
  const { key, values } = notificationMessage(n, {
    someone: t('notifications.someone'),
    formerMember: t(FORMER_MEMBER_KEY),
  });
  // The key is built from the kind and detail; the catalogue tests check every kind has its line.
  return t(key as LineKey, values);
}
