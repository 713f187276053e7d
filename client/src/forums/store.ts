import type { Category, Post, PublicPost, PublicThread, ReactionCounts, ThreadSummary } from '@commons/shared';
import { memberName } from '../members/names';
import i18next from 'i18next';
import { create } from 'zustand';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { socket } from '../socket';
import type { ThreadDetail } from './api';
import { missedAfter } from '../realtime/live-gap';

/** The thread list of the category on screen. */
export interface ThreadList {
  categoryId: string;
  threads: ThreadSummary[];
  nextCursor: string | null;
}

/** The thread on screen. */
export interface ThreadView {
  thread: ThreadSummary;
  /** Shown posts, in tree order (by `path`). */
  posts: Post[];
  nextCursor: string | null;
  firstUnreadSeq: number | null;
  /** Posts by others that arrived live; shown when the reader asks, so the page does not jump. */
  pending: Post[];
  /** The highest post sequence number seen (shown or pending): a reconnect asks for what came after. */
  lastSeq: number;
}

interface ForumStore {
  categories: Category[] | null;
  list: ThreadList | null;
  view: ThreadView | null;
  setCategories: (categories: Category[]) => void;
  setList: (list: ThreadList | null) => void;
  appendThreads: (categoryId: string, threads: ThreadSummary[], nextCursor: string | null) => void;
  addThread: (thread: ThreadSummary) => void;
  openThread: (detail: ThreadDetail) => void;
  closeThread: (threadId: string) => void;
  /** More posts of the first load, in tree order. */
  appendPosts: (threadId: string, posts: Post[], nextCursor: string | null) => void;
  /** A post the member made or changed here, or one fetched after a reconnect. */
  upsertPost: (post: Post) => void;
  /** Posts fetched after a reconnect: own ones shown, others' collected as pending. */
  receivePosts: (threadId: string, posts: Post[]) => void;
  /** Moves the pending posts into the thread; returns them. */
  showPending: () => Post[];
  setReadSeq: (threadId: string, lastReadSeq: number) => void;
}

const me = (): string | undefined => useAuth.getState().user?.id;

const byPath = (a: Post, b: Post): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Pinned first, then the latest activity: the order the server lists threads in. */
export function byActivity(a: ThreadSummary, b: ThreadSummary): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  return b.lastActivityAt.localeCompare(a.lastActivityAt);
}

function mergeById(posts: Post[], incoming: Post[]): Post[] {
  const map = new Map(posts.map((p) => [p.id, p]));
  for (const post of incoming) map.set(post.id, post);
  return [...map.values()].sort(byPath);
}

function maxSeq(posts: Post[], floor: number): number {
  return posts.reduce((max, p) => Math.max(max, p.seq), floor);
}

/** A live post carries no member state: keep what we knew, else nothing reacted or bookmarked. */
function withMemberState(post: PublicPost, known: Post | undefined): Post {
  return { ...post, myReactions: known?.myReactions ?? [], bookmarked: known?.bookmarked ?? false };
}

function toSummary(thread: PublicThread): ThreadSummary {
  const mine = thread.author?.id === me();
  return {
    ...thread,
    lastReadSeq: mine ? thread.lastSeq : 0,
    unreadCount: mine ? 0 : thread.lastSeq,
    subscription: 'normal',
  };
}

