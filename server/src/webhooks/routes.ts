import { webhookCreateBodySchema, webhookPatchBodySchema } from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { parse } from '../http/validate.js';
import type { WebhookService } from './service.js';

/** `/api/webhooks`: administrators manage outgoing webhooks (the service checks the role). */
export function webhookRoutes(webhooks: WebhookService): Router {
  const router = Router();

  router.post('/webhooks', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.status(201).json(await webhooks.create(actor, parse(webhookCreateBodySchema, req.body)));
  });

  router.get('/webhooks', async (req, res) => {
    res.json({ webhooks: await webhooks.list(actorOf(currentMember(req))) });
  });

  router.patch('/webhooks/:id', async (req, res) => {
    const actor = actorOf(currentMember(req));
    const webhook = await webhooks.update(actor, req.params.id, parse(webhookPatchBodySchema, req.body));
    res.json({ webhook });
  });

  router.delete('/webhooks/:id', async (req, res) => {
    await webhooks.remove(actorOf(currentMember(req)), req.params.id);
    res.status(204).end();
  });

  router.get('/webhooks/:id/deliveries', async (req, res) => {
    res.json({ deliveries: await webhooks.deliveries(actorOf(currentMember(req)), req.params.id) });
  });

  router.post('/webhooks/:id/test', async (req, res) => {
    res.status(202).json({ delivery: await webhooks.test(actorOf(currentMember(req)), req.params.id) });
  });

  return router;
}
