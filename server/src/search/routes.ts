import { searchQuerySchema, searchResponseSchema } from '@commons/shared';
import { actorOf } from '../forums/service.js';
import { routesFor } from '../http/route.js';
import type { SearchService } from './service.js';

const route = routesFor<{ search: SearchService }>('search');

export const searchRoutes = [
  route(
    {
      method: 'get',
      path: '/api/search',
      summary: 'Threads or posts holding all the words (the last one as a prefix), ranked, with highlights',
      access: 'member',
      query: searchQuerySchema,
      responses: { 200: searchResponseSchema },
      errors: [400, 401],
    },
    async ({ deps, member, query }) =>
      deps.search.search({ ...actorOf(member), displayName: member.displayName }, query),
  ),
];
