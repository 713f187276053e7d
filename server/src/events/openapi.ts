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
import { defineOperations } from '../openapi/operation.js';

const byId = z.object({ id: objectIdSchema });
const tag = 'events';
/** The calendar file is text/calendar, not JSON: its body is not checked as JSON. */
const icsFile = z.unknown().meta({ description: 'An iCalendar (RFC 5545) file, served as text/calendar' });

export const eventOperations = defineOperations([
  {
    method: 'get',
    path: '/api/events',
    summary:
      'Upcoming (or past) webinars and meetings, merged by start time with the Action Labs I can see (each item has type event or lab)',
    tag,
    access: 'member',
    query: eventListQuerySchema,
    responses: { 200: eventListResponseSchema },
    errors: [400, 401],
  },
  {
    method: 'post',
    path: '/api/events',
    summary: 'Organise a webinar or meeting (any member not silenced; I become its organiser)',
    tag,
    access: 'member',
    body: eventCreateBodySchema,
    responses: { 201: eventResponseSchema },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'get',
    path: '/api/events/{id}',
    summary: 'One event, with my RSVP',
    tag,
    access: 'member',
    params: byId,
    responses: { 200: eventResponseSchema },
    errors: [401, 404],
  },
  {
    method: 'patch',
    path: '/api/events/{id}',
    summary: 'Edit or reschedule an event (organiser, moderators, admins; reminders move with it)',
    tag,
    access: 'member',
    params: byId,
    body: eventPatchBodySchema,
    responses: { 200: eventResponseSchema },
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/api/events/{id}/cancel',
    summary: 'Cancel an event (organiser, moderators, admins; reminders are removed, members told)',
    tag,
    access: 'member',
    params: byId,
    responses: { 200: eventResponseSchema },
    errors: [401, 403, 404, 409],
  },
  {
    method: 'put',
    path: '/api/events/{id}/rsvp',
    summary: 'RSVP going, maybe or no (going joins the waitlist when full; a freed seat goes to the first waiting)',
    tag,
    access: 'member',
    params: byId,
    body: eventRsvpBodySchema,
    responses: { 200: eventResponseSchema },
    errors: [400, 401, 404, 409],
  },
  {
    method: 'get',
    path: '/api/events/{id}/calendar.ics',
    summary: 'The event as an iCalendar file',
    tag,
    access: 'member',
    params: byId,
    responses: { 200: icsFile },
    errors: [401, 404],
  },
]);
