import { postAnchor, seqFromHash, type Category, type Post, type ThreadJoined } from '@commons/shared';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { socket, useConnection } from '../socket';
import { sendUntilAnswered } from '../realtime/retry';
import { Page } from '../ui/Page';
import { fetchCategory, fetchPost, fetchPosts, fetchThread, markRead, setThreadLevel } from './api';
import { NotificationLevel } from './NotificationLevel';
import { Composer } from './Composer';
import { isNotFound, useLoad } from '../ui/load';
import { usePostShortcuts } from './postShortcuts';
import { PostItem, type OpenComposer } from './PostItem';
import { RenameThread } from './RenameThread';
import { onThreadGap, useForums, type ThreadView } from './store';
import { createGapFiller } from '../realtime/live-gap';

/** Everything after `after`, page by page: what a reconnect may have missed. */
async function catchUp(threadId: string, after: number): Promise<Post[]> {
  const found: Post[] = [];
  let from = after;
  for (let page = 0; page < 20; page += 1) {
    const { posts, hasMore } = await fetchPosts(threadId, { after: from, limit: 100 });
    found.push(...posts);
    from = posts.reduce((max, p) => Math.max(max, p.seq), from);
    if (!hasMore || posts.length === 0) break;
  }
  return found;
}

/**
 * Joins the thread's room while the page is open. The room is joined again after every
 * reconnect and whenever the server says live events may have been missed (`syncs` moves);
 * then anything posted meanwhile is fetched.
 */
function useThreadRoom(threadId: string, active: boolean): void {
  const { t } = useTranslation();
  const ready = useConnection((s) => s.ready);
  const syncs = useConnection((s) => s.syncs);
  const joinedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!active || !ready) return;
    // The number held before joining: a live post may arrive between the join and its answer, and
    // catching up from after that one would skip those posted while the socket was away.
    const held = useForums.getState().view;
    const seqAtJoin = held?.thread.id === threadId ? held.lastSeq : null;
    const stop = sendUntilAnswered<ThreadJoined>(
      (answer) => socket.emit('thread:join', { threadId }, answer),
      (ack) => {
        if (!ack.ok) return;
        const view = useForums.getState().view;
        if (view?.thread.id !== threadId) return;
        const reconnect = joinedFor.current === threadId;
        joinedFor.current = threadId;
        if (!reconnect && ack.data.lastSeq <= view.lastSeq) return;
        const before = view.pending.length;
        catchUp(threadId, Math.min(seqAtJoin ?? view.lastSeq, view.lastSeq)).then(
          (posts) => {
            const { receivePosts } = useForums.getState();
            receivePosts(threadId, posts);
            const added = (useForums.getState().view?.pending.length ?? before) - before;
            if (added > 0) announce(t('forums.thread.newReplies', { count: added }));
          },
          () => announce(t('forums.thread.catchUpFailed')),
        );
      },
    );
    return () => {
      stop();
      if (socket.connected) socket.emit('thread:leave', { threadId }, () => undefined);
    };
  }, [threadId, active, ready, syncs, t]);
}

/**
 * Asks, once and a little later (live-gap.ts), for the replies a gap in the live numbers skipped:
 * one saved by a server that died before its live push, or one held that this reader never gets.
 */
function useFillGaps(threadId: string): void {
  const { t } = useTranslation();
  useEffect(() => {
    const gaps = createGapFiller(async (after) => {
      const posts = await catchUp(threadId, after);
      const before = useForums.getState().view?.pending.length ?? 0;
      useForums.getState().receivePosts(threadId, posts);
      const added = (useForums.getState().view?.pending.length ?? before) - before;
      if (added > 0) announce(t('forums.thread.newReplies', { count: added }));
    });
    const stop = onThreadGap(threadId, (after) => gaps.noted(after));
    return () => {
      stop();
      gaps.stop();
    };
  }, [threadId, t]);
}

/**
 * The highest post number the member has actually had on screen (half of it in view), so opening
 * a long thread does not count what is still below the fold as read.
 */
function useSeenSeq(posts: Post[]): number {
  const [seen, setSeen] = useState(0);
  useEffect(() => {
    const observer = new IntersectionObserver(
      (entries) => {
        const visible = entries
          .filter((e) => e.isIntersecting)
          .map((e) => Number(/^post-(\d+)$/.exec(e.target.id)?.[1] ?? 0));
        if (visible.length > 0) setSeen((s) => Math.max(s, ...visible));
      },
      { threshold: 0.5 },
    );
    for (const p of posts) {
      const element = document.getElementById(`post-${p.seq}`);
      if (element) observer.observe(element);
    }
    return () => observer.disconnect();
  }, [posts]);
  return seen;
}

