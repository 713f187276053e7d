import { useTranslation } from 'react-i18next';
import { Page } from '../ui/Page';
import { DeleteAccountSection } from './DeleteAccountSection';
import { EmailSection } from './EmailSection';
import { ExportSection } from './ExportSection';
import { PrivacySection } from './PrivacySection';
import './account.css';

/** `/settings/account`: the member's rights over their account, one section each. */
export function AccountSettingsPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('account.title')}>
      <p className="lead">{t('account.intro')}</p>
      <div className="settings-stack">
        <EmailSection />
        <PrivacySection />
        <ExportSection />
        <DeleteAccountSection />
      </div>
    </Page>
  );
}
