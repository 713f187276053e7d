import {
  actionCreateBodySchema,
  actionPatchBodySchema,
  inviteBodySchema,
  labCreateBodySchema,
  labListQuerySchema,
  labPatchBodySchema,
  outcomeCreateBodySchema,
  rsvpBodySchema,
} from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { parse } from '../http/validate.js';
import { actorOfMember } from './policy.js';
import type { LabService } from './service.js';

export function labRoutes(labs: LabService, opts: { publicUrl: string }): Router {
  const router = Router();
  const me = (req: Parameters<typeof currentMember>[0]) => actorOfMember(currentMember(req));

  router.get('/', async (req, res) => {
    const actor = me(req);
    res.json({ labs: await labs.list(actor, parse(labListQuerySchema, req.query)) });
  });

  router.post('/', async (req, res) => {
    const actor = me(req);
    res.status(201).json({ lab: await labs.create(actor, parse(labCreateBodySchema, req.body)) });
  });

  router.get('/:id', async (req, res) => {
    res.json({ lab: await labs.get(me(req), req.params.id) });
  });

  router.patch('/:id', async (req, res) => {
    const actor = me(req);
    res.json({ lab: await labs.update(actor, req.params.id, parse(labPatchBodySchema, req.body)) });
  });

  router.post('/:id/cancel', async (req, res) => {
    res.json({ lab: await labs.cancel(me(req), req.params.id) });
  });

  router.put('/:id/rsvp', async (req, res) => {
    const actor = me(req);
    const { status } = parse(rsvpBodySchema, req.body);
    res.json({ lab: await labs.rsvp(actor, req.params.id, status) });
  });

  router.post('/:id/invitations', async (req, res) => {
    const actor = me(req);
    res.json({ invitedIds: await labs.invite(actor, req.params.id, parse(inviteBodySchema, req.body)) });
  });

  router.get('/:id/calendar.ics', async (req, res) => {
    const { filename, ics } = await labs.calendar(
      me(req),
      req.params.id,
      `${opts.publicUrl}/labs/${encodeURIComponent(req.params.id)}`,
    );
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(ics);
  });

  router.get('/:id/actions', async (req, res) => {
    res.json({ actions: await labs.listActions(me(req), req.params.id) });
  });

  router.post('/:id/actions', async (req, res) => {
    const actor = me(req);
    res
      .status(201)
      .json({ action: await labs.createAction(actor, req.params.id, parse(actionCreateBodySchema, req.body)) });
  });

  router.patch('/:id/actions/:actionId', async (req, res) => {
    const actor = me(req);
    const patch = parse(actionPatchBodySchema, req.body);
    res.json({ action: await labs.updateAction(actor, req.params.id, req.params.actionId, patch) });
  });

  router.get('/:id/outcomes', async (req, res) => {
    res.json({ outcomes: await labs.listOutcomes(me(req), req.params.id) });
  });

  router.post('/:id/outcomes', async (req, res) => {
    const actor = me(req);
    const body = parse(outcomeCreateBodySchema, req.body);
    res.status(201).json({ outcome: await labs.createOutcome(actor, req.params.id, body) });
  });

  return router;
}
