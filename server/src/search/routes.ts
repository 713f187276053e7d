import { searchQuerySchema } from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { parse } from '../http/validate.js';
import type { SearchService } from './service.js';

/** `GET /api/search?q=&type=threads|posts&cursor=&limit=` */
export function searchRoutes(search: SearchService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const me = actorOf(currentMember(req));
    res.json(await search.search(me, parse(searchQuerySchema, req.query)));
  });
  return router;
}
