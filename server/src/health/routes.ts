import { Router } from 'express';
import type { Redis } from 'ioredis';
import { pingDatabase } from '../infra/db.js';

/** Liveness says the process runs; readiness says its store and Redis answer. */
export function healthRoutes(redis: Redis): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [store, cache] = await Promise.all([
      pingDatabase(),
      Promise.race([
        redis.ping().then(
          (r) => r === 'PONG',
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000)),
      ]),
    ]);
    const ready = store && cache;
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { store, redis: cache } });
  });
  return router;
}
