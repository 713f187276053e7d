import { z } from 'zod';
import { defineOperations } from '../openapi/operation.js';

const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ store: z.boolean(), redis: z.boolean() }),
});

export const healthOperations = defineOperations([
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process runs',
    tag: 'operations',
    access: 'public',
    responses: { 200: z.object({ status: z.literal('ok') }) },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the store and Redis answer (else 503)',
    tag: 'operations',
    access: 'public',
    responses: { 200: readiness, 503: readiness },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (needs `Authorization: Bearer <METRICS_TOKEN>`; absent when no token is set)',
    tag: 'operations',
    access: 'public',
    produces: 'text/plain',
    responses: { 200: z.string() },
    errors: [401, 404],
  },
]);
