import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import './home.css';

/** The call to join that a visitor sees on public pages: create an account, or sign in and come back here. */
export function JoinCall({ headingId = 'join-call', text }: { headingId?: string; text?: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  const from = `${location.pathname}${location.search}`;
  return (
    <section className="panel join-call" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('publicFace.joinTitle')}</h2>
      <p>{text ?? t('publicFace.joinBody')}</p>
      <p className="actions">
        <Link to="/sign-up" className="button">
          {t('publicFace.join')}
        </Link>
        <Link to="/sign-in" state={{ from }} className="button button--secondary">
          {t('publicFace.signIn')}
        </Link>
      </p>
    </section>
  );
}
