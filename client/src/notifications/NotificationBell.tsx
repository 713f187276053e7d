import { Bell } from 'lucide-react';
import { Popover } from 'radix-ui';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { socket } from '../socket';
import { RelativeTime } from '../ui/RelativeTime';
import { NotificationAvatar } from './NotificationAvatar';
import { useNotifications } from './store';
import { notificationText } from './text';

/** How many of the latest notifications the dropdown shows; the page has the rest. */
const LATEST = 6;

/** Keeps the unread count fresh and reads new notifications out; mounted once by the shell. */
export function useNotificationAnnouncements(): void {
  const { t } = useTranslation();
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
}

/** "Notifications 3 unread": the visible badge's number is part of the name, so speech input can say it. */
export function useBellLabel(): string {
  const { t } = useTranslation();
  const unread = useNotifications((s) => s.unreadCount);
  return unread > 0 ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell');
}

export function UnreadDot() {
  const unread = useNotifications((s) => s.unreadCount);
  if (unread <= 0) return null;
  return (
    <span className="count-badge" aria-hidden="true">
      {unread > 99 ? '99+' : unread}
    </span>
  );
}

function Latest({ close }: { close: () => void }) {
  const { t } = useTranslation();
  const { items, loaded, unreadCount } = useNotifications();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    useNotifications
      .getState()
      .loadFirst()
      .catch(() => setFailed(true));
  }, []);

  async function markAll(): Promise<void> {
    try {
      await useNotifications.getState().markAllRead();
      announce(t('notifications.markedAllRead'));
    } catch {
      announce(t('notifications.loadFailed'));
    }
  }

  return (
    <>
      <div className="bell__head">
        <h2 className="bell__title">{t('shell.latest')}</h2>
        {unreadCount > 0 && (
          <button type="button" className="link-button" onClick={() => void markAll()}>
            {t('shell.markAllRead')}
          </button>
        )}
      </div>
      {failed ? (
        <p className="notice notice--error">{t('notifications.loadFailed')}</p>
      ) : !loaded ? (
        <p className="loading">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{t('shell.noNotifications')}</p>
      ) : (
        <ul className="bell__list">
          {items.slice(0, LATEST).map((n) => (
            <li key={n.id} className={n.read ? 'bell__item' : 'bell__item bell__item--unread'}>
              <NotificationAvatar notification={n} />
              <div className="bell__text">
                <Link
                  to={n.path}
                  onClick={() => {
                    if (!n.read) void useNotifications.getState().markRead([n.id]);
                    close();
                  }}
                >
                  {!n.read && <span className="visually-hidden">{t('notifications.unread')}: </span>}
                  {notificationText(t, n)}
                </Link>
                <RelativeTime iso={n.updatedAt} />
              </div>
            </li>
          ))}
        </ul>
      )}
      <p className="bell__foot">
        <Link to="/notifications" onClick={close}>
          {t('shell.allNotifications')}
        </Link>
      </p>
    </>
  );
}

/**
 * The top bar's bell: the live unread count on a button that opens the latest notifications in a
 * popover (Radix: focus moves in, Esc and outside clicks close it, focus returns to the bell).
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const label = useBellLabel();
  const [open, setOpen] = useState(false);
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger className="icon-button bell">
        <Bell aria-hidden="true" size={20} />
        <span className="visually-hidden">{label}</span>
        <UnreadDot />
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          className="popover bell__panel"
          aria-label={t('shell.latest')}
          align="end"
          sideOffset={6}
          collisionPadding={8}
        >
          {open && <Latest close={() => setOpen(false)} />}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