/** Tells the server how far the member has read: up to the last post they have seen. */
function useMarkRead(view: ThreadView | null, seenSeq: number): void {
  const threadId = view?.thread.id;
  const readSeq = view?.thread.lastReadSeq ?? 0;
  useEffect(() => {
    if (!threadId || seenSeq <= readSeq) return;
    const timer = setTimeout(() => {
      markRead(threadId, seenSeq).then(
        ({ lastReadSeq }) => useForums.getState().setReadSeq(threadId, lastReadSeq),
        () => undefined, // tried again on the next change; unread counts are not worth an error
      );
    }, 1000);
    return () => clearTimeout(timer);
  }, [threadId, seenSeq, readSeq]);
}

function focusPost(seq: number, highlight = false): boolean {
  const element = document.getElementById(postAnchor(seq));
  if (!element) return false;
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: 'start' });
  if (highlight) {
    for (const other of document.querySelectorAll('.post--target')) other.classList.remove('post--target');
    element.classList.add('post--target');
  }
  return true;
}

/** Links written before posts were anchored by number (`#post-<id>`, in older mails) still land. */
async function seqOfLegacyHash(hash: string, byId: Map<string, Post>): Promise<number | null> {
  const id = /^#post-([0-9a-f]{24})$/.exec(hash)?.[1];
  if (!id) return null;
  const loaded = byId.get(id);
  if (loaded) return loaded.seq;
  try {
    return (await fetchPost(id)).seq;
  } catch {
    return null;
  }
}

function NewRepliesButton({ count }: { count: number }) {
  const { t } = useTranslation();
  if (count === 0) return null;
  function show(): void {
    const shown = useForums.getState().showPending();
    const first = [...shown].sort((a, b) => (a.path < b.path ? -1 : 1))[0];
    if (first) requestAnimationFrame(() => focusPost(first.seq));
  }
  return (
    <div className="new-replies">
      <button type="button" className="button" onClick={show}>
        {t('forums.thread.showNewReplies', { count })}
      </button>
    </div>
  );
}

