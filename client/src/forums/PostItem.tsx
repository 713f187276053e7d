import { postAnchor, type Post } from '@commons/shared';
import { Bookmark, Reply } from 'lucide-react';
import { useState, type CSSProperties, type MouseEvent } from 'react';
import { memberName } from '../members/names';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { Avatar } from '../ui/Avatar';
import { CoalitionBadges } from '../members/CoalitionBadges';
import { RelativeTime } from '../ui/RelativeTime';
import { deletePost, setBookmark } from './api';
import { ModerationBanner } from '../moderation/ModerationBanner';
import { CollapsedIfBlocked } from '../moderation/PostModerationTools';
import { Composer } from './Composer';
import { HistoryDialog } from './HistoryDialog';
import { PostMenu } from './PostMenu';
import { Reactions } from './Reactions';
import { useForums } from './store';
import { AuthorLink } from './ui';

export type OpenComposer = { postId: string; kind: 'reply' | 'quote' | 'edit' } | null;

interface PostItemProps {
  post: Post;
  /** The post this one answers, when it is loaded (for "in reply to"). */
  replyTo: Post | undefined;
  locked: boolean;
  open: OpenComposer;
  setOpen: (open: OpenComposer) => void;
}

/** Links inside server-rendered posts (quotes, mentions) that stay on this site use the router. */
function followInternalLink(event: MouseEvent<HTMLDivElement>, navigate: (to: string) => void): void {
  const target = event.target;
  if (!(target instanceof Element) || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = target.closest('a');
  const href = anchor?.getAttribute('href');
  if (!href?.startsWith('/') || href.startsWith('//')) return;
  event.preventDefault();
  navigate(href.replace(/^\/threads\//, '/forums/t/'));
}

function focusLater(id: string): void {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

export function PostItem({ post, replyTo, locked, open, setOpen }: PostItemProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const userId = useAuth((s) => s.user?.id);
  const own = Boolean(userId) && post.author?.id === userId;
  const mine = open?.postId === post.id ? open.kind : null;
  const metaId = `post-${post.seq}-meta`;
  const replyButtonId = `post-${post.seq}-reply`;
  const authorName = memberName(t, post.author);
  const style = { '--depth': post.depth } as CSSProperties;
  const [history, setHistory] = useState(false);

  async function toggleBookmark(): Promise<void> {
    try {
      const result = await setBookmark(post.id, !post.bookmarked);
      const current = useForums.getState().view?.posts.find((p) => p.id === post.id) ?? post;
      useForums.getState().upsertPost({ ...current, bookmarked: result.bookmarked });
      announce(result.bookmarked ? t('forums.post.bookmarked') : t('forums.post.unbookmarked'));
    } catch {
      announce(t('forums.post.actionFailed'));
    }
  }

  async function remove(): Promise<void> {
    if (!window.confirm(t('forums.post.confirmDelete'))) return;
    try {
      await deletePost(post.id);
      useForums.getState().upsertPost({ ...post, deleted: true, body: '' });
      announce(t('forums.post.deletedNotice'));
    } catch {
      announce(t('forums.post.actionFailed'));
    }
  }

  function close(): void {
    setOpen(null);
    focusLater(replyButtonId);
  }

  return (
    <li id={postAnchor(post.seq)} className="post" style={style} data-depth={post.depth} tabIndex={-1}>
      <article aria-labelledby={metaId} className={post.deleted ? 'post__card post__card--deleted' : 'post__card'}>
        <div className="post__head">
          <Avatar member={post.author} />
          <p id={metaId} className="post__meta">
            <strong className="post__author">
              <AuthorLink member={post.author} />
            </strong>{' '}
            {post.author && !post.deleted && (
              <>
                <CoalitionBadges memberId={post.author.id} max={2} />{' '}
              </>
            )}
            <RelativeTime iso={post.createdAt} />
            {post.editedAt && !post.deleted && (
              <>
                {' · '}
                {userId ? (
                  <button
                    type="button"
                    className="link-button post__edited"
                    aria-haspopup="dialog"
                    aria-label={t('forums.post.historyOf', { name: authorName })}
                    onClick={() => setHistory(true)}
                  >
                    {t('forums.post.edited')}
                  </button>
                ) : (
                  <span className="post__edited">{t('forums.post.edited')}</span>
                )}
              </>
            )}
            {replyTo && (
              <>
                {' · '}
                <a href={`#${postAnchor(replyTo.seq)}`}>
                  {t('forums.post.inReplyTo', { name: memberName(t, replyTo.author) })}
                </a>
              </>
            )}
          </p>
        </div>
        {post.deleted ? (
          <p className="empty">{t('forums.post.deleted')}</p>
        ) : mine === 'edit' ? (
          <Composer
            threadId={post.threadId}
            editing={post}
            label={t('forums.post.editLabel')}
            focusOnMount
            onDone={() => {
              close();
              announce(t('forums.post.saved'));
            }}
            onCancel={close}
          />
        ) : (
          // The server renders Markdown to HTML and sanitizes it (an allow-list of tags and
          // attributes) before storing it; bodyHtml is trusted server output, never client-made HTML.
          <CollapsedIfBlocked authorId={post.author?.id ?? null}>
            <div
              className="post__body"
              onClick={(event) => followInternalLink(event, navigate)}
              dangerouslySetInnerHTML={{ __html: post.bodyHtml }}
            />
          </CollapsedIfBlocked>
        )}
        {/* A visitor of the public face reads; acting on a post needs an account (the page says so once). */}
        {!post.deleted && userId && (
          <>
            {own && <ModerationBanner postId={post.id} />}
            <div className="post__foot">
              <Reactions post={post} />
              <div className="post__actions">
                {!locked && (
                  <button
                    id={replyButtonId}
                    type="button"
                    className="action-button"
                    aria-expanded={mine === 'reply'}
                    aria-label={t('forums.post.replyTo', { name: authorName })}
                    onClick={() => setOpen(mine === 'reply' ? null : { postId: post.id, kind: 'reply' })}
                  >
                    <Reply aria-hidden="true" size={18} />
                    <span>{t('forums.post.reply')}</span>
                  </button>
                )}
                <button
                  type="button"
                  className="icon-button icon-button--small"
                  aria-pressed={post.bookmarked}
                  aria-label={t('forums.post.bookmark')}
                  title={post.bookmarked ? t('forums.post.removeBookmark') : t('forums.post.bookmark')}
                  onClick={() => void toggleBookmark()}
                >
                  <Bookmark aria-hidden="true" size={18} fill={post.bookmarked ? 'currentColor' : 'none'} />
                </button>
                {post.author && (
                  <PostMenu
                    post={{ ...post, author: post.author }}
                    own={own}
                    locked={locked}
                    setOpen={setOpen}
                    onDelete={() => void remove()}
                    onHistory={post.editedAt ? () => setHistory(true) : undefined}
                  />
                )}
              </div>
            </div>
          </>
        )}
        {(mine === 'reply' || mine === 'quote') && (
          <Composer
            threadId={post.threadId}
            parentId={post.id}
            quotePostId={mine === 'quote' ? post.id : undefined}
            label={
              mine === 'quote'
                ? t('forums.post.quoteFrom', { name: authorName })
                : t('forums.post.replyTo', { name: authorName })
            }
            focusOnMount
            onDone={(created) => {
              setOpen(null);
              announce(t('forums.thread.replyPosted'));
              focusLater(postAnchor(created.seq));
            }}
            onCancel={close}
          />
        )}
      </article>
      {history && <HistoryDialog post={post} onClose={() => setHistory(false)} />}
    </li>
  );
}
