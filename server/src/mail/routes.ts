import { mailFailureListQuerySchema } from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { parse } from '../http/validate.js';
import type { MailFailureService } from './failures.js';

/** `/api/admin/mail-failures`: administrators see failed mail deliveries (the service checks the role). */
export function mailRoutes(failures: MailFailureService): Router {
  const router = Router();

  router.get('/admin/mail-failures', async (req, res) => {
    const actor = actorOf(currentMember(req));
    const query = parse(mailFailureListQuerySchema, req.query);
    res.json(await failures.list(actor, query.cursor));
  });

  return router;
}
