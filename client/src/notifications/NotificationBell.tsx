import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { socket } from '../socket';
import { useNotifications } from './store';
import { notificationText } from './text';

/**
 * The header's link to /notifications with the live unread count. Its aria-label starts with
 * the visible text ("Notifications 3 unread"), so speech-input users can say what they see.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const unread = useNotifications((s) => s.unreadCount);

  useEffect(() => {
    void useNotifications
      .getState()
      .refreshCount()
      .catch(() => undefined);
    const onNew = (e: { notification: Parameters<typeof notificationText>[1] }) =>
      announce(t('notifications.newArrived', { text: notificationText(t, e.notification) }));
    socket.on('notification:new', onNew);
    return () => {
      socket.off('notification:new', onNew);
    };
  }, [t]);

  const label = unread > 0 ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell');
  return (
    <NavLink to="/notifications" aria-label={label} className="bell">
      {t('notifications.bell')}
      {unread > 0 && <span className="badge badge--unread"> {unread}</span>}
    </NavLink>
  );
}
