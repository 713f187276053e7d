import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Router } from 'express';
import { AppError } from '../http/errors.js';
import type { Queues } from '../infra/queues.js';
import type { IoServer } from '../realtime/types.js';
import { allOperations, findOperation } from '../openapi/operations.js';
import { metrics } from './registry.js';

/**
 * Times every request under its documented path template (`/api/threads/{id}`), never the raw
 * URL, so label values stay few; anything undocumented (the client's files) is `other`.
 */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const end = metrics.httpDuration.startTimer();
  res.once('finish', () => {
    const route = findOperation(allOperations, req.method, req.originalUrl)?.path ?? 'other';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
};

function tokenMatches(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` in Prometheus text format, for a scraper holding `METRICS_TOKEN`
 * (`Authorization: Bearer <token>`). Without a configured token the endpoint does not exist.
 */
export function metricsRoutes(opts: {
  token: string | undefined;
  io: () => IoServer | undefined;
  queues: Queues;
}): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!opts.token) throw new AppError('not_found', 'No such endpoint.');
    if (!tokenMatches(req.get('authorization'), opts.token))
      throw new AppError('unauthenticated', 'A valid metrics token is required.');
    const io = opts.io();
    if (io) {
      metrics.socketsConnected.set(io.engine.clientsCount);
      metrics.rooms.set(io.of('/').adapter.rooms.size);
    }
    await Promise.all(
      Object.values(opts.queues).map(async (queue) => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ queue: queue.name, state }, n);
      }),
    );
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
