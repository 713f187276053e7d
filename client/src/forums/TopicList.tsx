import { threadPath, type Category, type ThreadSummary } from '@commons/shared';
import { MessageSquare } from 'lucide-react';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { memberName } from '../members/names';
import { Link } from 'react-router';
import { Avatar, colourFor } from '../ui/Avatar';
import { RelativeTime } from '../ui/RelativeTime';
import { UnreadBadge } from './ui';

interface TopicRowProps {
  thread: ThreadSummary;
  /** Shown as a coloured tag when the list mixes categories (home's "latest"). */
  category?: Pick<Category, 'id' | 'name' | 'slug'> | undefined;
}

/**
 * One line of a "latest" list, as in Discourse: the last poster's avatar, the title (bold while
 * unread), the category's colour, who posted last and when, and the reply count.
 */
export function TopicRow({ thread, category }: TopicRowProps) {
  const { t } = useTranslation();
  const unread = thread.unreadCount > 0;
  const replies = Math.max(0, thread.postCount - 1);
  const poster = thread.lastPoster ?? thread.author;
  const colour = { '--category': colourFor(thread.categoryId) } as CSSProperties;
  return (
    <li className={unread ? 'topic topic--unread' : 'topic'} style={colour}>
      <Avatar member={poster} />
      <div className="topic__main">
        <p className="topic__title">
          {thread.pinned && <span className="badge">{t('forums.thread.pinned')}</span>}{' '}
          {thread.locked && <span className="badge badge--muted">{t('forums.thread.locked')}</span>}{' '}
          <Link to={threadPath(thread.id)}>{thread.title}</Link>{' '}
          <UnreadBadge
            count={thread.unreadCount}
            label={t('forums.thread.unreadPosts', { count: thread.unreadCount })}
          />
        </p>
        <p className="topic__meta">
          {category && (
            <>
              <Link to={`/forums/c/${category.slug}`} className="category-tag">
                {category.name}
              </Link>{' '}
            </>
          )}
          {poster && (
            <>
              <span>
                {t('forums.thread.lastPoster')} {memberName(t, poster)}
              </span>{' '}
            </>
          )}
          <RelativeTime iso={thread.lastActivityAt} />
        </p>
      </div>
      <p className="topic__count">
        <MessageSquare aria-hidden="true" size={16} />
        <span className="visually-hidden">{t('forums.thread.replyCount', { count: replies })}</span>
        <span aria-hidden="true">{replies}</span>
      </p>
    </li>
  );
}

export function TopicList({ threads, categories }: { threads: ThreadSummary[]; categories?: Category[] | null }) {
  const byId = new Map((categories ?? []).map((c) => [c.id, c]));
  return (
    <ul className="topics">
      {threads.map((thread) => (
        <TopicRow key={thread.id} thread={thread} category={categories ? byId.get(thread.categoryId) : undefined} />
      ))}
    </ul>
  );
}
