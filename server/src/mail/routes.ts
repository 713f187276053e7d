import { mailFailureListQuerySchema, mailFailureListResponseSchema } from '@commons/shared';
import { actorOf } from '../forums/service.js';
import { routesFor } from '../http/route.js';
import type { MailFailureService } from './failures.js';

const route = routesFor<{ failures: MailFailureService }>('mail');

/** `/api/admin/mail-failures`: administrators see failed mail deliveries. */
export const mailRoutes = [
  route(
    {
      method: 'get',
      path: '/api/admin/mail-failures',
      summary:
        'Failed mail deliveries, newest first, 50 a page (`nextCursor`): member, address, kind, error, when, and whether the refusal was permanent (5xx, not retried)',
      access: 'admin',
      query: mailFailureListQuerySchema,
      responses: { 200: mailFailureListResponseSchema },
      errors: [400, 401, 403],
    },
    async ({ deps, member, query }) => deps.failures.list(actorOf(member), query.cursor),
  ),
];
