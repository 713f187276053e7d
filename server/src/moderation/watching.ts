import type { Redis } from 'ioredis';
import { readModels } from '../infra/read-models.js';

/*
 * Whether any moderator or admin has a live socket, on any server process: the live queue's
 * pushes (`moderation:item`, each presented with its post, thread and author's standing, about
 * seven store reads) are made only then. Nobody misses one: the queue page reads the store when
 * it opens. A server marks the fact in Redis when a staff socket connects and again every
 * REFRESH_MS while one is connected to it; the mark lapses TTL_SECONDS after the last one left.
 */
const TTL_SECONDS = 60;
const REFRESH_MS = 15_000;

const keyOf = (prefix: string) => `${prefix}:moderation:watched`;
/** This process's refresh timer, by Redis prefix (tests run several platforms in one process). */
const timers = new Map<string, NodeJS.Timeout>();

/** Marks that a staff member is watching (a staff socket connected here). */
export async function markModeratorsWatching(redis: Redis, prefix: string): Promise<void> {
  await redis.set(keyOf(prefix), '1', 'EX', TTL_SECONDS);
}

/**
 * Keeps the mark while `watching()` says this process holds a staff socket: one timer per process,
 * started by the first staff socket, stopped once none is left.
 */
export function keepMarkWhile(redis: Redis, prefix: string, watching: () => boolean): void {
  if (timers.has(prefix)) return;
  const timer = setInterval(() => {
    if (!watching()) {
      clearInterval(timer);
      timers.delete(prefix);
      return;
    }
    markModeratorsWatching(redis, prefix).catch(() => undefined);
  }, REFRESH_MS);
  timer.unref();
  timers.set(prefix, timer);
}
/** Whether a live queue push would reach anyone; true when Redis cannot tell (pushing is then harmless). */
export async function moderatorsWatching(): Promise<boolean> {
  const models = readModels();
  if (!models) return true;
  return (await models.redis.exists(keyOf(models.prefix)).catch(() => 1)) === 1;
}
