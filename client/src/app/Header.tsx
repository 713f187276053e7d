import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useNavigate } from 'react-router';
import { useAuth } from '../auth/store';
import { ConnectionStatus } from './ConnectionStatus';
import { LanguageSwitch } from './LanguageSwitch';
import { announce } from './LiveAnnouncer';
import { NotificationBell } from '../notifications/NotificationBell';
import { ModerationNotices } from '../moderation/ModerationNotices';

function SignOutButton() {
  const { t } = useTranslation();
  const signOut = useAuth((s) => s.signOut);
  const navigate = useNavigate();
  const [pending, setPending] = useState(false);

  async function onClick(): Promise<void> {
    if (pending) return;
    setPending(true);
    try {
      await signOut();
      navigate('/');
      announce(t('auth.signedOut'));
    } catch {
      announce(t('auth.signOutFailed'));
    } finally {
      setPending(false);
    }
  }

  return (
    <button type="button" className="nav-button" aria-disabled={pending} onClick={() => void onClick()}>
      {pending ? t('nav.signingOut') : t('nav.signOut')}
    </button>
  );
}

function NavItems() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  if (!user) {
    return (
      <>
        <li>
          <NavLink to="/sign-in">{t('nav.signIn')}</NavLink>
        </li>
        <li>
          <NavLink to="/sign-up">{t('nav.signUp')}</NavLink>
        </li>
      </>
    );
  }
  return (
    <>
      <li>
        <NavLink to="/forums">{t('nav.forums')}</NavLink>
      </li>
      <li>
        <NavLink to="/labs">{t('labs.nav')}</NavLink>
      </li>
      <li>
        <NavLink to="/events">{t('events.nav')}</NavLink>
      </li>
      <li>
        <NavLink to="/search">{t('nav.search')}</NavLink>
      </li>
      <li>
        <NavLink to="/bookmarks">{t('nav.bookmarks')}</NavLink>
      </li>
      <li>
        <NavLink to="/library">{t('hub.nav.library')}</NavLink>
      </li>
      <li>
        <NavLink to="/stories">{t('hub.nav.stories')}</NavLink>
      </li>
      <li>
        <NavLink to="/coalitions">{t('hub.nav.coalitions')}</NavLink>
      </li>
      <li>
        <NavLink to="/members" end>
          {t('hub.nav.directory')}
        </NavLink>
      </li>
      {(user.role === 'moderator' || user.role === 'admin') && (
        <li>
          <NavLink to="/moderation">{t('moderation.nav')}</NavLink>
        </li>
      )}
      {user.role === 'admin' && (
        <li>
          <NavLink to="/admin/mail-failures">{t('admin.nav')}</NavLink>
        </li>
      )}
      <li>
        <NavLink to={`/members/${user.id}`}>{user.displayName}</NavLink>
      </li>
      <li>
        <NavLink to="/settings/profile">{t('nav.editProfile')}</NavLink>
      </li>
      <li>
        <NotificationBell />
      </li>
      <li>
        <SignOutButton />
      </li>
    </>
  );
}

export function Header() {
  const { t } = useTranslation();
  const signedIn = useAuth((s) => s.status === 'signedIn');
  return (
    <header className="site-header">
      <div className="site-header__top">
        <Link to="/" className="site-name">
          {t('app.name')}
        </Link>
        <LanguageSwitch />
        {signedIn && <ConnectionStatus />}
      </div>
      <nav className="site-nav" aria-label={t('nav.main')}>
        <ul>
          <li>
            <NavLink to="/" end>
              {t('nav.home')}
            </NavLink>
          </li>
          <NavItems />
        </ul>
      </nav>
      {signedIn && <ModerationNotices />}
    </header>
  );
}
