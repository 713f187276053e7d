import { Suspense, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { Loading } from '../ui/Page';
import { VerifyEmailBanner } from '../account/VerifyEmailBanner';
import '../account/account.css';
import './shell.css';
import { useAuth } from '../auth/store';
import { Header } from './Header';
import { LiveAnnouncer } from './LiveAnnouncer';
import { useGlobalShortcuts } from './shortcuts';
import { Sidebar } from './Sidebar';
import { TabBar } from './TabBar';
import { TimeZonePrompt } from './TimeZonePrompt';

function skipToMain(event: MouseEvent<HTMLAnchorElement>): void {
  const main = document.getElementById('main');
  if (!main) return;
  event.preventDefault(); // keep the router's URL as it is
  main.focus();
  main.scrollIntoView();
}

/**
 * The app shell: a top bar; for members a sidebar of sections on wide screens and a tab bar on
 * phones (both from CSS on one markup, see shell.css); the page in between.
 */
export function Layout() {
  const { t } = useTranslation();
  const member = useAuth((s) => s.status === 'signedIn');
  useGlobalShortcuts();
  return (
    <div className={member ? 'shell shell--member' : 'shell'}>
      <a href="#main" className="skip-link" onClick={skipToMain}>
        {t('nav.skipToContent')}
      </a>
      <Header />
      <div className="shell__body">
        <Sidebar />
        <div className="shell__content">
          <VerifyEmailBanner />
          <main id="main" tabIndex={-1}>
            <TimeZonePrompt />
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </main>
          <footer className="site-footer">
            <p>{t('footer.about')}</p>
          </footer>
        </div>
      </div>
      <TabBar />
      <LiveAnnouncer />
    </div>
  );
}
