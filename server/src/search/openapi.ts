import { searchQuerySchema, searchResponseSchema } from '@commons/shared';
import { defineOperations } from '../openapi/operation.js';

export const searchOperations = defineOperations([
  {
    method: 'get',
    path: '/api/search',
    summary: 'Threads or posts holding all the words (the last one as a prefix), ranked, with highlights',
    tag: 'search',
    access: 'member',
    query: searchQuerySchema,
    responses: { 200: searchResponseSchema },
    errors: [400, 401],
  },
]);
