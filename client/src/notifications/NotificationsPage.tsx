import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useFormatDate } from '../i18n/format';
import { Loading, Page } from '../ui/Page';
import { NotificationAvatar } from './NotificationAvatar';
import { useNotifications } from './store';
import { notificationText } from './text';
import './notifications.css';

/** `/notifications`: newest first (forum activity grouped per thread, notices one by one), with mark read and mark all read. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { items, loaded, unreadCount, nextCursor } = useNotifications();
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    useNotifications
      .getState()
      .loadFirst()
      .catch(() => setFailed(true));
  }, []);

  async function run(action: () => Promise<void>, done: string): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      await action();
      announce(done);
    } catch {
      announce(t('notifications.loadFailed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t('notifications.title')}>
      <p>{t('notifications.intro')}</p>
      <p>
        <Link to="/settings/notifications">{t('notifications.settings.nav')}</Link>
      </p>
      {failed && (
        <p className="notice notice--error" role="alert">
          {t('notifications.loadFailed')}
        </p>
      )}
      {!loaded && !failed && <Loading />}
      {loaded && (
        <>
          <div className="notifications__toolbar">
            <p role="status">{t('notifications.unreadCount', { count: unreadCount })}</p>
            <button
              type="button"
              aria-disabled={busy || unreadCount === 0}
              onClick={() => {
                if (unreadCount > 0)
                  void run(() => useNotifications.getState().markAllRead(), t('notifications.markedAllRead'));
              }}
            >
              {t('notifications.markAllRead')}
            </button>
          </div>
          {items.length === 0 ? (
            <p>{t('notifications.empty')}</p>
          ) : (
            <ul className="notifications">
              {items.map((n) => (
                <li key={n.id} className={n.read ? 'notification' : 'notification notification--unread'}>
                  <NotificationAvatar notification={n} size="md" />
                  <div className="notification__main">
                    <p className="notification__text">
                      {!n.read && <span className="visually-hidden">{t('notifications.unread')}: </span>}
                      <Link
                        to={n.path}
                        onClick={() => {
                          if (!n.read) void useNotifications.getState().markRead([n.id]);
                        }}
                      >
                        {notificationText(t, n)}
                      </Link>
                    </p>
                    {n.excerpt && <p className="notification__excerpt">{n.excerpt}</p>}
                    <p className="notification__meta">
                      <time dateTime={n.updatedAt}>
                        {formatDate(n.updatedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                      </time>
                      {!n.read && (
                        <button
                          type="button"
                          className="link-button"
                          aria-disabled={busy}
                          onClick={() =>
                            void run(() => useNotifications.getState().markRead([n.id]), t('notifications.markedRead'))
                          }
                        >
                          {t('notifications.markRead')}
                        </button>
                      )}
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          )}
          {nextCursor && (
            <button
              type="button"
              aria-disabled={busy}
              onClick={() => void run(() => useNotifications.getState().loadMore(), t('notifications.loadMore'))}
            >
              {t('notifications.loadMore')}
            </button>
          )}
        </>
      )}
    </Page>
  );
}
