import {
  storyCreateBodySchema,
  storyFeatureBodySchema,
  storyListQuerySchema,
  storyPatchBodySchema,
} from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { parse } from '../http/validate.js';
import type { StoryService } from './service.js';

export function storyRoutes(stories: StoryService): Router {
  const router = Router();

  router.get('/stories', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json(await stories.list(actor, parse(storyListQuerySchema, req.query)));
  });

  router.post('/stories', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.status(201).json({ story: await stories.publish(actor, parse(storyCreateBodySchema, req.body)) });
  });

  router.get('/stories/:id', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json({ story: await stories.get(actor, req.params.id) });
  });

  router.patch('/stories/:id', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json({ story: await stories.update(actor, req.params.id, parse(storyPatchBodySchema, req.body)) });
  });

  router.delete('/stories/:id', async (req, res) => {
    await stories.remove(actorOf(currentMember(req)), req.params.id);
    res.status(204).end();
  });

  router.patch('/stories/:id/featured', async (req, res) => {
    const actor = actorOf(currentMember(req));
    const { featured } = parse(storyFeatureBodySchema, req.body);
    res.json({ story: await stories.setFeatured(actor, req.params.id, featured) });
  });

  return router;
}
