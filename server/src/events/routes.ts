import {
  eventCreateBodySchema,
  eventListQuerySchema,
  eventListResponseSchema,
  eventPatchBodySchema,
  eventResponseSchema,
  eventRsvpBodySchema,
  objectIdSchema,
} from '@commons/shared';
import { z } from 'zod';
import { readerOf } from '../site/viewer.js';
import { answered, routesFor } from '../http/route.js';
import { actorOfMember } from './policy.js';
import type { EventService } from './service.js';
const byId = z.object({ id: objectIdSchema });
/** The calendar file is text/calendar, not JSON: its body is not checked as JSON. */
const icsFile = z.unknown().meta({ description: 'An iCalendar (RFC 5545) file, served as text/calendar' });

const route = routesFor<{ events: EventService; publicUrl: string }>('events');

/** Calendar events (webinars and labs): listing, scheduling, RSVPs and calendar files. */
export const eventRoutes = [
  route(
    {
      method: 'get',
      path: '/api/events',
      summary:
        'Upcoming (or past) webinars and meetings, merged by start time with the Action Labs I can see (each item has type event or lab)',
      access: 'publicFace',
      query: eventListQuerySchema,
      responses: { 200: eventListResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { events }, query, req }) => {
      const actor = await readerOf(req, actorOfMember);
      return { items: await events.list(actor, query) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/events',
      summary: 'Organise a webinar or meeting (any member not silenced; I become its organiser)',
      access: 'member',
      body: eventCreateBodySchema,
      responses: { 201: eventResponseSchema },
      errors: [400, 401, 403, 429],
    },
    async ({ deps: { events }, body, member }) => {
      const actor = actorOfMember(member);
      return { event: await events.create(actor, body) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/events/{id}',
      summary: 'One event, with my RSVP',
      access: 'publicFace',
      params: byId,
      responses: { 200: eventResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { events }, params, req }) => {
      return { event: await events.get(await readerOf(req, actorOfMember), params.id) };
    },
  ),
  route(
    {
      method: 'patch',
      path: '/api/events/{id}',
      summary: 'Edit or reschedule an event (organiser, moderators, admins; reminders move with it)',
      access: 'member',
      params: byId,
      body: eventPatchBodySchema,
      responses: { 200: eventResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { events }, params, body, member }) => {
      const actor = actorOfMember(member);
      return { event: await events.update(actor, params.id, body) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/events/{id}/cancel',
      summary: 'Cancel an event (organiser, moderators, admins; reminders are removed, members told)',
      access: 'member',
      params: byId,
      responses: { 200: eventResponseSchema },
      errors: [401, 403, 404, 409],
    },
    async ({ deps: { events }, params, member }) => {
      return { event: await events.cancel(actorOfMember(member), params.id) };
    },
  ),
  route(
    {
      method: 'put',
      path: '/api/events/{id}/rsvp',
      summary: 'RSVP going, maybe or no (going joins the waitlist when full; a freed seat goes to the first waiting)',
      access: 'member',
      params: byId,
      body: eventRsvpBodySchema,
      responses: { 200: eventResponseSchema },
      errors: [400, 401, 404, 409],
    },
    async ({ deps: { events }, params, body, member }) => {
      const actor = actorOfMember(member);
      const { status } = body;
      return { event: await events.rsvp(actor, params.id, status) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/events/{id}/calendar.ics',
      summary: 'The event as an iCalendar file',
      access: 'publicFace',
      params: byId,
      responses: { 200: icsFile },
      errors: [401, 404],
    },
    async ({ deps: { events, publicUrl }, params, res, req }) => {
      const { filename, ics } = await events.calendar(
        await readerOf(req, actorOfMember),
        params.id,
        `${publicUrl}/events/${encodeURIComponent(params.id)}`,
      );
      res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
      res.send(ics);
      return answered;
    },
  ),
];
