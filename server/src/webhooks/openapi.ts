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
import { defineOperations } from '../openapi/operation.js';

const idParams = z.object({ id: objectIdSchema });

/**
 * Deliveries are POSTs of `{id, type, createdAt, data}` with `X-Commons-Event`,
 * `X-Commons-Delivery`, `X-Commons-Timestamp` and `X-Commons-Signature: v1=<hex HMAC-SHA256 of
 * "<timestamp>.<raw body>" keyed with the secret>`. Receivers should compare in constant time and
 * refuse timestamps more than 5 minutes from their clock.
 */
export const webhookOperations = defineOperations([
  {
    method: 'post',
    path: '/api/webhooks',
    summary: 'Register an outgoing webhook (public http(s) receivers only); the signing secret is in this answer only',
    tag: 'webhooks',
    access: 'admin',
    body: webhookCreateBodySchema,
    responses: { 201: webhookCreatedResponseSchema },
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/webhooks',
    summary: 'Every webhook, newest first (secrets are never listed)',
    tag: 'webhooks',
    access: 'admin',
    responses: { 200: webhookListResponseSchema },
    errors: [401],
  },
  {
    method: 'patch',
    path: '/api/webhooks/{id}',
    summary: 'Change the events of a webhook, or turn it off and on (on clears its failure count)',
    tag: 'webhooks',
    access: 'admin',
    params: idParams,
    body: webhookPatchBodySchema,
    responses: { 200: webhookResponseSchema },
    errors: [400, 401, 404],
  },
  {
    method: 'delete',
    path: '/api/webhooks/{id}',
    summary: 'Delete a webhook and its delivery history',
    tag: 'webhooks',
    access: 'admin',
    params: idParams,
    responses: { 204: null },
    errors: [401, 404],
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    summary: 'The last 100 deliveries: status, response code, attempts, last error, times',
    tag: 'webhooks',
    access: 'admin',
    params: idParams,
    responses: { 200: webhookDeliveryListResponseSchema },
    errors: [401, 404],
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/test',
    summary: 'Queue a signed `webhook.test` delivery to an active webhook',
    tag: 'webhooks',
    access: 'admin',
    params: idParams,
    responses: { 202: webhookDeliveryResponseSchema },
    errors: [400, 401, 404, 409],
  },
]);
