import { Suspense, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { Loading } from '../ui/Page';
import { Header } from './Header';
import { LiveAnnouncer } from './LiveAnnouncer';

function skipToMain(event: MouseEvent<HTMLAnchorElement>): void {
  const main = document.getElementById('main');
  if (!main) return;
  event.preventDefault(); // keep the router's URL as it is
  main.focus();
  main.scrollIntoView();
}

export function Layout() {
  const { t } = useTranslation();
  return (
    <>
      <a href="#main" className="skip-link" onClick={skipToMain}>
        {t('nav.skipToContent')}
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>{t('footer.about')}</p>
      </footer>
      <LiveAnnouncer />
    </>
  );
}
