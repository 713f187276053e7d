import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../ui/Page';

/** Where a member lands after deleting their account (signed out by then). */
export function AccountDeletedPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('account.remove.heading')}>
      <p className="notice notice--success">{t('account.remove.deleted')}</p>
      <p>
        <Link to="/">{t('nav.home')}</Link>
      </p>
    </Page>
  );
}
