import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCursorList } from '../forums/load';
import { useFormatDate } from '../i18n/format';
import { Loading, Page } from '../ui/Page';
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
      <p className="lead">{t('admin.mailFailures.intro')}</p>
      <p>
        <a href="/admin/queues">{t('admin.queues')}</a>
      </p>
      {state.status === 'loading' && <Loading />}
      {state.status === 'failed' && (
        <p className="notice notice--error" role="alert">
          {t(`errors.${state.code}`)}
        </p>
      )}
      {state.status === 'loaded' &&
        (items.length === 0 ? (
          <p className="empty">{t('admin.mailFailures.empty')}</p>
        ) : (
          <table className="mod-table">
            <caption className="visually-hidden">{t('admin.mailFailures.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.mailFailures.when')}</th>
                <th scope="col">{t('admin.mailFailures.member')}</th>
                <th scope="col">{t('admin.mailFailures.address')}</th>
                <th scope="col">{t('admin.mailFailures.kind')}</th>
                <th scope="col">{t('admin.mailFailures.type')}</th>
                <th scope="col">{t('admin.mailFailures.error')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => (
                <tr key={f.id}>
                  <td data-label={t('admin.mailFailures.when')}>
                    <time dateTime={f.failedAt}>
                      {formatDate(f.failedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                    </time>
                  </td>
                  <td data-label={t('admin.mailFailures.member')}>
                    {f.member ? (
                      <Link to={`/members/${f.member.id}`}>{f.member.displayName}</Link>
                    ) : (
                      t('admin.mailFailures.noMember')
                    )}
                  </td>
                  <td data-label={t('admin.mailFailures.address')}>{f.to}</td>
                  <td data-label={t('admin.mailFailures.kind')}>
                    <code>{f.kind}</code>
                  </td>
                  <td data-label={t('admin.mailFailures.type')}>
                    {f.permanent ? (
                      <span className="badge">{t('admin.mailFailures.permanent')}</span>
                    ) : (
                      t('admin.mailFailures.temporary', { count: f.attempts })
                    )}
                  </td>
                  <td data-label={t('admin.mailFailures.error')}>{f.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
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
