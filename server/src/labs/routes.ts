import {
  actionCreateBodySchema,
  actionListResponseSchema,
  actionPatchBodySchema,
  actionResponseSchema,
  inviteBodySchema,
  inviteResponseSchema,
  labCreateBodySchema,
  labListQuerySchema,
  labListResponseSchema,
  labPatchBodySchema,
  labResponseSchema,
  objectIdSchema,
  outcomeCreateBodySchema,
  outcomeListResponseSchema,
  outcomeResponseSchema,
  rsvpBodySchema,
} from '@commons/shared';
import { z } from 'zod';
import { answered, routesFor } from '../http/route.js';
import { actorOfMember } from './policy.js';
import type { LabService } from './service.js';
const byId = z.object({ id: objectIdSchema });
const byAction = z.object({ id: objectIdSchema, actionId: objectIdSchema });
/** The calendar file is text/calendar, not JSON: its body is not checked as JSON. */
const icsFile = z.unknown().meta({ description: 'An iCalendar (RFC 5545) file, served as text/calendar' });

const route = routesFor<{ labs: LabService; publicUrl: string }>('labs');

/** Labs: scheduling, RSVPs, invitations, calendar files, action items and outcomes. */
export const labRoutes = [
  route(
    {
      method: 'get',
      path: '/api/labs',
      summary: 'Upcoming (or past) Action Labs I can see',
      access: 'member',
      query: labListQuerySchema,
      responses: { 200: labListResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { labs }, query, member }) => {
      const actor = actorOfMember(member);
      return { labs: await labs.list(actor, query) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/labs',
      summary: 'Schedule an Action Lab (I become its host; with coalitionId, for a coalition I belong to)',
      access: 'member',
      body: labCreateBodySchema,
      responses: { 201: labResponseSchema },
      errors: [400, 401, 403, 404],
    },
    async ({ deps: { labs }, body, member }) => {
      const actor = actorOfMember(member);
      return { lab: await labs.create(actor, body) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/labs/{id}',
      summary: 'One lab, with my RSVP',
      access: 'member',
      params: byId,
      responses: { 200: labResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { labs }, params, member }) => {
      return { lab: await labs.get(actorOfMember(member), params.id) };
    },
  ),
  route(
    {
      method: 'patch',
      path: '/api/labs/{id}',
      summary: 'Edit or reschedule a lab (facilitators; reminders move with it)',
      access: 'member',
      params: byId,
      body: labPatchBodySchema,
      responses: { 200: labResponseSchema },
      errors: [400, 401, 404, 409],
    },
    async ({ deps: { labs }, params, body, member }) => {
      const actor = actorOfMember(member);
      return { lab: await labs.update(actor, params.id, body) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/labs/{id}/cancel',
      summary: 'Cancel a scheduled lab (facilitators; reminders are removed)',
      access: 'member',
      params: byId,
      responses: { 200: labResponseSchema },
      errors: [401, 404, 409],
    },
    async ({ deps: { labs }, params, member }) => {
      return { lab: await labs.cancel(actorOfMember(member), params.id) };
    },
  ),
  route(
    {
      method: 'put',
      path: '/api/labs/{id}/rsvp',
      summary: 'RSVP going, maybe or no (going joins the waitlist when full)',
      access: 'member',
      params: byId,
      body: rsvpBodySchema,
      responses: { 200: labResponseSchema },
      errors: [400, 401, 404, 409],
    },
    async ({ deps: { labs }, params, body, member }) => {
      const actor = actorOfMember(member);
      const { status } = body;
      return { lab: await labs.rsvp(actor, params.id, status) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/labs/{id}/invitations',
      summary: 'Invite members (facilitators); 403 when a member does not accept invitations from the caller',
      access: 'member',
      params: byId,
      body: inviteBodySchema,
      responses: { 200: inviteResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { labs }, params, body, member }) => {
      const actor = actorOfMember(member);
      return { invitedIds: await labs.invite(actor, params.id, body) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/labs/{id}/calendar.ics',
      summary: 'The lab as an iCalendar file',
      access: 'member',
      params: byId,
      responses: { 200: icsFile },
      errors: [401, 404],
    },
    async ({ deps: { labs, publicUrl }, params, member, res }) => {
      const { filename, ics } = await labs.calendar(
        actorOfMember(member),
        params.id,
        `${publicUrl}/labs/${encodeURIComponent(params.id)}`,
      );
      res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
      res.send(ics);
      return answered;
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/labs/{id}/actions',
      summary: 'Action items of a lab',
      access: 'member',
      params: byId,
      responses: { 200: actionListResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { labs }, params, member }) => {
      return { actions: await labs.listActions(actorOfMember(member), params.id) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/labs/{id}/actions',
      summary:
        'Add an action item (facilitators and participants); its owner takes part in the lab and has not blocked you; 30 an hour',
      access: 'member',
      params: byId,
      body: actionCreateBodySchema,
      responses: { 201: actionResponseSchema },
      errors: [400, 401, 403, 404, 429],
    },
    async ({ deps: { labs }, params, body, member }) => {
      const actor = actorOfMember(member);
      return { action: await labs.createAction(actor, params.id, body) };
    },
  ),
  route(
    {
      method: 'patch',
      path: '/api/labs/{id}/actions/{actionId}',
      summary: 'Edit an action item, also after the lab (handing it to someone counts like adding one)',
      access: 'member',
      params: byAction,
      body: actionPatchBodySchema,
      responses: { 200: actionResponseSchema },
      errors: [400, 401, 403, 404, 429],
    },
    async ({ deps: { labs }, params, body, member }) => {
      const actor = actorOfMember(member);
      const patch = body;
      return { action: await labs.updateAction(actor, params.id, params.actionId, patch) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/labs/{id}/outcomes',
      summary: 'Decisions recorded in a lab (outcomes), with their review dates',
      access: 'member',
      params: byId,
      responses: { 200: outcomeListResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { labs }, params, member }) => {
      return { outcomes: await labs.listOutcomes(actorOfMember(member), params.id) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/labs/{id}/outcomes',
      summary: 'Record a decision as an outcome (facilitators; a review date reminds the members then)',
      access: 'member',
      params: byId,
      body: outcomeCreateBodySchema,
      responses: { 201: outcomeResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { labs }, params, body, member }) => {
      const actor = actorOfMember(member);
      return { outcome: await labs.createOutcome(actor, params.id, body) };
    },
  ),
];
