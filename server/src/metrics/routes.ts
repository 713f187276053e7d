import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../http/errors.js';
import { answered, routesFor } from '../http/route.js';
import type { Queues } from '../infra/queues.js';
import type { IoServer } from '../realtime/types.js';
import { metrics } from './registry.js';

/**
 * Times every request under its route's path template (`/api/threads/{id}`, set by mountRoutes),
 * never the raw URL, so label values stay few; anything else (the client's files) is `other`.
 */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const end = metrics.httpDuration.startTimer();
  res.once('finish', () => {
    const route = typeof res.locals.routeTemplate === 'string' ? res.locals.routeTemplate : 'other';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
};

function tokenMatches(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface MetricsRouteDeps {
  token: string | undefined;
  io: () => IoServer | undefined;
  queues: Queues;
}

const route = routesFor<MetricsRouteDeps>('operations');

/**
 * `GET /metrics` in Prometheus text format, for a scraper holding `METRICS_TOKEN`
 * (`Authorization: Bearer <token>`). Without a configured token the endpoint does not exist.
 */
export const metricsRoutes = [
  route(
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics (needs `Authorization: Bearer <METRICS_TOKEN>`; absent when no token is set)',
      access: 'public',
      produces: 'text/plain',
      responses: { 200: z.string() },
      errors: [401, 404],
    },
    async ({ deps, req, res }) => {
      if (!deps.token) throw new AppError('not_found', 'No such endpoint.');
      if (!tokenMatches(req.get('authorization'), deps.token))
        throw new AppError('unauthenticated', 'A valid metrics token is required.');
      const io = deps.io();
      if (io) {
        metrics.socketsConnected.set(io.engine.clientsCount);
        metrics.rooms.set(io.of('/').adapter.rooms.size);
      }
      await Promise.all(
        Object.values(deps.queues).map(async (queue) => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
          for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ queue: queue.name, state }, n);
        }),
      );
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      return answered;
    },
  ),
];
