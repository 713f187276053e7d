import { Bell, FlaskConical, Home, MessagesSquare } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useAuth } from '../auth/store';
import { UnreadDot } from '../notifications/NotificationBell';
import { useNotifications } from '../notifications/store';
import { AccountMenu } from './AccountMenu';

/** Phones: the five places members go most, in reach of the thumb (hidden by CSS on wider screens). */
export function TabBar() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  const unread = useNotifications((s) => s.unreadCount);
  if (!user) return null;
  return (
    <nav className="tabbar" aria-label={t('shell.tabs')}>
      <NavLink to="/" end className="tabbar__item">
        <Home aria-hidden="true" size={22} />
        <span>{t('nav.home')}</span>
      </NavLink>
      <NavLink to="/forums" className="tabbar__item">
        <MessagesSquare aria-hidden="true" size={22} />
        <span>{t('nav.forums')}</span>
      </NavLink>
      <NavLink to="/labs" className="tabbar__item">
        <FlaskConical aria-hidden="true" size={22} />
        <span>{t('shell.tabLabs')}</span>
      </NavLink>
      <NavLink to="/notifications" className="tabbar__item">
        <span className="tabbar__icon">
          <Bell aria-hidden="true" size={22} />
          <UnreadDot />
        </span>
        <span>
          {t('shell.tabNotifications')}
          {unread > 0 && <span className="visually-hidden">, {t('shell.unread', { count: unread })}</span>}
        </span>
      </NavLink>
      <AccountMenu user={user} variant="tab" />
    </nav>
  );
}
