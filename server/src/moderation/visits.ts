import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { ModerationService } from './service.js';

/**
 * Counts days of use for trust levels: one store write per member per UTC day (a Redis marker
 * de-duplicates across processes). Each process remembers the members whose day it has already
 * marked, so their later requests that day ask Redis nothing.
 */
export function trackVisits(redis: Redis, prefix: string, moderation: ModerationService): RequestHandler {
  let today = '';
  let marked = new Set<string>();
  return (req, _res, next) => {
    const user = req.user;
    if (!user) return next();
    const id = user._id.toHexString();
    const day = new Date().toISOString().slice(0, 10);
    if (day !== today) [today, marked] = [day, new Set()];
    if (marked.has(id)) return next();
    redis
      .set(`${prefix}:visit:${id}:${day}`, '1', 'EX', 2 * 86_400, 'NX')
      .then((set) => {
        if (day === today) marked.add(id);
        return set ? moderation.touchVisit(id) : undefined;
      })
      .catch(() => undefined)
      .finally(() => next());
  };
}
