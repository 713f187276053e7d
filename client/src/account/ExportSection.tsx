import { useTranslation } from 'react-i18next';

/** Settings › Account: download everything the site holds about me, as a JSON file. */
export function ExportSection() {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="account-export-heading">
      <h2 id="account-export-heading">{t('account.export.heading')}</h2>
      <p>{t('account.export.explain')}</p>
      <p>
        <a className="button button--secondary" href="/api/members/me/export" download>
          {t('account.export.download')}
        </a>
      </p>
    </section>
  );
}
