import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type Express, type RequestHandler } from 'express';
import passport from 'passport';
import { currentMember } from '../auth/routes.js';
import { AppError } from '../http/errors.js';
import type { Queues } from '../infra/queues.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Only signed-in administrators see the queues; others get the API's JSON error. */
const requireAdmin: RequestHandler = (req, _res, next) => {
  const member = currentMember(req);
  if (member.role !== 'admin') return next(new AppError('forbidden', 'Only administrators can see the job queues.'));
  next();
};

/**
 * The bull-board dashboard of every queue, mounted at /admin/queues behind the same session
 * and passport middleware as /api (plus the same CSRF check for its retry/clean/pause actions).
 * Its page loads only same-origin scripts (its config is a JSON data block), so the global CSP
 * applies unchanged; only its optional Google Fonts stylesheet is refused, falling back to
 * system fonts.
 */
export function queueDashboard(deps: {
  queues: Queues;
  sessionMiddleware: RequestHandler;
  sameOrigin: RequestHandler;
}): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(deps.queues).map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Commons queues' } },
  });
  const board = serverAdapter.getRouter() as Express;
  board.disable('x-powered-by');
  const router = Router();
  router.use(deps.sameOrigin, deps.sessionMiddleware, passport.session(), requireAdmin, (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(board);
  return router;
}
