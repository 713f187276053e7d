import {
  coalitionCreateBodySchema,
  coalitionListQuerySchema,
  coalitionPatchBodySchema,
  coalitionRequestDecisionSchema,
  objectIdSchema,
} from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { parse } from '../http/validate.js';
import type { CoalitionService } from './service.js';

export function coalitionRoutes(coalitions: CoalitionService): Router {
  const router = Router();

  router.get('/coalitions', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json(await coalitions.list(actor, parse(coalitionListQuerySchema, req.query)));
  });

  router.post('/coalitions', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.status(201).json(await coalitions.create(actor, parse(coalitionCreateBodySchema, req.body)));
  });

  router.get('/coalitions/:id', async (req, res) => {
    res.json(await coalitions.get(actorOf(currentMember(req)), req.params.id));
  });

  router.patch('/coalitions/:id', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json(await coalitions.update(actor, req.params.id, parse(coalitionPatchBodySchema, req.body)));
  });

  router.delete('/coalitions/:id', async (req, res) => {
    await coalitions.remove(actorOf(currentMember(req)), req.params.id);
    res.status(204).end();
  });

  router.post('/coalitions/:id/membership', async (req, res) => {
    res.json(await coalitions.join(actorOf(currentMember(req)), req.params.id));
  });

  router.delete('/coalitions/:id/membership', async (req, res) => {
    res.json(await coalitions.leave(actorOf(currentMember(req)), req.params.id));
  });

  router.post('/coalitions/:id/requests/:memberId', async (req, res) => {
    const actor = actorOf(currentMember(req));
    const memberId = parse(objectIdSchema, req.params.memberId);
    res.json(await coalitions.decide(actor, req.params.id, memberId, parse(coalitionRequestDecisionSchema, req.body)));
  });

  return router;
}