function ThreadBody({ view }: { view: ThreadView }) {
  const { t } = useTranslation();
  const { thread, posts, pending, nextCursor, firstUnreadSeq } = view;
  const [open, setOpen] = useState<OpenComposer>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const byId = useMemo(() => new Map(posts.map((p) => [p.id, p])), [posts]);
  const { hash } = useLocation();
  // A visitor of the public face reads without an account: nothing to mark, no reply form.
  const signedIn = useAuth((s) => s.status === 'signedIn');
  useMarkRead(signedIn ? view : null, useSeenSeq(posts));
  usePostShortcuts(posts, thread.locked || !signedIn, setOpen);

  // Arriving from a link to one post (notification, mail, search, bookmark, quote): load the
  // pages up to it, then scroll to it, focus and highlight it.
  useEffect(() => {
    let cancelled = false;
    let frame = 0;
    void (async () => {
      const seq = seqFromHash(hash) ?? (await seqOfLegacyHash(hash, byId));
      if (seq === null || cancelled) return;
      await revealPost(seq);
      // After the page has put focus on its heading (a parent effect, which runs after this one).
      if (!cancelled) frame = requestAnimationFrame(() => focusPost(seq, true));
    })();
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
    };
    // Only a new hash moves the reader; posts arriving later must not pull them back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hash]);

  async function loadMore(): Promise<string | null> {
    const cursor = useForums.getState().view?.nextCursor;
    if (!cursor) return null;
    const page = await fetchPosts(thread.id, { cursor });
    useForums.getState().appendPosts(thread.id, page.posts, page.nextCursor);
    return page.nextCursor;
  }

  async function onLoadMore(): Promise<void> {
    if (loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      await loadMore();
      announce(t('forums.common.loadedMoreReplies'));
    } catch {
      setMoreError(t('forums.common.loadMoreFailed'));
    } finally {
      setLoadingMore(false);
    }
  }

  /** Loads further pages until post number `seq` is on the page (or there is no more). */
  async function revealPost(seq: number): Promise<void> {
    const loaded = () => useForums.getState().view?.posts.some((p) => p.seq === seq) ?? false;
    try {
      for (let i = 0; i < 20 && !loaded(); i += 1) {
        if (!(await loadMore())) break;
      }
    } catch {
      setMoreError(t('forums.common.loadMoreFailed'));
    }
  }

  async function jumpToUnread(seq: number): Promise<void> {
    await revealPost(seq);
    requestAnimationFrame(() => focusPost(seq));
  }

  return (
    <>
      <p className="meta">
        {thread.pinned && <span className="badge">{t('forums.thread.pinned')}</span>}{' '}
        {thread.locked && <span className="badge badge--muted">{t('forums.thread.locked')}</span>}{' '}
        {t('forums.thread.replyCount', { count: Math.max(0, thread.postCount - 1) })}
      </p>
      {signedIn && (
        <>
          <RenameThread thread={thread} />
          <NotificationLevel
            key={thread.id}
            scope="thread"
            level={thread.subscription}
            save={(level) => setThreadLevel(thread.id, level)}
          />
        </>
      )}
      {firstUnreadSeq !== null && (
        <p>
          <a
            href={`#${postAnchor(firstUnreadSeq)}`}
            onClick={(event) => {
              event.preventDefault();
              void jumpToUnread(firstUnreadSeq);
            }}
          >
            {t('forums.thread.jumpToUnread')}
          </a>
        </p>
      )}
      <section aria-labelledby="posts-heading">
        <h2 id="posts-heading" className="visually-hidden">
          {t('forums.thread.posts')}
        </h2>
        <ol className="posts">
          {posts.map((post) => (
            <Fragment key={post.id}>
              {post.seq === firstUnreadSeq && post.seq > 1 && (
                <li className="unread-divider" id="new-since-last-visit">
                  <span>{t('forums.thread.newSinceLastVisit')}</span>
                </li>
              )}
              <PostItem
                post={post}
                replyTo={post.replyToId ? byId.get(post.replyToId) : undefined}
                locked={thread.locked}
                open={open}
                setOpen={setOpen}
              />
            </Fragment>
          ))}
        </ol>
        {moreError && <p className="notice notice--error">{moreError}</p>}
        {nextCursor && (
          <p>
            <button
              type="button"
              className="button button--secondary"
              aria-disabled={loadingMore}
              onClick={() => void onLoadMore()}
            >
              {loadingMore ? t('common.loading') : t('forums.thread.loadMoreReplies')}
            </button>
          </p>
        )}
        <NewRepliesButton count={pending.length} />
      </section>
      <section aria-labelledby="reply-heading" className="panel thread-reply">
        <h2 id="reply-heading">{t('forums.thread.replyHeading')}</h2>
        {!signedIn ? (
          <p>{t('publicFace.joinToReply')}</p>
        ) : thread.locked ? (
          <p>{t('errors.thread_locked')}</p>
        ) : (
          <Composer
            threadId={thread.id}
            label={t('forums.thread.yourReply')}
            onDone={(post) => {
              announce(t('forums.thread.replyPosted'));
              requestAnimationFrame(() =>
                document.getElementById(postAnchor(post.seq))?.scrollIntoView({ block: 'nearest' }),
              );
            }}
          />
        )}
      </section>
    </>
  );
}

/** Forums › the thread's category (its name fetched when the forums list was not loaded). */
function Breadcrumbs({ categoryId }: { categoryId: string }) {
  const { t } = useTranslation();
  const known = useForums((s) => s.categories?.find((c) => c.id === categoryId));
  const [fetched, setFetched] = useState<Category | null>(null);
  useLoad(known ? '' : categoryId, async (signal) => {
    if (!known) setFetched(await fetchCategory(categoryId, signal));
  });
  const category = known ?? (fetched?.id === categoryId ? fetched : undefined);
  return (
    <nav aria-label={t('forums.common.breadcrumbs')} className="breadcrumbs">
      <Link to="/forums">{t('forums.categories.title')}</Link>
      {' › '}
      <Link to={`/forums/c/${category?.slug ?? categoryId}`}>
        {category?.name ?? t('forums.thread.backToCategory')}
      </Link>
    </nav>
  );
}

/** /forums/t/:threadId — one discussion, its replies as a tree, live. */
export function ThreadPage() {
  const { t } = useTranslation();
  const { threadId = '' } = useParams();
  const view = useForums((s) => (s.view?.thread.id === threadId ? s.view : null));
  const state = useLoad(threadId, async (signal) => {
    useForums.getState().openThread(await fetchThread(threadId, signal));
  });
  useThreadRoom(threadId, state.status === 'loaded');
  useFillGaps(threadId);
  useEffect(() => () => useForums.getState().closeThread(threadId), [threadId]);

  if (state.status === 'failed') {
    const notFound = isNotFound(state.code);
    return (
      <Page title={notFound ? t('forums.thread.notFoundTitle') : t('forums.common.loadFailedTitle')}>
        <p>{notFound ? t('forums.thread.notFoundBody') : t(`errors.${state.code}`)}</p>
        <p>
          <Link to="/forums">{t('forums.common.backToForums')}</Link>
        </p>
      </Page>
    );
  }
  if (state.status === 'loading' || !view) return <Page title={t('forums.thread.loadingTitle')} />;
  return (
    <Page title={view.thread.title}>
      <Breadcrumbs categoryId={view.thread.categoryId} />
      <ThreadBody view={view} />
    </Page>
  );
}
