import { postPath, type Bookmark } from '@commons/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { ListBody } from '../ui/ListBody';
import { Page } from '../ui/Page';
import { fetchBookmarks, setBookmark } from './api';
import { useCursorList } from '../ui/load';
import { AuthorLink, Time } from './ui';

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
        <Link to={postPath(thread.id, post.seq)}>{thread.title}</Link>
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
  const list = useCursorList(
    '',
    async (query, signal) => {
      const page = await fetchBookmarks(new URLSearchParams(query).get('cursor') ?? undefined, signal);
      return { items: page.bookmarks, nextCursor: page.nextCursor };
    },
    { keyOf: (b) => b.post.id },
  );

  return (
    <Page title={t('forums.bookmarks.title')}>
      <ListBody list={list} empty={t('forums.bookmarks.empty')}>
        {list.items.map((bookmark) => (
          <BookmarkItem
            key={bookmark.post.id}
            bookmark={bookmark}
            onRemoved={(postId) => list.setItems((items) => items.filter((b) => b.post.id !== postId))}
          />
        ))}
      </ListBody>
    </Page>
  );
}
