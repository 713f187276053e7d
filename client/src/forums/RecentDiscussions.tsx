import type { ThreadSummary } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchCategories, fetchThreads } from './api';
import { useLoad } from '../ui/load';
import { useForums } from './store';
import { TopicList } from './TopicList';

/** The home dashboard's "Recent discussions": the latest active threads across the forums. */
export function RecentDiscussions({ headingId }: { headingId: string }) {
  const { t } = useTranslation();
  const [threads, setThreads] = useState<ThreadSummary[]>([]);
  const categories = useForums((s) => s.categories);
  const state = useLoad('recent', async (signal) => {
    const [page, categories] = await Promise.all([
      fetchThreads({ limit: 5 }, signal),
      useForums.getState().categories ?? fetchCategories(signal),
    ]);
    useForums.getState().setCategories(categories);
    // The list puts pinned threads first; here only the latest activity counts.
    setThreads([...page.threads].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt)));
  });
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('home.recentDiscussions')}</h2>
      {state.status === 'loading' && <p className="loading">{t('common.loading')}</p>}
      {state.status === 'failed' && <p className="empty">{t(`errors.${state.code}`)}</p>}
      {state.status === 'loaded' && threads.length === 0 && <p className="empty">{t('home.noDiscussions')}</p>}
      {threads.length > 0 && <TopicList threads={threads} categories={categories} />}
      <p>
        <Link to="/forums">{t('home.allDiscussions')}</Link>
      </p>
    </section>
  );
}
