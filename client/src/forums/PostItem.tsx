import { reactionKinds, type Post, type ReactionKind } from '@commons/shared';
import { useState, type CSSProperties, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { deletePost, setBookmark, setReaction } from './api';
import { CollapsedIfBlocked, PostModerationTools } from '../moderation/PostModerationTools';
import { Composer } from './Composer';
import { useForums } from './store';
import { AuthorLink, Time } from './ui';

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

function Reactions({ post }: { post: Post }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);

  async function toggle(kind: ReactionKind): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      const on = !post.myReactions.includes(kind);
      const result = await setReaction(post.id, kind, on);
      const current = useForums.getState().view?.posts.find((p) => p.id === post.id) ?? post;
      useForums.getState().upsertPost({ ...current, reactions: result.reactions, myReactions: result.myReactions });
    } catch {
      announce(t('forums.post.actionFailed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="reactions" role="group" aria-label={t('forums.post.reactions')}>
      {reactionKinds.map((kind) => (
        <button
          key={kind}
          type="button"
          className="chip"
          aria-pressed={post.myReactions.includes(kind)}
          aria-disabled={busy}
          onClick={() => void toggle(kind)}
        >
          {t(`forums.reactions.${kind}`)} <span className="chip__count">{post.reactions[kind]}</span>
        </button>
      ))}
    </div>
  );
}

export function PostItem({ post, replyTo, locked, open, setOpen }: PostItemProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const userId = useAuth((s) => s.user?.id);
  const own = Boolean(userId) && post.author?.id === userId;
  const mine = open?.postId === post.id ? open.kind : null;
  const metaId = `post-${post.seq}-meta`;
  const replyButtonId = `post-${post.seq}-reply`;
  const authorName = post.author?.displayName ?? t('forums.post.formerMember');
  const style = { '--depth': post.depth } as CSSProperties;

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
    <li id={`post-${post.seq}`} className="post" style={style} data-depth={post.depth} tabIndex={-1}>
      <article aria-labelledby={metaId} className={post.deleted ? 'post__card post__card--deleted' : 'post__card'}>
        <p id={metaId} className="post__meta">
          <strong>
            <AuthorLink member={post.author} />
          </strong>
          {' · '}
          <Time iso={post.createdAt} />
          {post.editedAt && !post.deleted && (
            <>
              {' · '}
              <span className="post__edited">{t('forums.post.edited')}</span>
            </>
          )}
          {replyTo && (
            <>
              {' · '}
              <a href={`#post-${replyTo.seq}`}>
                {t('forums.post.inReplyTo', { name: replyTo.author?.displayName ?? t('forums.post.formerMember') })}
              </a>
            </>
          )}
        </p>
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
        {!post.deleted && (
          <>
            <Reactions post={post} />
            <PostModerationTools postId={post.id} own={own} />
            <div className="post__actions">
              {!locked && (
                <>
                  <button
                    id={replyButtonId}
                    type="button"
                    className="link-button"
                    aria-expanded={mine === 'reply'}
                    aria-label={t('forums.post.replyTo', { name: authorName })}
                    onClick={() => setOpen(mine === 'reply' ? null : { postId: post.id, kind: 'reply' })}
                  >
                    {t('forums.post.reply')}
                  </button>
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={mine === 'quote'}
                    aria-label={t('forums.post.quoteFrom', { name: authorName })}
                    onClick={() => setOpen(mine === 'quote' ? null : { postId: post.id, kind: 'quote' })}
                  >
                    {t('forums.post.quote')}
                  </button>
                </>
              )}
              <button
                type="button"
                className="link-button"
                aria-pressed={post.bookmarked}
                onClick={() => void toggleBookmark()}
              >
                {t('forums.post.bookmark')}
              </button>
              {own && (
                <>
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={mine === 'edit'}
                    onClick={() => setOpen(mine === 'edit' ? null : { postId: post.id, kind: 'edit' })}
                  >
                    {t('forums.post.edit')}
                  </button>
                  <button type="button" className="link-button link-button--danger" onClick={() => void remove()}>
                    {t('forums.post.delete')}
                  </button>
                </>
              )}
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
              focusLater(`post-${created.seq}`);
            }}
            onCancel={close}
          />
        )}
      </article>
    </li>
  );
}
