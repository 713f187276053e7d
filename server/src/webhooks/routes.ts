import {
  objectIdSchema,
  webhookCreateBodySchema,
  webhookCreatedResponseSchema,
  webhookDeliveryListResponseSchema,
  webhookDeliveryResponseSchema,
  webhookListResponseSchema,
  webhookPatchBodySchema,
  webhookResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import { routesFor } from '../http/route.js';
import { actorOf } from '../forums/service.js';
import type { WebhookService } from './service.js';
const idParams = z.object({ id: objectIdSchema });

/**
 * Deliveries are POSTs of `{id, type, createdAt, data}` with `X-Commons-Event`,
 * `X-Commons-Delivery`, `X-Commons-Timestamp` and `X-Commons-Signature: v1=<hex HMAC-SHA256 of
 * "<timestamp>.<raw body>" keyed with the secret>`. Receivers should compare in constant time and
 * refuse timestamps more than 5 minutes from their clock.
 */

const route = routesFor<{ webhooks: WebhookService }>('webhooks');

/** Outgoing webhooks for administrators: register, list, change, delete, deliveries, test. */
export const webhookRoutes = [
  route(
    {
      method: 'post',
      path: '/api/webhooks',
      summary:
        'Register an outgoing webhook (public http(s) receivers only); the signing secret is in this answer only',
      access: 'admin',
      body: webhookCreateBodySchema,
      responses: { 201: webhookCreatedResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { webhooks }, body, member }) => {
      const actor = actorOf(member);
      return await webhooks.create(actor, body);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/webhooks',
      summary: 'Every webhook, newest first (secrets are never listed)',
      access: 'admin',
      responses: { 200: webhookListResponseSchema },
      errors: [401],
    },
    async ({ deps: { webhooks }, member }) => {
      return { webhooks: await webhooks.list(actorOf(member)) };
    },
  ),
  route(
    {
      method: 'patch',
      path: '/api/webhooks/{id}',
      summary: 'Change the events of a webhook, or turn it off and on (on clears its failure count)',
      access: 'admin',
      params: idParams,
      body: webhookPatchBodySchema,
      responses: { 200: webhookResponseSchema },
      errors: [400, 401, 404],
    },
    async ({ deps: { webhooks }, params, body, member }) => {
      const actor = actorOf(member);
      const webhook = await webhooks.update(actor, params.id, body);
      return { webhook };
    },
  ),
  route(
    {
      method: 'delete',
      path: '/api/webhooks/{id}',
      summary: 'Delete a webhook and its delivery history',
      access: 'admin',
      params: idParams,
      responses: { 204: null },
      errors: [401, 404],
    },
    async ({ deps: { webhooks }, params, member }) => {
      await webhooks.remove(actorOf(member), params.id);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/webhooks/{id}/deliveries',
      summary: 'The last 100 deliveries: status, response code, attempts, last error, times',
      access: 'admin',
      params: idParams,
      responses: { 200: webhookDeliveryListResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { webhooks }, params, member }) => {
      return { deliveries: await webhooks.deliveries(actorOf(member), params.id) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/webhooks/{id}/test',
      summary: 'Queue a signed `webhook.test` delivery to an active webhook',
      access: 'admin',
      params: idParams,
      responses: { 202: webhookDeliveryResponseSchema },
      errors: [400, 401, 404, 409],
    },
    async ({ deps: { webhooks }, params, member }) => {
      return { delivery: await webhooks.test(actorOf(member), params.id) };
    },
  ),
];
