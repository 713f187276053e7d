import type {
  Bookmark,
  Category,
  MemberRef,
  Post,
  PostCreateBody,
  ReactionCounts,
  ReactionKind,
  SubscriptionLevel,
  ThreadCreateBody,
  ThreadSummary,
  Revision,
} from '@commons/shared';
import { api, request } from '../api';

export type { Revision };

/** Query string from the defined values only. */
function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

const id = (value: string) => encodeURIComponent(value);

export interface ThreadPage {
  threads: ThreadSummary[];
  nextCursor: string | null;
}

export interface ThreadDetail {
  thread: ThreadSummary;
  posts: Post[];
  nextCursor: string | null;
  firstUnreadSeq: number | null;
}

export interface PostPage {
  posts: Post[];
  hasMore: boolean;
  nextCursor: string | null;
}

export interface BookmarkPage {
  bookmarks: Bookmark[];
  nextCursor: string | null;
}

export async function fetchCategories(signal?: AbortSignal): Promise<Category[]> {
  return (await api.get<{ categories: Category[] }>('/api/categories', signal)).categories;
}

/** By id or slug. */
export async function fetchCategory(idOrSlug: string, signal?: AbortSignal): Promise<Category> {
  return (await api.get<{ category: Category }>(`/api/categories/${id(idOrSlug)}`, signal)).category;
}

export function fetchThreads(
  params: { categoryId?: string; cursor?: string; limit?: number },
  signal?: AbortSignal,
): Promise<ThreadPage> {
  return api.get<ThreadPage>(`/api/threads${query(params)}`, signal);
}

/** The server renders and sanitizes Markdown exactly as it will for the post. */
export async function previewMarkdown(body: string, signal?: AbortSignal): Promise<string> {
  const res = await request<{ html: string }>('POST', '/api/posts/preview', { body }, signal);
  return res.html;
}

export function createThread(body: ThreadCreateBody): Promise<{ thread: ThreadSummary; post: Post }> {
  return api.post<{ thread: ThreadSummary; post: Post }>('/api/threads', body);
}

export function fetchThread(threadId: string, signal?: AbortSignal): Promise<ThreadDetail> {
  return api.get<ThreadDetail>(`/api/threads/${id(threadId)}`, signal);
}

export function fetchPosts(
  threadId: string,
  params: { after?: number; cursor?: string; limit?: number },
  signal?: AbortSignal,
): Promise<PostPage> {
  return api.get<PostPage>(`/api/threads/${id(threadId)}/posts${query(params)}`, signal);
}

export async function fetchPost(postId: string, signal?: AbortSignal): Promise<Post> {
  return (await api.get<{ post: Post }>(`/api/posts/${id(postId)}`, signal)).post;
}

export async function createPost(threadId: string, body: PostCreateBody): Promise<Post> {
  return (await api.post<{ post: Post }>(`/api/threads/${id(threadId)}/posts`, body)).post;
}

export async function renameThread(threadId: string, title: string): Promise<ThreadSummary> {
  return (await api.patch<{ thread: ThreadSummary }>(`/api/threads/${id(threadId)}`, { title })).thread;
}

export async function editPost(postId: string, body: string): Promise<Post> {
  return (await api.patch<{ post: Post }>(`/api/posts/${id(postId)}`, { body })).post;
}

export async function deletePost(postId: string): Promise<void> {
  await request<undefined>('DELETE', `/api/posts/${id(postId)}`);
}

export function markRead(threadId: string, seq: number): Promise<{ lastReadSeq: number; unreadCount: number }> {
  return api.post<{ lastReadSeq: number; unreadCount: number }>(`/api/threads/${id(threadId)}/read`, { seq });
}

export function setReaction(
  postId: string,
  kind: ReactionKind,
  on: boolean,
): Promise<{ postId: string; reactions: ReactionCounts; myReactions: ReactionKind[] }> {
  return request(on ? 'PUT' : 'DELETE', `/api/posts/${id(postId)}/reactions/${kind}`);
}

export function setBookmark(postId: string, on: boolean): Promise<{ postId: string; bookmarked: boolean }> {
  return request(on ? 'PUT' : 'DELETE', `/api/posts/${id(postId)}/bookmark`);
}

export function fetchBookmarks(cursor?: string, signal?: AbortSignal): Promise<BookmarkPage> {
  return api.get<BookmarkPage>(`/api/bookmarks${query({ cursor })}`, signal);
}

export async function setThreadLevel(threadId: string, level: SubscriptionLevel): Promise<SubscriptionLevel> {
  return (await request<{ level: SubscriptionLevel }>('PUT', `/api/threads/${id(threadId)}/subscription`, { level }))
    .level;
}

export async function setCategoryLevel(categoryId: string, level: SubscriptionLevel): Promise<SubscriptionLevel> {
  return (
    await request<{ level: SubscriptionLevel }>('PUT', `/api/categories/${id(categoryId)}/subscription`, { level })
  ).level;
}

export async function suggestMentions(q: string, signal?: AbortSignal): Promise<MemberRef[]> {
  return (await api.get<{ members: MemberRef[] }>(`/api/mentions${query({ q })}`, signal)).members;
}

export async function fetchMemberHandle(memberId: string, signal?: AbortSignal): Promise<MemberRef> {
  return (await api.get<{ member: MemberRef }>(`/api/members/${id(memberId)}/handle`, signal)).member;
}

/** A post's earlier versions, newest first (only for members who may read the post). */
export async function fetchRevisions(postId: string, signal?: AbortSignal): Promise<Revision[]> {
  return (await api.get<{ revisions: Revision[] }>(`/api/posts/${postId}/revisions`, signal)).revisions;
}
