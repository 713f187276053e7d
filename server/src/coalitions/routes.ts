import {
  coalitionCreateBodySchema,
  coalitionDetailResponseSchema,
  coalitionListQuerySchema,
  coalitionListResponseSchema,
  coalitionPatchBodySchema,
  coalitionRequestDecisionSchema,
  objectIdSchema,
} from '@commons/shared';
import { z } from 'zod';
import { routesFor } from '../http/route.js';
import { actorOf } from '../forums/service.js';
import type { CoalitionService } from './service.js';
const idParams = z.object({ id: objectIdSchema });

const route = routesFor<{ coalitions: CoalitionService }>('coalitions');

/** Coalitions: list, create, edit, delete, join, leave, and answering join requests. */
export const coalitionRoutes = [
  route(
    {
      method: 'get',
      path: '/api/coalitions',
      summary: 'Coalitions by name (or only mine)',
      access: 'member',
      query: coalitionListQuerySchema,
      responses: { 200: coalitionListResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { coalitions }, query, member }) => {
      const actor = actorOf(member);
      return await coalitions.list(actor, query);
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/coalitions',
      summary: 'Create a coalition (open, or joined by request); I become its admin',
      access: 'member',
      body: coalitionCreateBodySchema,
      responses: { 201: coalitionDetailResponseSchema },
      errors: [400, 401, 409],
    },
    async ({ deps: { coalitions }, body, member }) => {
      const actor = actorOf(member);
      return await coalitions.create(actor, body);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/coalitions/{id}',
      summary: 'A coalition with its members (and, for its admins, requests to join)',
      access: 'member',
      params: idParams,
      responses: { 200: coalitionDetailResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { coalitions }, params, member }) => {
      return await coalitions.get(actorOf(member), params.id);
    },
  ),
  route(
    {
      method: 'patch',
      path: '/api/coalitions/{id}',
      summary:
        'Change a coalition (its admins, or site administrators); making it private drops outsiders’ subscriptions',
      access: 'member',
      params: idParams,
      body: coalitionPatchBodySchema,
      responses: { 200: coalitionDetailResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { coalitions }, params, body, member }) => {
      const actor = actorOf(member);
      return await coalitions.update(actor, params.id, body);
    },
  ),
  route(
    {
      method: 'delete',
      path: '/api/coalitions/{id}',
      summary: 'Delete a coalition (site administrators); its categories are archived',
      access: 'member',
      params: idParams,
      responses: { 204: null },
      errors: [401, 403, 404],
    },
    async ({ deps: { coalitions }, params, member }) => {
      await coalitions.remove(actorOf(member), params.id);
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/coalitions/{id}/membership',
      summary: 'Join an open coalition, or ask to join one by request',
      access: 'member',
      params: idParams,
      responses: { 200: coalitionDetailResponseSchema },
      errors: [401, 404, 409],
    },
    async ({ deps: { coalitions }, params, member }) => {
      return await coalitions.join(actorOf(member), params.id);
    },
  ),
  route(
    {
      method: 'delete',
      path: '/api/coalitions/{id}/membership',
      summary: 'Leave a coalition, or withdraw my request',
      access: 'member',
      params: idParams,
      responses: { 200: coalitionDetailResponseSchema },
      errors: [401, 404, 409],
    },
    async ({ deps: { coalitions }, params, member }) => {
      return await coalitions.leave(actorOf(member), params.id);
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/coalitions/{id}/requests/{memberId}',
      summary: 'Approve or decline a request to join (coalition admins)',
      access: 'member',
      params: z.object({ id: objectIdSchema, memberId: objectIdSchema }),
      body: coalitionRequestDecisionSchema,
      responses: { 200: coalitionDetailResponseSchema },
      errors: [400, 401, 403, 404],
    },
    async ({ deps: { coalitions }, params, body, member }) => {
      const actor = actorOf(member);
      const memberId = params.memberId;
      return await coalitions.decide(actor, params.id, memberId, body);
    },
  ),
];
