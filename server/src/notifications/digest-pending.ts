import { createHash } from 'node:crypto';
import { pendingDigestEntrySchema, type PendingDigestEntry } from '@commons/shared';
import type { Redis } from 'ioredis';

/**
 * Each member's pending digest, kept in Redis and filled when things happen: the fan-out of a
 * post and a notice append one compact entry per recipient, and a digest reads one member's
 * entries, sends, and removes exactly the entries it read. Why Redis rather than a store document
 * per member (see README "Digests"): an append is one sorted-set command that costs the store
 * nothing (the store is the platform's bottleneck, and the fan-out of one post to 10,000 watchers
 * would otherwise be 10,000 document rewrites), the same entry appended twice by a retried job is
 * one entry (set semantics), and a batch of 100 members is read in one round trip.
 *
 * Keys (under the deployment's prefix):
 * - `digest:pending:<memberId>`: sorted set; score = when the entry was appended (ms), member =
 *   the entry's JSON. At most MAX_ENTRIES (the latest), expiring WINDOW + 5 days after the last append.
 * - `digest:told:<memberId>`: set of short hashes of entries a digest consumed in the last
 *   days, so a fan-out retried after the digest went out does not put them back.
 * - `digest:window-end`: hash memberId → end (ms) of the last digest's window (hub sections).
 * - `digest:progress:<period>`: hash memberId → `sending` | `sent` while a batch sends (exactly once
 *   across a crash: see digest.ts).
 */

/** How far back a digest looks at most (a long-absent member's last digest covers this much). */
export const DIGEST_WINDOW_MS = 30 * 24 * 3_600_000;
export const MAX_PENDING_ENTRIES = 300;
const PENDING_TTL_MS = DIGEST_WINDOW_MS + 5 * 24 * 3_600_000;
const PROGRESS_TTL_MS = 9 * 24 * 3_600_000;
/** Longer than any retry of a fan-out or notice job. */
const TOLD_TTL_MS = 3 * 24 * 3_600_000;

// Appends unless a digest already told this entry; keeps the latest MAX entries.
const APPEND = `
if redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 1 then return 0 end
redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[4]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

const toldId = (raw: string) => createHash('sha1').update(raw).digest('base64').slice(0, 12);

export interface PendingItem {
  /** The stored form, removed as it is (ZREM) once consumed. */
  raw: string;
  /** null: an entry of an unknown shape (written by another version), dropped with the rest. */
  entry: PendingDigestEntry | null;
}

export interface PendingDigests {
  /** Appends entries (one per recipient); appending the same entry again changes nothing. */
  append(items: { memberId: string; entry: PendingDigestEntry }[]): Promise<void>;
  /** The pending entries and the last window's end of each member, in one round trip. */
  read(memberIds: string[]): Promise<{ entries: Map<string, PendingItem[]>; windowEnds: Map<string, number> }>;
  /** `sending` / `sent` marks of a period for these members. */
  progress(period: string, memberIds: string[]): Promise<Map<string, string>>;
  markSending(period: string, memberId: string): Promise<void>;
  clearSending(period: string, memberId: string): Promise<void>;
  /** Atomically: the member's digest of `period` went out; its entries are consumed; its window ends at `windowEnd`. */
  markSent(period: string, memberId: string, consumed: string[], windowEnd: number): Promise<void>;
  /** Skipped members: drop the entries they saw or that were empty of anything to say, and close the window. */
  settle(items: { memberId: string; consumed: string[]; windowEnd: number }[]): Promise<void>;
}

export function createPendingDigests(redis: Redis, prefix: string): PendingDigests {
  if (!('digestAppend' in redis)) redis.defineCommand('digestAppend', { numberOfKeys: 2, lua: APPEND });
  const pendingKey = (memberId: string) => `${prefix}:digest:pending:${memberId}`;
  const toldKey = (memberId: string) => `${prefix}:digest:told:${memberId}`;
  const windowKey = `${prefix}:digest:window-end`;
  const tell = (tx: ReturnType<Redis['pipeline']>, memberId: string, consumed: string[]) => {
    if (consumed.length === 0) return;
    tx.zrem(pendingKey(memberId), ...consumed);
    tx.sadd(toldKey(memberId), ...consumed.map(toldId));
    tx.pexpire(toldKey(memberId), TOLD_TTL_MS);
  };
  const progressKey = (period: string) => `${prefix}:digest:progress:${period}`;

  return {
    async append(items) {
      if (items.length === 0) return;
      const now = Date.now();
      // A defined command goes as EVALSHA: the script is not resent for every recipient.
      const pipe = redis.pipeline() as ReturnType<Redis['pipeline']> & {
        digestAppend(...args: (string | number)[]): unknown;
      };
      for (const { memberId, entry } of items) {
        const raw = JSON.stringify(entry);
        pipe.digestAppend(
          pendingKey(memberId),
          toldKey(memberId),
          now,
          raw,
          toldId(raw),
          MAX_PENDING_ENTRIES,
          PENDING_TTL_MS,
        );
      }
      const results = await pipe.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    },

    async read(memberIds) {
      const pipe = redis.pipeline();
      for (const id of memberIds) pipe.zrange(pendingKey(id), 0, -1);
      pipe.hmget(windowKey, ...(memberIds.length ? memberIds : ['-']));
      const results = (await pipe.exec()) ?? [];
      const entries = new Map<string, PendingItem[]>();
      memberIds.forEach((id, i) => {
        const [err, raws] = results[i] ?? [null, []];
        if (err) throw err;
        const items: PendingItem[] = [];
        for (const raw of raws as string[]) {
          const parsed = pendingDigestEntrySchema.safeParse(safeJson(raw));
          items.push({ raw, entry: parsed.success ? parsed.data : null });
        }
        entries.set(id, items);
      });
      const [err, ends] = results[memberIds.length] ?? [null, []];
      if (err) throw err;
      const windowEnds = new Map<string, number>();
      (ends as (string | null)[]).forEach((v, i) => {
        if (v !== null && memberIds[i]) windowEnds.set(memberIds[i], Number(v));
      });
      return { entries, windowEnds };
    },

    async progress(period, memberIds) {
      if (memberIds.length === 0) return new Map();
      const values = await redis.hmget(progressKey(period), ...memberIds);
      const out = new Map<string, string>();
      values.forEach((v, i) => {
        if (v !== null) out.set(memberIds[i]!, v);
      });
      return out;
    },

    async markSending(period, memberId) {
      await redis
        .multi()
        .hset(progressKey(period), memberId, 'sending')
        .pexpire(progressKey(period), PROGRESS_TTL_MS)
        .exec();
    },

    async clearSending(period, memberId) {
      await redis.hdel(progressKey(period), memberId);
    },

    async markSent(period, memberId, consumed, windowEnd) {
      const tx = redis.multi().hset(progressKey(period), memberId, 'sent').hset(windowKey, memberId, String(windowEnd));
      tell(tx, memberId, consumed);
      const results = await tx.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    },

    async settle(items) {
      if (items.length === 0) return;
      const pipe = redis.pipeline();
      for (const { memberId, consumed, windowEnd } of items) {
        tell(pipe, memberId, consumed);
        pipe.hset(windowKey, memberId, String(windowEnd));
      }
      await pipe.exec();
    },
  };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
