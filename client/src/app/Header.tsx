import { Menu, Search, Sprout, X } from 'lucide-react';
import { Dialog } from 'radix-ui';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../auth/store';
import { NotificationBell, useNotificationAnnouncements } from '../notifications/NotificationBell';
import { AccountMenu } from './AccountMenu';
import { ConnectionStatus } from './ConnectionStatus';
import { LanguageSwitch } from './LanguageSwitch';
import { SectionList } from './Sidebar';

/** The id of the top bar's search field: the "/" shortcut focuses it. */
export const SEARCH_INPUT_ID = 'global-search';

/** The global search: one field over everything the member may read, opening /search. */
function SearchBox() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const query = q.trim();
    navigate(query ? `/search?q=${encodeURIComponent(query)}` : '/search');
  }

  return (
    <form className="topbar__search" role="search" aria-label={t('shell.searchLabel')} onSubmit={onSubmit}>
      <label htmlFor={SEARCH_INPUT_ID} className="visually-hidden">
        {t('shell.searchLabel')}
      </label>
      <Search aria-hidden="true" size={18} className="topbar__search-icon" />
      <input
        id={SEARCH_INPUT_ID}
        type="search"
        name="q"
        value={q}
        placeholder={t('shell.searchPlaceholder')}
        aria-keyshortcuts="/"
        onChange={(event) => setQ(event.target.value)}
      />
    </form>
  );
}

/** Below the sidebar's width: the sections open from a menu button in a modal drawer (Radix Dialog). */
function MenuDrawer() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  const [open, setOpen] = useState(false);
  if (!user) return null;
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className="icon-button topbar__menu" aria-label={t('shell.openMenu')}>
        <Menu aria-hidden="true" size={22} />
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="drawer__overlay" />
        <Dialog.Content className="drawer" aria-describedby={undefined}>
          <div className="drawer__head">
            <Dialog.Title className="drawer__title">{t('shell.sections')}</Dialog.Title>
            <Dialog.Close className="icon-button" aria-label={t('shell.closeMenu')}>
              <X aria-hidden="true" size={22} />
            </Dialog.Close>
          </div>
          <nav className="sections" aria-label={t('shell.sections')}>
            <SectionList user={user} idPrefix="drawer" onNavigate={() => setOpen(false)} />
          </nav>
          <ConnectionStatus />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function MemberTools() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  useNotificationAnnouncements();
  if (!user) return null;
  return (
    <>
      <SearchBox />
      <NavLink to="/search" className="icon-button topbar__search-link" aria-label={t('nav.search')}>
        <Search aria-hidden="true" size={20} />
      </NavLink>
      <div className="topbar__desktop">
        <NotificationBell />
        <AccountMenu user={user} variant="topbar" />
      </div>
    </>
  );
}

/** The top bar: brand, search, bell and account menu for members; sign in, sign up and language for visitors. */
export function Header() {
  const { t } = useTranslation();
  const status = useAuth((s) => s.status);
  return (
    <header className="topbar">
      <MenuDrawer />
      <Link to="/" className="site-name">
        <span className="site-name__mark" aria-hidden="true">
          <Sprout size={18} />
        </span>
        {t('app.name')}
      </Link>
      {status === 'signedIn' && <MemberTools />}
      {status === 'signedOut' && (
        <nav className="topbar__guest" aria-label={t('nav.main')}>
          <LanguageSwitch />
          <NavLink to="/sign-in" className="button button--secondary button--small">
            {t('nav.signIn')}
          </NavLink>
          <NavLink to="/sign-up" className="button button--small">
            {t('nav.signUp')}
          </NavLink>
        </nav>
      )}
    </header>
  );
}
