import type { ThreadSummary } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchThreads } from './api';
import { useLoad } from './load';
import { threadPath, Time, UnreadBadge } from './ui';

/** The home dashboard's "Recent discussions": the latest active threads across the forums. */
export function RecentDiscussions({ headingId }: { headingId: string }) {
  const { t } = useTranslation();
  const [threads, setThreads] = useState<ThreadSummary[]>([]);
  const state = useLoad('recent', async (signal) => {
    const page = await fetchThreads({ limit: 5 }, signal);
    // The list puts pinned threads first; here only the latest activity counts.
    setThreads([...page.threads].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt)));
  });
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('home.recentDiscussions')}</h2>
      {state.status === 'loading' && <p className="loading">{t('common.loading')}</p>}
      {state.status === 'failed' && <p className="empty">{t(`errors.${state.code}`)}</p>}
      {state.status === 'loaded' && threads.length === 0 && <p className="empty">{t('home.noDiscussions')}</p>}
      {threads.length > 0 && (
        <ul className="recent-list">
          {threads.map((thread) => (
            <li key={thread.id}>
              <Link to={threadPath(thread.id)}>{thread.title}</Link>{' '}
              <span className="meta">
                <Time iso={thread.lastActivityAt} />
              </span>{' '}
              <UnreadBadge
                count={thread.unreadCount}
                label={t('forums.thread.unreadPosts', { count: thread.unreadCount })}
              />
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/forums">{t('home.allDiscussions')}</Link>
      </p>
    </section>
  );
}
