import {
  libraryLimits,
  resourceCreateBodySchema,
  resourceFeatureBodySchema,
  resourceListQuerySchema,
  resourcePatchBodySchema,
  resourceReviewBodySchema,
} from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { parse } from '../http/validate.js';
import { readOneFile } from '../storage/multipart.js';
import type { LibraryService } from './service.js';

export function libraryRoutes(library: LibraryService): Router {
  const router = Router();
  const actor = (req: Parameters<typeof currentMember>[0]) => actorOf(currentMember(req));

  router.get('/resources', async (req, res) => {
    const a = actor(req);
    res.json(await library.list(a, parse(resourceListQuerySchema, req.query)));
  });

  router.post('/resources', async (req, res) => {
    const a = actor(req);
    const resource = await library.submit(a, parse(resourceCreateBodySchema, req.body));
    res.status(201).json({ resource });
  });

  router.post('/resources/import', async (req, res) => {
    const a = actor(req);
    const file = await readOneFile(req, res, { field: 'file', maxBytes: libraryLimits.importMaxBytes });
    const result = await library.importCsv(a, file.buffer.toString('utf8'));
    res.status(201).json(result);
  });

  router.get('/resources/:id', async (req, res) => {
    res.json({ resource: await library.get(actor(req), req.params.id) });
  });

  router.patch('/resources/:id', async (req, res) => {
    const a = actor(req);
    res.json({ resource: await library.update(a, req.params.id, parse(resourcePatchBodySchema, req.body)) });
  });

  router.delete('/resources/:id', async (req, res) => {
    await library.remove(actor(req), req.params.id);
    res.status(204).end();
  });

  router.post('/resources/:id/review', async (req, res) => {
    const a = actor(req);
    res.json({ resource: await library.review(a, req.params.id, parse(resourceReviewBodySchema, req.body)) });
  });

  router.patch('/resources/:id/featured', async (req, res) => {
    const a = actor(req);
    const { featured } = parse(resourceFeatureBodySchema, req.body);
    res.json({ resource: await library.setFeatured(a, req.params.id, featured) });
  });

  for (const [path, kind] of [
    ['save', 'save'],
    ['useful', 'useful'],
  ] as const) {
    router.put(`/resources/:id/${path}`, async (req, res) => {
      res.json({ resource: await library.setMark(actor(req), req.params.id, kind, true) });
    });
    router.delete(`/resources/:id/${path}`, async (req, res) => {
      res.json({ resource: await library.setMark(actor(req), req.params.id, kind, false) });
    });
  }

  return router;
}
