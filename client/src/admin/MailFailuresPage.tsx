import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCursorList } from '../ui/load';
import { useFormatDate } from '../i18n/format';
import { memberName } from '../members/names';
import { Page } from '../ui/Page';
import { AdminNav } from './AdminNav';
import { AdminTable, ErrorNotice } from './parts';
import { listMailFailures } from './api';
import '../moderation/moderation.css';

/** `/admin/mail-failures`: mails the SMTP server refused, newest first; permanent ones are not retried. */
export function MailFailuresPage() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { items, state, hasMore, loadMore } = useCursorList('', async (query, signal) => {
    const page = await listMailFailures(query, signal);
    return { items: page.failures, nextCursor: page.nextCursor };
  });

  return (
    <Page title={t('admin.mailFailures.title')}>
      <AdminNav />
      <p className="lead">{t('admin.mailFailures.intro')}</p>
      <ErrorNotice code={state.status === 'failed' ? state.code : null} />
      <AdminTable
        caption={t('admin.mailFailures.caption')}
        empty={t('admin.mailFailures.empty')}
        rows={state.status === 'loaded' ? items : null}
        failed={state.status === 'failed'}
        rowKey={(f) => f.id}
        columns={[
          {
            label: t('admin.mailFailures.when'),
            cell: (f) => (
              <time dateTime={f.failedAt}>{formatDate(f.failedAt, { dateStyle: 'medium', timeStyle: 'short' })}</time>
            ),
          },
          {
            label: t('admin.mailFailures.member'),
            cell: (f) =>
              f.member ? (
                <Link to={`/members/${f.member.id}`}>{memberName(t, f.member)}</Link>
              ) : (
                t('admin.mailFailures.noMember')
              ),
          },
          { label: t('admin.mailFailures.address'), cell: (f) => f.to },
          { label: t('admin.mailFailures.kind'), cell: (f) => <code>{f.kind}</code> },
          {
            label: t('admin.mailFailures.type'),
            cell: (f) =>
              f.permanent ? (
                <span className="badge">{t('admin.mailFailures.permanent')}</span>
              ) : (
                t('admin.mailFailures.temporary', { count: f.attempts })
              ),
          },
          { label: t('admin.mailFailures.error'), cell: (f) => f.error },
        ]}
      />
      {state.status === 'loaded' && hasMore && (
        <p>
          <button type="button" className="button button--secondary" onClick={() => void loadMore()}>
            {t('admin.mailFailures.loadMore')}
          </button>
        </p>
      )}
    </Page>
  );
}
