import {
  appealBodySchema,
  auditQuerySchema,
  bulkResolveBodySchema,
  flagBodySchema,
  queueQuerySchema,
  resolveBodySchema,
  sanctionBodySchema,
} from '@commons/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { parse } from '../http/validate.js';
import type { ModerationService } from './service.js';

const actor = (req: Request) => actorOf(currentMember(req));
const liftBodySchema = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();

/** Flags, the review queue, sanctions, the audit log, appeals and blocks: parse, call the service, shape. */
export function moderationRoutes(moderation: ModerationService): Router {
  const router = Router();

  router.post('/posts/:id/flags', async (req, res) => {
    const me = actor(req);
    res.status(201).json(await moderation.flag(me, req.params.id, parse(flagBodySchema, req.body)));
  });

  router.get('/posts/:id/moderation', async (req, res) => {
    const me = actor(req);
    res.json({ moderation: await moderation.postModeration(me, req.params.id) });
  });

  router.post('/posts/:id/appeal', async (req, res) => {
    const me = actor(req);
    res.status(201).json({ moderation: await moderation.appeal(me, req.params.id, parse(appealBodySchema, req.body)) });
  });

  router.get('/moderation/queue', async (req, res) => {
    const me = actor(req);
    res.json({ items: await moderation.queue(me, parse(queueQuerySchema, req.query)) });
  });

  router.get('/moderation/items/:id', async (req, res) => {
    const me = actor(req);
    res.json({ item: await moderation.getItem(me, req.params.id) });
  });

  router.post('/moderation/items/:id/claim', async (req, res) => {
    const me = actor(req);
    res.json({ item: await moderation.claim(me, req.params.id) });
  });

  router.post('/moderation/items/:id/resolve', async (req, res) => {
    const me = actor(req);
    res.json({ item: await moderation.resolve(me, req.params.id, parse(resolveBodySchema, req.body)) });
  });

  router.post('/moderation/items/resolve', async (req, res) => {
    const me = actor(req);
    res.json({ results: await moderation.bulkResolve(me, parse(bulkResolveBodySchema, req.body)) });
  });

  router.post('/moderation/sanctions', async (req, res) => {
    const me = actor(req);
    res.status(201).json({ sanction: await moderation.sanction(me, parse(sanctionBodySchema, req.body)) });
  });

  router.post('/moderation/sanctions/:id/lift', async (req, res) => {
    const me = actor(req);
    const { reason } = parse(liftBodySchema, req.body);
    res.json({ sanction: await moderation.liftSanction(me, req.params.id, reason) });
  });

  router.get('/moderation/members/:id', async (req, res) => {
    const me = actor(req);
    res.json(await moderation.memberModeration(me, req.params.id));
  });

  router.get('/moderation/audit', async (req, res) => {
    const me = actor(req);
    res.json({ entries: await moderation.auditLog(me, parse(auditQuerySchema, req.query)) });
  });

  router.get('/members/me/blocks', async (req, res) => {
    const me = actor(req);
    res.json({ memberIds: await moderation.blockedIds(me.id) });
  });

  router.put('/members/:id/block', async (req, res) => {
    const me = actor(req);
    res.json(await moderation.setBlock(me, req.params.id, true));
  });

  router.delete('/members/:id/block', async (req, res) => {
    const me = actor(req);
    res.json(await moderation.setBlock(me, req.params.id, false));
  });

  return router;
}

export { liftBodySchema };
