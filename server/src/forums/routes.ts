import {
  bookmarkListQuerySchema,
  categoryCreateBodySchema,
  categoryListQuerySchema,
  categoryPatchBodySchema,
  mentionQuerySchema,
  postCreateBodySchema,
  postListQuerySchema,
  postPatchBodySchema,
  postPreviewBodySchema,
  reactionKindSchema,
  readBodySchema,
  subscriptionBodySchema,
  threadCreateBodySchema,
  threadListQuerySchema,
  threadPatchBodySchema,
} from '@commons/shared';
import { Router, type Request } from 'express';
import { currentMember } from '../auth/routes.js';
import { parse } from '../http/validate.js';
import { actorOf, type ForumService } from './service.js';

const actor = (req: Request) => actorOf(currentMember(req));

/** `/api/categories`, `/api/threads`, `/api/posts`, `/api/bookmarks`, `/api/mentions`: parse, call the service, shape. */
export function forumRoutes(forums: ForumService): Router {
  const router = Router();

  // ------------------------------------------------------------ categories
  router.get('/categories', async (req, res) => {
    const me = actor(req);
    res.json({ categories: await forums.listCategories(me, parse(categoryListQuerySchema, req.query)) });
  });

  router.post('/categories', async (req, res) => {
    const me = actor(req);
    res.status(201).json({ category: await forums.createCategory(me, parse(categoryCreateBodySchema, req.body)) });
  });

  router.get('/categories/:id', async (req, res) => {
    const me = actor(req);
    res.json({ category: await forums.getCategory(me, req.params.id) });
  });

  router.patch('/categories/:id', async (req, res) => {
    const me = actor(req);
    res.json({ category: await forums.updateCategory(me, req.params.id, parse(categoryPatchBodySchema, req.body)) });
  });

  router.put('/categories/:id/subscription', async (req, res) => {
    const me = actor(req);
    const { level } = parse(subscriptionBodySchema, req.body);
    res.json(await forums.setCategorySubscription(me, req.params.id, level));
  });

  // ------------------------------------------------------------ threads
  router.get('/threads', async (req, res) => {
    const me = actor(req);
    res.json(await forums.listThreads(me, parse(threadListQuerySchema, req.query)));
  });

  router.post('/threads', async (req, res) => {
    const me = actor(req);
    res.status(201).json(await forums.createThread(me, parse(threadCreateBodySchema, req.body)));
  });

  router.get('/threads/:id', async (req, res) => {
    const me = actor(req);
    res.json(await forums.getThread(me, req.params.id));
  });

  router.patch('/threads/:id', async (req, res) => {
    const me = actor(req);
    res.json({ thread: await forums.updateThread(me, req.params.id, parse(threadPatchBodySchema, req.body)) });
  });

  router.get('/threads/:id/posts', async (req, res) => {
    const me = actor(req);
    res.json(await forums.listPosts(me, req.params.id, parse(postListQuerySchema, req.query)));
  });

  router.post('/threads/:id/posts', async (req, res) => {
    const me = actor(req);
    res.status(201).json({ post: await forums.createPost(me, req.params.id, parse(postCreateBodySchema, req.body)) });
  });

  router.put('/threads/:id/subscription', async (req, res) => {
    const me = actor(req);
    const { level } = parse(subscriptionBodySchema, req.body);
    res.json(await forums.setThreadSubscription(me, req.params.id, level));
  });

  router.post('/threads/:id/read', async (req, res) => {
    const me = actor(req);
    const { seq } = parse(readBodySchema, req.body);
    res.json(await forums.markRead(me, req.params.id, seq));
  });

  // ------------------------------------------------------------ posts
  router.post('/posts/preview', async (req, res) => {
    const me = actor(req);
    const { body } = parse(postPreviewBodySchema, req.body);
    res.json(await forums.previewPost(me, body));
  });

  router.get('/posts/:id', async (req, res) => {
    const me = actor(req);
    res.json({ post: await forums.getPost(me, req.params.id) });
  });

  router.patch('/posts/:id', async (req, res) => {
    const me = actor(req);
    const { body } = parse(postPatchBodySchema, req.body);
    res.json({ post: await forums.editPost(me, req.params.id, body) });
  });

  router.delete('/posts/:id', async (req, res) => {
    const me = actor(req);
    await forums.deletePost(me, req.params.id);
    res.status(204).end();
  });

  router.get('/posts/:id/revisions', async (req, res) => {
    const me = actor(req);
    res.json({ revisions: await forums.listRevisions(me, req.params.id) });
  });

  router.put('/posts/:id/reactions/:kind', async (req, res) => {
    const me = actor(req);
    const kind = parse(reactionKindSchema, req.params.kind);
    res.json(await forums.react(me, req.params.id, kind, true));
  });

  router.delete('/posts/:id/reactions/:kind', async (req, res) => {
    const me = actor(req);
    const kind = parse(reactionKindSchema, req.params.kind);
    res.json(await forums.react(me, req.params.id, kind, false));
  });

  router.put('/posts/:id/bookmark', async (req, res) => {
    const me = actor(req);
    res.json(await forums.bookmark(me, req.params.id, true));
  });

  router.delete('/posts/:id/bookmark', async (req, res) => {
    const me = actor(req);
    res.json(await forums.bookmark(me, req.params.id, false));
  });

  router.get('/bookmarks', async (req, res) => {
    const me = actor(req);
    res.json(await forums.listBookmarks(me, parse(bookmarkListQuerySchema, req.query)));
  });

  router.get('/mentions', async (req, res) => {
    const me = actor(req);
    const { q } = parse(mentionQuerySchema, req.query);
    res.json({ members: await forums.suggestMentions(me, q) });
  });

  return router;
}
