import type { LRUCache } from 'lru-cache';

/**
 * The read under `key`, started once and shared by every caller while the cache keeps it (kept
 * as a promise, so concurrent callers wait for one read). A failed read is not kept: the next
 * caller tries again. `read` must return a real promise: a mongoose query awaited twice runs twice.
 */
export function sharedRead<T>(cache: LRUCache<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let hit = cache.get(key);
  if (!hit) {
    hit = read();
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}
