import {
  eventCreateBodySchema,
  eventListQuerySchema,
  eventPatchBodySchema,
  eventRsvpBodySchema,
} from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { parse } from '../http/validate.js';
import { actorOfMember } from './policy.js';
import type { EventService } from './service.js';

export function eventRoutes(events: EventService, opts: { publicUrl: string }): Router {
  const router = Router();
  const me = (req: Parameters<typeof currentMember>[0]) => actorOfMember(currentMember(req));

  router.get('/', async (req, res) => {
    const actor = me(req);
    res.json({ items: await events.list(actor, parse(eventListQuerySchema, req.query)) });
  });

  router.post('/', async (req, res) => {
    const actor = me(req);
    res.status(201).json({ event: await events.create(actor, parse(eventCreateBodySchema, req.body)) });
  });

  router.get('/:id', async (req, res) => {
    res.json({ event: await events.get(me(req), req.params.id) });
  });

  router.patch('/:id', async (req, res) => {
    const actor = me(req);
    res.json({ event: await events.update(actor, req.params.id, parse(eventPatchBodySchema, req.body)) });
  });

  router.post('/:id/cancel', async (req, res) => {
    res.json({ event: await events.cancel(me(req), req.params.id) });
  });

  router.put('/:id/rsvp', async (req, res) => {
    const actor = me(req);
    const { status } = parse(eventRsvpBodySchema, req.body);
    res.json({ event: await events.rsvp(actor, req.params.id, status) });
  });

  router.get('/:id/calendar.ics', async (req, res) => {
    const { filename, ics } = await events.calendar(
      me(req),
      req.params.id,
      `${opts.publicUrl}/events/${encodeURIComponent(req.params.id)}`,
    );
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(ics);
  });

  return router;
}
