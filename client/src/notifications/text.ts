import type { Notification } from '@commons/shared';
import type { TFunction } from 'i18next';

/** "Ana replied to you in …", "5 new replies in …". */
export function notificationText(t: TFunction, n: Notification): string {
  return t(`notifications.line.${n.kind}`, {
    count: n.count,
    name: n.actor?.displayName ?? t('notifications.someone'),
    title: n.threadTitle,
  });
}
