import type { Redis } from 'ioredis';
import { z } from 'zod';
import { reply, routesFor } from '../http/route.js';
import { pingDatabase } from '../infra/db.js';

/** Readiness answers within this, however the dependencies behave (probes time out at 1 s). */
const READY_CHECK_MS = 900;

const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ store: z.boolean(), redis: z.boolean() }),
});

const route = routesFor<{ redis: Redis }>('operations');

/** Liveness says the process runs; readiness says its store and Redis answer, and which does not. */
export const healthRoutes = [
  route(
    {
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process runs',
      access: 'public',
      responses: { 200: z.object({ status: z.literal('ok') }) },
    },
    () => ({ status: 'ok' }),
  ),
  route(
    {
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: the store and Redis answer (else 503)',
      access: 'public',
      responses: { 200: readiness, 503: readiness },
    },
    async ({ deps, res }) => {
      const [store, cache] = await Promise.all([pingDatabase(READY_CHECK_MS), pingRedis(deps.redis)]);
      const ready = store && cache;
      if (!ready) res.setHeader('Retry-After', '5');
      return reply(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks: { store, redis: cache } });
    },
  ),
];

function pingRedis(redis: Redis): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    redis.ping().then(
      (r) => r === 'PONG',
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_CHECK_MS))),
  ]).finally(() => clearTimeout(timer));
}
