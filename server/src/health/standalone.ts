import type { Server } from 'node:http';
import express from 'express';
import type { Redis } from 'ioredis';
import { errorHandler } from '../http/errors.js';
import { bind, mountRoutes } from '../http/route.js';
import type { Logger } from '../infra/log.js';
import type { Queues } from '../infra/queues.js';
import { metricsRoutes } from '../metrics/routes.js';
import { healthRoutes } from './routes.js';

/**
 * /healthz and /readyz for a process without the API (the standalone workers), with the same
 * checks as the server's, so an orchestrator restarts a workers process that hangs and holds
 * back one whose store or Redis is gone. With `METRICS_TOKEN` set it serves `/metrics` too, as the
 * server does: the workers' memory, event-loop lag and job times are otherwise out of sight.
 */
export function startHealthListener(
  redis: Redis,
  port: number,
  metrics?: { token: string | undefined; queues: Queues; log: Logger },
): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  const router = express.Router();
  // The health routes spend no rate-limit budget, so no limiter is ever asked for.
  const routes = [
    ...bind(healthRoutes, { redis }),
    ...(metrics?.token
      ? bind(metricsRoutes, { token: metrics.token, io: () => undefined, queues: metrics.queues })
      : []),
  ];
  mountRoutes(router, routes, {
    base: '',
    limiter: (rule) => {
      throw new Error(`No limiter on the health listener (asked for ${rule.name}).`);
    },
  });
  app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'Only /healthz, /readyz and /metrics answer here.' } });
  });
  // A refused metrics token is a 401 in the API's error shape, not Express's page.
  if (metrics) app.use(errorHandler(metrics.log));
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '0.0.0.0', () => resolve(server));
    server.once('error', reject);
  });
}