export const useForums = create<ForumStore>((set, get) => ({
  categories: null,
  list: null,
  view: null,
  setCategories: (categories) => set({ categories }),
  setList: (list) => set({ list }),
  appendThreads: (categoryId, threads, nextCursor) => {
    const { list } = get();
    if (list?.categoryId !== categoryId) return;
    const known = new Set(list.threads.map((t) => t.id));
    set({ list: { categoryId, threads: [...list.threads, ...threads.filter((t) => !known.has(t.id))], nextCursor } });
  },
  addThread: (thread) => {
    const { list } = get();
    if (list?.categoryId !== thread.categoryId || list.threads.some((t) => t.id === thread.id)) return;
    set({ list: { ...list, threads: [thread, ...list.threads].sort(byActivity) } });
  },
  openThread: ({ thread, posts, nextCursor, firstUnreadSeq }) =>
    set({
      view: {
        thread,
        posts: [...posts].sort(byPath),
        nextCursor,
        firstUnreadSeq,
        pending: [],
        lastSeq: maxSeq(posts, thread.lastSeq),
      },
    }),
  closeThread: (threadId) => {
    if (get().view?.thread.id === threadId) set({ view: null });
  },
  appendPosts: (threadId, posts, nextCursor) => {
    const { view } = get();
    if (view?.thread.id !== threadId) return;
    set({ view: { ...view, posts: mergeById(view.posts, posts), nextCursor, lastSeq: maxSeq(posts, view.lastSeq) } });
  },
  upsertPost: (post) => {
    const { view } = get();
    if (view?.thread.id !== post.threadId) return;
    const isNew = !view.posts.some((p) => p.id === post.id);
    set({
      view: {
        ...view,
        posts: mergeById(view.posts, [post]),
        pending: view.pending.filter((p) => p.id !== post.id),
        lastSeq: Math.max(view.lastSeq, post.seq),
        thread: isNew
          ? { ...view.thread, postCount: view.thread.postCount + 1, lastSeq: Math.max(view.thread.lastSeq, post.seq) }
          : view.thread,
      },
    });
  },
  receivePosts: (threadId, posts) => {
    const { view } = get();
    if (view?.thread.id !== threadId) return;
    const shown = new Set(view.posts.map((p) => p.id));
    const own = posts.filter((p) => p.author?.id === me() || shown.has(p.id));
    const others = posts.filter((p) => !own.includes(p) && !view.pending.some((q) => q.id === p.id));
    set({
      view: {
        ...view,
        posts: mergeById(view.posts, own),
        pending: [...view.pending, ...others],
        lastSeq: maxSeq(posts, view.lastSeq),
      },
    });
  },
  showPending: () => {
    const { view } = get();
    if (!view || view.pending.length === 0) return [];
    const shown = view.pending;
    set({
      view: {
        ...view,
        posts: mergeById(view.posts, shown),
        pending: [],
        thread: {
          ...view.thread,
          postCount: view.thread.postCount + shown.length,
          lastSeq: Math.max(view.thread.lastSeq, view.lastSeq),
        },
      },
    });
    return shown;
  },
  setReadSeq: (threadId, lastReadSeq) => {
    const { view, list } = get();
    if (view?.thread.id === threadId && lastReadSeq > view.thread.lastReadSeq) {
      set({ view: { ...view, thread: { ...view.thread, lastReadSeq, unreadCount: 0 } } });
    }
    if (list?.threads.some((t) => t.id === threadId)) {
      set({
        list: {
          ...list,
          threads: list.threads.map((t) =>
            t.id === threadId
              ? { ...t, lastReadSeq, unreadCount: Math.max(0, t.lastSeq - Math.max(lastReadSeq, t.lastReadSeq)) }
              : t,
          ),
        },
      });
    }
  },
}));

/** Updates a shown or pending post in place; `change` gets the post as we have it. */
function updatePost(threadId: string, postId: string, change: (post: Post) => Post): void {
  const { view } = useForums.getState();
  if (view?.thread.id !== threadId) return;
  const apply = (posts: Post[]) => posts.map((p) => (p.id === postId ? change(p) : p));
  useForums.setState({ view: { ...view, posts: apply(view.posts), pending: apply(view.pending) } });
}

// ---------------------------------------------------------------- live updates

