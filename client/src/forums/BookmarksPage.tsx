import type { Bookmark } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { Loading, Page } from '../ui/Page';
import { fetchBookmarks, setBookmark } from './api';
import { useLoad } from './load';
import { AuthorLink, threadPath, Time } from './ui';

function BookmarkItem({ bookmark, onRemoved }: { bookmark: Bookmark; onRemoved: (postId: string) => void }) {
  const { t } = useTranslation();
  const { post, thread } = bookmark;

  async function remove(): Promise<void> {
    try {
      await setBookmark(post.id, false);
      onRemoved(post.id);
      announce(t('forums.post.unbookmarked'));
    } catch {
      announce(t('forums.post.actionFailed'));
    }
  }

  return (
    <li className="card">
      <h2 className="card__title">
        <Link to={threadPath(thread.id, post.seq)}>{thread.title}</Link>
      </h2>
      <p className="meta">
        <AuthorLink member={post.author} /> · <Time iso={post.createdAt} />
      </p>
      {post.deleted ? (
        <p className="empty">{t('forums.post.deleted')}</p>
      ) : (
        // bodyHtml is rendered and sanitized by the server (allow-listed tags only): trusted server output.
        <div className="post__body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
      )}
      <p>
        <button type="button" className="link-button" onClick={() => void remove()}>
          {t('forums.bookmarks.remove')}
        </button>
      </p>
    </li>
  );
}

/** /bookmarks — the posts the member bookmarked, latest first. */
export function BookmarksPage() {
  const { t } = useTranslation();
  const [bookmarks, setBookmarks] = useState<Bookmark[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const state = useLoad('bookmarks', async (signal) => {
    const page = await fetchBookmarks(undefined, signal);
    setBookmarks(page.bookmarks);
    setCursor(page.nextCursor);
  });

  async function loadMore(): Promise<void> {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await fetchBookmarks(cursor);
      setBookmarks((list) => [...list, ...page.bookmarks.filter((b) => !list.some((k) => k.post.id === b.post.id))]);
      setCursor(page.nextCursor);
      announce(t('forums.common.loadedMore', { count: page.bookmarks.length }));
    } catch {
      setMoreError(t('forums.common.loadMoreFailed'));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <Page title={t('forums.bookmarks.title')}>
      {state.status === 'loading' && <Loading />}
      {state.status === 'failed' && <p className="notice notice--error">{t(`errors.${state.code}`)}</p>}
      {state.status === 'loaded' && bookmarks.length === 0 && <p className="empty">{t('forums.bookmarks.empty')}</p>}
      {bookmarks.length > 0 && (
        <ul className="cards">
          {bookmarks.map((bookmark) => (
            <BookmarkItem
              key={bookmark.post.id}
              bookmark={bookmark}
              onRemoved={(postId) => setBookmarks((list) => list.filter((b) => b.post.id !== postId))}
            />
          ))}
        </ul>
      )}
      {moreError && <p className="notice notice--error">{moreError}</p>}
      {cursor && (
        <p>
          <button
            type="button"
            className="button button--secondary"
            aria-disabled={loadingMore}
            onClick={() => void loadMore()}
          >
            {loadingMore ? t('common.loading') : t('forums.common.loadMore')}
          </button>
        </p>
      )}
    </Page>
  );
}
