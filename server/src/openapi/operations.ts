import { authOperations } from '../auth/openapi.js';
import { forumOperations } from '../forums/openapi.js';
import { labOperations } from '../labs/openapi.js';
import { eventOperations } from '../events/openapi.js';
import { searchOperations } from '../search/openapi.js';
import { healthOperations } from '../health/openapi.js';
import { memberOperations } from '../members/openapi.js';
import { moderationOperations } from '../moderation/openapi.js';
import { notificationOperations } from '../notifications/openapi.js';
import { directoryOperations } from '../directory/openapi.js';
import { libraryOperations } from '../library/openapi.js';
import { storyOperations } from '../stories/openapi.js';
import { coalitionOperations } from '../coalitions/openapi.js';
import { webhookOperations } from '../webhooks/openapi.js';
import { mailOperations } from '../mail/openapi.js';
import { z } from 'zod';
import { defineOperations, type HttpMethod, type Operation } from './operation.js';

const documentOperations = defineOperations([
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This OpenAPI 3.1 document (an interactive reference is at /api/docs/)',
    tag: 'operations',
    access: 'public',
    responses: { 200: z.object({ openapi: z.string() }).loose() },
  },
  {
    method: 'get',
    path: '/api/socket-events.json',
    summary:
      'The Socket.IO events: commands with their payload and acknowledgement, facts with their payload (page: /api/docs/socket-events)',
    tag: 'operations',
    access: 'public',
    responses: {
      200: z.object({
        title: z.string(),
        description: z.string(),
        events: z.array(
          z.object({
            name: z.string(),
            direction: z.enum(['client-to-server', 'server-to-client']),
            group: z.string().nullable(),
            payload: z.string().nullable(),
            ack: z.string().nullable(),
          }),
        ),
      }),
    },
    errors: [404],
  },
]);

/** Every documented operation of the platform. A new domain adds its list here. */
export const allOperations: Operation[] = [
  ...documentOperations,
  ...healthOperations,
  ...authOperations,
  ...memberOperations,
  ...forumOperations,
  ...moderationOperations,
  ...searchOperations,
  ...notificationOperations,
  ...libraryOperations,
  ...directoryOperations,
  ...storyOperations,
  ...coalitionOperations,
  ...labOperations,
  ...eventOperations,
  ...webhookOperations,
  ...mailOperations,
];

/** Finds the operation serving a concrete request path, e.g. GET /api/members/abc → /api/members/{id}. */
export function findOperation(operations: Operation[], method: string, path: string): Operation | undefined {
  const m = method.toLowerCase() as HttpMethod;
  const clean = path.split('?')[0]!;
  const candidates = operations.filter((op) => op.method === m && templateMatches(op.path, clean));
  // Prefer literal segments over parameters (/api/members/me before /api/members/{id}).
  return candidates.sort((a, b) => paramCount(a.path) - paramCount(b.path))[0];
}

function templateMatches(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((seg, i) => (seg.startsWith('{') ? p[i] !== '' : seg === p[i]));
}

const paramCount = (template: string) => (template.match(/\{/g) ?? []).length;