/** The words of a server-rendered post, for screen readers (DOMParser runs no scripts). */
function plainExcerpt(html: string, max = 160): string {
  const text = (new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The open thread page's ear for gaps in the live numbers (realtime/live-gap.ts; ThreadPage asks). */
const gapListeners = new Map<string, (after: number) => void>();

/** Hears of each live reply numbered past the next in `threadId`; returns what stops it. */
export function onThreadGap(threadId: string, listener: (after: number) => void): () => void {
  gapListeners.set(threadId, listener);
  return () => {
    if (gapListeners.get(threadId) === listener) gapListeners.delete(threadId);
  };
}

socket.on('post:created', ({ threadId, post }) => {
  const { view, upsertPost, receivePosts } = useForums.getState();
  if (view?.thread.id !== threadId) return;
  if (post.author?.id === me()) {
    // Posted here (already shown) or in another tab of this member (shown at once).
    if (!view.posts.some((p) => p.id === post.id)) upsertPost(withMemberState(post, undefined));
    return;
  }
  if (view.posts.some((p) => p.id === post.id) || view.pending.some((p) => p.id === post.id)) return;
  const gap = missedAfter(view.lastSeq, post.seq);
  receivePosts(threadId, [withMemberState(post, undefined)]);
  if (gap !== null) gapListeners.get(threadId)?.(gap);
  announce(
    i18next.t('forums.thread.newReplyFrom', {
      name: memberName(i18next.t, post.author),
      excerpt: plainExcerpt(post.bodyHtml),
    }),
  );
});

// A post held or hidden by moderation leaves other members' view at once; its author and
// moderators keep seeing it (with the moderation banner).
socket.on('post:hidden', ({ threadId, postId }) => {
  const { view } = useForums.getState();
  if (view?.thread.id !== threadId) return;
  const viewer = useAuth.getState().user;
  const post = view.posts.find((p) => p.id === postId) ?? view.pending.find((p) => p.id === postId);
  if (!post || post.author?.id === viewer?.id || viewer?.role === 'moderator' || viewer?.role === 'admin') return;
  useForums.setState({
    view: {
      ...view,
      posts: view.posts.filter((p) => p.id !== postId),
      pending: view.pending.filter((p) => p.id !== postId),
    },
  });
});

socket.on('post:updated', ({ threadId, post }) => {
  updatePost(threadId, post.id, (known) => withMemberState(post, known));
});

socket.on('post:deleted', ({ threadId, post }) => {
  updatePost(threadId, post.id, (known) => withMemberState(post, known));
});

socket.on(
  'reaction:updated',
  ({ threadId, postId, reactions }: { threadId: string; postId: string; reactions: ReactionCounts }) => {
    updatePost(threadId, postId, (known) => ({ ...known, reactions }));
  },
);

socket.on('thread:updated', ({ thread }) => {
  const { view, list } = useForums.getState();
  if (view?.thread.id === thread.id) useForums.setState({ view: { ...view, thread: { ...view.thread, ...thread } } });
  if (list?.threads.some((t) => t.id === thread.id)) {
    const threads = list.threads
      .map((t) => (t.id === thread.id ? { ...t, ...thread } : t))
      .filter((t) => t.categoryId === list.categoryId)
      .sort(byActivity);
    useForums.setState({ list: { ...list, threads } });
  }
});

socket.on('thread:created', ({ thread }) => {
  const { list, addThread } = useForums.getState();
  // Already listed: a push made again after its writer died (forums/listeners.ts), or a reload's.
  if (list?.categoryId !== thread.categoryId || list.threads.some((t) => t.id === thread.id)) return;
  addThread(toSummary(thread));
  if (thread.author?.id !== me()) announce(i18next.t('forums.category.newThreadLive', { title: thread.title }));
});

// A thread whose opening post moderation held or hid leaves lists, but its author's and moderators'.
socket.on('thread:hidden', ({ threadId }) => {
  const { list } = useForums.getState();
  const thread = list?.threads.find((t) => t.id === threadId);
  if (!list || !thread) return;
  const viewer = useAuth.getState().user;
  if (thread.author?.id === viewer?.id || viewer?.role === 'moderator' || viewer?.role === 'admin') return;
  useForums.setState({ list: { ...list, threads: list.threads.filter((t) => t.id !== threadId) } });
});

socket.on('thread:restored', ({ thread }) => {
  const { list, addThread } = useForums.getState();
  if (list?.categoryId !== thread.categoryId || list.threads.some((t) => t.id === thread.id)) return;
  addThread(toSummary(thread));
});

socket.on('thread:activity', (e) => {
  const { list } = useForums.getState();
  const current = list?.threads.find((t) => t.id === e.threadId);
  if (!list || !current || e.lastSeq <= current.lastSeq) return;
  const mine = e.lastPoster?.id === me();
  const updated: ThreadSummary = {
    ...current,
    lastSeq: e.lastSeq,
    postCount: e.postCount,
    lastActivityAt: e.lastActivityAt,
    lastPoster: e.lastPoster,
    lastReadSeq: mine ? e.lastSeq : current.lastReadSeq,
    unreadCount: mine ? 0 : current.unreadCount + (e.lastSeq - current.lastSeq),
  };
  const threads = list.threads.map((t) => (t.id === e.threadId ? updated : t)).sort(byActivity);
  useForums.setState({ list: { ...list, threads } });
  if (!mine) announce(i18next.t('forums.category.newActivity', { title: current.title }));
});

socket.on('thread:read', ({ threadId, lastReadSeq }) => {
  useForums.getState().setReadSeq(threadId, lastReadSeq);
});
