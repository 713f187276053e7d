import { mailFailureListQuerySchema, mailFailureListResponseSchema } from '@commons/shared';
import { defineOperations } from '../openapi/operation.js';

export const mailOperations = defineOperations([
  {
    method: 'get',
    path: '/api/admin/mail-failures',
    summary:
      'Failed mail deliveries, newest first, 50 a page (`nextCursor`): member, address, kind, error, when, and whether the refusal was permanent (5xx, not retried)',
    tag: 'mail',
    access: 'admin',
    query: mailFailureListQuerySchema,
    responses: { 200: mailFailureListResponseSchema },
    errors: [400, 401, 403],
  },
]);
