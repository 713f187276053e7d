import {
  bookmarkListQuerySchema,
  bookmarkListResponseSchema,
  bookmarkResponseSchema,
  categoryCreateBodySchema,
  categoryListQuerySchema,
  categoryListResponseSchema,
  categoryPatchBodySchema,
  categoryResponseSchema,
  memberHandleResponseSchema,
  mentionListResponseSchema,
  mentionQuerySchema,
  objectIdSchema,
  postCreateBodySchema,
  postListQuerySchema,
  postListResponseSchema,
  postPatchBodySchema,
  postPreviewBodySchema,
  postPreviewResponseSchema,
  postResponseSchema,
  reactionKindSchema,
  reactionResponseSchema,
  readBodySchema,
  readResponseSchema,
  revisionListResponseSchema,
  subscriptionBodySchema,
  subscriptionResponseSchema,
  threadCreateBodySchema,
  threadCreateResponseSchema,
  threadDetailResponseSchema,
  threadListQuerySchema,
  threadListResponseSchema,
  threadPatchBodySchema,
  threadResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import { readerOf } from '../site/viewer.js';
import { routesFor } from '../http/route.js';
import { actorOf, type ForumService } from './service.js';

const byId = z.object({ id: objectIdSchema });
const byIdOrSlug = z.object({ id: z.string().min(1).max(120) });
const reaction = z.object({ id: objectIdSchema, kind: reactionKindSchema });

const route = routesFor<{ forums: ForumService }>('forums');

/** Watching, following normally or muting: the same contract for a category and a thread. */
function subscriptionRoute(what: 'category' | 'thread') {
  return route(
    {
      method: 'put',
      path: what === 'category' ? '/api/categories/{id}/subscription' : '/api/threads/{id}/subscription',
      summary: `Watch, follow normally or mute a ${what}`,
      access: 'member',
      params: byId,
      body: subscriptionBodySchema,
      responses: { 200: subscriptionResponseSchema },
      errors: [400, 401, 404],
    },
    async ({ deps: { forums }, params, body, member }) =>
      what === 'category'
        ? forums.setCategorySubscription(actorOf(member), params.id, body.level)
        : forums.setThreadSubscription(actorOf(member), params.id, body.level),
  );
}

/* A reaction and a bookmark are each set with PUT and cleared with DELETE on the same path. */

function reactionRoute(method: 'put' | 'delete', summary: string, on: boolean) {
  return route(
    {
      method,
      path: '/api/posts/{id}/reactions/{kind}',
      summary,
      access: 'member',
      params: reaction,
      responses: { 200: reactionResponseSchema },
      errors: [400, 401, 404],
    },
    async ({ deps: { forums }, params, member }) => forums.react(actorOf(member), params.id, params.kind, on),
  );
}

function bookmarkRoute(method: 'put' | 'delete', summary: string, on: boolean) {
  return route(
    {
      method,
      path: '/api/posts/{id}/bookmark',
      summary,
      access: 'member',
      params: byId,
      responses: { 200: bookmarkResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { forums }, params, member }) => forums.bookmark(actorOf(member), params.id, on),
  );
}

/** `/api/categories`, `/api/threads`, `/api/posts`, `/api/bookmarks`, `/api/mentions`: parse, call the service, shape. */
export const forumRoutes = [
  // ------------------------------------------------------------ categories
  route(
    {
      method: 'get',
      path: '/api/categories',
      summary: 'Categories with thread and unread counts (site-wide and my coalitions’, or one coalition’s)',
      access: 'publicFace',
      query: categoryListQuerySchema,
      responses: { 200: categoryListResponseSchema },
      // 403: a member asking for archived categories (administrators only).
      errors: [400, 401, 403, 404],
    },
    async ({ deps: { forums }, query, req }) => ({
      categories: await forums.listCategories(await readerOf(req, actorOf), query),
    }),
  ),
  route(
    {
      method: 'post',
      path: '/api/categories',
      summary: 'Create a category (admins), or a coalition’s own category (with coalitionId: that coalition’s admins)',
      access: 'member',
      body: categoryCreateBodySchema,
      responses: { 201: categoryResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { forums }, body, member }) => ({ category: await forums.createCategory(actorOf(member), body) }),
  ),
  route(
    {
      method: 'get',
      path: '/api/categories/{id}',
      summary: 'One category, by id or by slug',
      access: 'publicFace',
      params: byIdOrSlug,
      responses: { 200: categoryResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { forums }, params, req }) => ({
      category: await forums.getCategory(await readerOf(req, actorOf), params.id),
    }),
  ),
  route(
    {
      method: 'patch',
      path: '/api/categories/{id}',
      summary: 'Rename, describe, reorder or archive a category (admins; a coalition’s category: its admins)',
      access: 'member',
      params: byId,
      body: categoryPatchBodySchema,
      responses: { 200: categoryResponseSchema },
      errors: [400, 401, 404, 409],
    },
    async ({ deps: { forums }, params, body, member }) => ({
      category: await forums.updateCategory(actorOf(member), params.id, body),
    }),
  ),
  subscriptionRoute('category'),
  // ------------------------------------------------------------ threads
  route(
    {
      method: 'get',
      path: '/api/threads',
      summary: 'Threads by last activity, pinned first, cursor-paginated',
      access: 'publicFace',
      query: threadListQuerySchema,
      responses: { 200: threadListResponseSchema },
      errors: [400, 401, 404],
    },
    async ({ deps: { forums }, query, req }) => forums.listThreads(await readerOf(req, actorOf), query),
  ),
  route(
    {
      method: 'post',
      path: '/api/threads',
      summary: 'Start a thread with its first post',
      access: 'member',
      body: threadCreateBodySchema,
      responses: { 201: threadCreateResponseSchema },
      errors: [400, 401, 404, 429],
    },
    async ({ deps: { forums }, body, member }) => forums.createThread(actorOf(member), body),
  ),
  route(
    {
      method: 'get',
      path: '/api/threads/{id}',
      summary: 'A thread and its first page of posts in tree order',
      access: 'publicFace',
      params: byId,
      responses: { 200: threadDetailResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { forums }, params, req }) => forums.getThreadJson(await readerOf(req, actorOf), params.id),
  ),
  route(
    {
      method: 'patch',
      path: '/api/threads/{id}',
      summary: 'Rename (its author or a moderator; screened like a post), pin, lock or move a thread (moderators)',
      access: 'member',
      params: byId,
      body: threadPatchBodySchema,
      responses: { 200: threadResponseSchema },
      errors: [400, 401, 403, 404, 409, 423, 429],
    },
    async ({ deps: { forums }, params, body, member }) => ({
      thread: await forums.updateThread(actorOf(member), params.id, body),
    }),
  ),
  route(
    {
      method: 'get',
      path: '/api/threads/{id}/posts',
      summary: 'Posts after a sequence number (catch-up after a reconnect)',
      access: 'publicFace',
      params: byId,
      query: postListQuerySchema,
      responses: { 200: postListResponseSchema },
      errors: [400, 401, 404],
    },
    async ({ deps: { forums }, params, query, req }) =>
      forums.listPosts(await readerOf(req, actorOf), params.id, query),
  ),
  route(
    {
      method: 'post',
      path: '/api/threads/{id}/posts',
      summary: 'Reply to a thread or to a post in it',
      access: 'member',
      params: byId,
      body: postCreateBodySchema,
      responses: { 201: postResponseSchema },
      errors: [400, 401, 404, 423, 429],
    },
    async ({ deps: { forums }, params, body, member }) => ({
      post: await forums.createPost(actorOf(member), params.id, body),
    }),
  ),
  subscriptionRoute('thread'),
  route(
    {
      method: 'post',
      path: '/api/threads/{id}/read',
      summary: 'Record how far I have read',
      access: 'member',
      params: byId,
      body: readBodySchema,
      responses: { 200: readResponseSchema },
      errors: [400, 401, 404],
    },
    async ({ deps: { forums }, params, body, member }) => forums.markRead(actorOf(member), params.id, body.seq),
  ),
  // ------------------------------------------------------------ posts
  route(
    {
      method: 'post',
      path: '/api/posts/preview',
      summary: 'Render Markdown as a post would be rendered (composer preview)',
      access: 'member',
      body: postPreviewBodySchema,
      responses: { 200: postPreviewResponseSchema },
      errors: [400, 401, 429],
    },
    async ({ deps: { forums }, body, member }) => forums.previewPost(actorOf(member), body.body),
  ),
  route(
    {
      method: 'get',
      path: '/api/posts/{id}',
      summary: 'One post',
      access: 'publicFace',
      params: byId,
      responses: { 200: postResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { forums }, params, req }) => ({
      post: await forums.getPost(await readerOf(req, actorOf), params.id),
    }),
  ),
  route(
    {
      method: 'patch',
      path: '/api/posts/{id}',
      summary: 'Edit a post (author or moderator; history kept)',
      access: 'member',
      params: byId,
      body: postPatchBodySchema,
      responses: { 200: postResponseSchema },
      errors: [400, 401, 404, 423],
    },
    async ({ deps: { forums }, params, body, member }) => ({
      post: await forums.editPost(actorOf(member), params.id, body.body),
    }),
  ),
  route(
    {
      method: 'delete',
      path: '/api/posts/{id}',
      summary: 'Delete a post (its place in the tree stays)',
      access: 'member',
      params: byId,
      responses: { 204: null },
      errors: [401, 404],
    },
    async ({ deps: { forums }, params, member }) => {
      await forums.deletePost(actorOf(member), params.id);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/posts/{id}/revisions',
      summary: 'Edit history of a post',
      access: 'member',
      params: byId,
      responses: { 200: revisionListResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { forums }, params, member }) => ({
      revisions: await forums.listRevisions(actorOf(member), params.id),
    }),
  ),
  reactionRoute('put', 'Add my reaction', true),
  reactionRoute('delete', 'Remove my reaction', false),
  bookmarkRoute('put', 'Bookmark a post', true),
  bookmarkRoute('delete', 'Remove a bookmark', false),
  route(
    {
      method: 'get',
      path: '/api/bookmarks',
      summary: 'My bookmarked posts',
      access: 'member',
      query: bookmarkListQuerySchema,
      responses: { 200: bookmarkListResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { forums }, query, member }) => forums.listBookmarks(actorOf(member), query),
  ),
  route(
    {
      method: 'get',
      path: '/api/mentions',
      summary: 'Members to suggest after @',
      access: 'member',
      query: mentionQuerySchema,
      responses: { 200: mentionListResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { forums }, query, member }) => ({
      members: await forums.suggestMentions(actorOf(member), query.q),
    }),
  ),
  route(
    {
      method: 'get',
      path: '/api/members/{id}/handle',
      summary: 'A member’s @handle, as mentions use it',
      access: 'member',
      params: byId,
      responses: { 200: memberHandleResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { forums }, params, member }) => ({ member: await forums.memberHandle(actorOf(member), params.id) }),
  ),
];
