import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { COMMAND_TIMED_OUT } from '../redis.js';
import { storeKind } from './kind.js';

/*
 * A document's sequence and counters (a thread's lastSeq, postCount, lastActivityAt), taken
 * without a lock to wait on. FerretDB 1.24 rewrites a whole document on any update and applies
 * concurrent `$inc`s to one document non-atomically, so the numbers are taken in Redis (one
 * script: atomic on every engine) and the store is written by one writer at a time. Nobody queues
 * for that writer: whoever finds it busy leaves their change in Redis and the writer, before it
 * lets go, writes again with everything recorded meanwhile, so a change waits for at most the
 * one write that carries it (then its caller reads what it wrote). The writer holds the same key
 * as the document's other writers (mutex.ts redisSerialLock), so no update of another field
 * undoes the counters, nor they it.
 *
 * The count is written as what changed since the last write (`$inc`), so writers that count in
 * the store itself (a process while Redis refuses writes) add up with this one. Each write
 * leaves a mark on the document; a writer that died between its write and telling Redis is
 * found out by the next (`inflight` still set): the mark on the document says whether its write
 * landed, so no change is counted twice or lost. The sequence is the highest number taken
 * (`$max`); should Redis have lost it, the hash is seeded again from the document and a number
 * found used in the store is lifted past (`lift`): the unique index stays the arbiter.
 *
 * Per document, a hash kept a week past its last use: `seq` the last number taken, `done` the
 * highest whose document was saved, `counted` changes of the count so far, `written` those
 * written, `base` the store's count minus `written` (as last seen), `at`/`by` the latest
 * activity, `closed` (a locked thread: writers without the right to bypass are refused), `gen`
 * the changes so far and `flushed` the last written, `inflight`/`inflightCounted`/`mark` the
 * write under way. Beside it, for a minute, one key per change recorded (its number), so a
 * change asked again after a timeout is recorded once.
 */

const KEEP_SECONDS = 7 * 86_400;
const HOLD_MS = 10_000;
/** A change waits this long at most for its write; past it, the next change or `settle` writes it. */
const WAIT_MS = 2_000;
/** A writer lets go after this many rounds, so the document's other writers are not kept waiting. */
const MAX_ROUNDS = 4;
/** How long a change's key says it was recorded: far longer than its caller asks again. */
const CHANGE_KEY_SECONDS = 60;
/** Pauses before asking Redis again to record a change it did not answer (a command timeout). */
const CHANGE_RETRY_MS = [100, 400];

/** The next number; -1 when not seeded, -2 when closed to this writer. */
const TAKE = `if redis.call('HEXISTS', KEYS[1], 'seq') == 0 then return -1 end
if ARGV[1] == '0' and redis.call('HGET', KEYS[1], 'closed') == '1' then return -2 end
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n`;

const SEED = `redis.call('HSETNX', KEYS[1], 'seq', ARGV[1])
redis.call('HSETNX', KEYS[1], 'done', ARGV[1])
redis.call('HSETNX', KEYS[1], 'closed', ARGV[2])
for _, f in ipairs({'counted', 'written', 'at', 'gen', 'flushed', 'inflight', 'inflightCounted'}) do
  redis.call('HSETNX', KEYS[1], f, '0')
end
redis.call('HSETNX', KEYS[1], 'by', '')
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

/** Lifts `seq` (and `done`) to at least ARGV[1]. */
const LIFT = `if redis.call('HEXISTS', KEYS[1], 'seq') == 0 then return 0 end
local top = tonumber(ARGV[1])
if tonumber(redis.call('HGET', KEYS[1], 'seq')) < top then redis.call('HSET', KEYS[1], 'seq', top) end
if tonumber(redis.call('HGET', KEYS[1], 'done')) < top then redis.call('HSET', KEYS[1], 'done', top) end
return 1`;

/**
 * Records a change (ARGV: count delta, saved number or 0, time in ms or 0, who) once per change
 * key (KEYS[3]: a call retried after a timeout that did land records nothing more) and tries to
 * become the writer (KEYS[2], token ARGV[5]). Answers {1: we write, 0: someone holds the key,
 * -1: not seeded (nothing recorded); the change's number; the count after it, or -1 unknown}.
 */
const CHANGE = `if redis.call('HEXISTS', KEYS[1], 'seq') == 0 then return {-1, 0, -1} end
local gen = redis.call('GET', KEYS[3])
local counted
if gen then
  gen = tonumber(gen)
  counted = tonumber(redis.call('HGET', KEYS[1], 'counted'))
else
  counted = redis.call('HINCRBY', KEYS[1], 'counted', ARGV[1])
  local n = tonumber(ARGV[2])
  if n > 0 and tonumber(redis.call('HGET', KEYS[1], 'done')) < n then redis.call('HSET', KEYS[1], 'done', n) end
  if ARGV[3] ~= '0' and tonumber(ARGV[3]) >= tonumber(redis.call('HGET', KEYS[1], 'at')) then
    redis.call('HSET', KEYS[1], 'at', ARGV[3], 'by', ARGV[4])
  end
  gen = redis.call('HINCRBY', KEYS[1], 'gen', 1)
  redis.call('SET', KEYS[3], gen, 'EX', ARGV[8])
end
redis.call('EXPIRE', KEYS[1], ARGV[7])
local base = redis.call('HGET', KEYS[1], 'base')
local count = -1
if base then count = tonumber(base) + counted end
-- Asked again: the first asking may have taken the writer's key with this token.
if redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[6], 'NX') or redis.call('GET', KEYS[2]) == ARGV[5] then
  return {1, gen, count}
end
return {0, gen, count}`;

/** 0: change ARGV[3] (0: the latest) is written; 1: we took the writer's key; -1: someone holds it. */
const CLAIM = `if redis.call('HEXISTS', KEYS[1], 'seq') == 0 then return 0 end
local upto = tonumber(ARGV[3])
if upto == 0 then upto = tonumber(redis.call('HGET', KEYS[1], 'gen')) end
if tonumber(redis.call('HGET', KEYS[1], 'flushed')) >= upto then return 0 end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
return -1`;

/**
 * The holder (ARGV[1]) starts a write marked ARGV[2]: {1, gen, count delta, done, at, by}; or
 * {-2, mark} when a writer died during its write (recover first); {-1} when the key was lost.
 */
const BEGIN = `if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {-1} end
if redis.call('HGET', KEYS[1], 'inflight') ~= '0' then return {-2, redis.call('HGET', KEYS[1], 'mark')} end
local gen = redis.call('HGET', KEYS[1], 'gen')
local counted = redis.call('HGET', KEYS[1], 'counted')
redis.call('HSET', KEYS[1], 'inflight', gen, 'inflightCounted', counted, 'mark', ARGV[2])
return {1, gen, tonumber(counted) - tonumber(redis.call('HGET', KEYS[1], 'written')),
  redis.call('HGET', KEYS[1], 'done'), redis.call('HGET', KEYS[1], 'at'), redis.call('HGET', KEYS[1], 'by')}`;

/**
 * After the write of change ARGV[2] (the store's count then: ARGV[4], or '' unknown): lets go (0)
 * when no change came meanwhile, else keeps the key (1: write again). -1: the key was lost.
 */
const RELEASE = `if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
local written = redis.call('HGET', KEYS[1], 'inflightCounted')
redis.call('HSET', KEYS[1], 'written', written, 'inflight', '0', 'flushed', ARGV[2])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'base', tonumber(ARGV[4]) - tonumber(written)) end
if redis.call('HGET', KEYS[1], 'gen') == ARGV[2] then
  redis.call('DEL', KEYS[2])
  return 0
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

/** A write whose writer died: ARGV[2] '1' when it landed (its changes are written), '0' when not. */
const RECOVER = `if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'written', redis.call('HGET', KEYS[1], 'inflightCounted')) end
redis.call('HSET', KEYS[1], 'inflight', '0')
return 1`;

const LET_GO = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Whether the store numbers and counts a document by itself: MongoDB applies concurrent `$inc`s to
 * one document atomically, so one `findOneAndUpdate` with `returnDocument: 'after'` takes the next
 * number, counts and checks the document's state at once, with no writer key and no tally.
 */
export function countsInStore(): boolean {
  return storeKind() === 'mongodb';
}

/** What one write tells the store. */
export interface TallyWrite {
  /** Add to the count (what changed since the last write). */
  countDelta: number;
  /** The highest number whose document was saved (`$max`). */
  lastSeq: number;
  /** The latest activity and who made it (null: none recorded since seeding). */
  lastActivity: { at: Date; by: string } | null;
  /** Left on the document with the write (see `markOf`). */
  mark: string;
}

/** The store's view when Redis has none. */
export interface TallySeed {
  seq: number;
  closed: boolean;
}

export interface Tallies {
  /** The next number, or 'closed' (a writer without the right to bypass, on a closed document). */
  take(id: string, opts: { seed: TallySeed; bypassClosed: boolean }): Promise<number | 'closed'>;
  /** Lifts the sequence past `top` (a number found used in the store: Redis lost what it had). */
  lift(id: string, top: number): Promise<void>;
  /**
   * Counts a saved document numbered `seq` (count +1) and returns once the store has it (written
   * here or by the writer at work; at most WAIT_MS), with the count after it when known (null).
   * 'unkept': Redis lost the document's tally since `take`; the caller counts in the store itself.
   */
  counted(id: string, entry: { seq: number; at: Date; by: string }): Promise<{ count: number | null } | 'unkept'>;
  /** Counts one down (a soft delete). false: Redis keeps nothing for `id`, the caller writes the store itself. */
  uncounted(id: string): Promise<boolean>;
  /** Writes whatever is recorded and not yet written (a follow-up step, after a writer died). */
  settle(id: string): Promise<void>;
  /** Opens or closes the document to writers without the right to bypass. */
  setClosed(id: string, closed: boolean): Promise<void>;
}

export interface TallyOptions {
  /** Keys are `<prefix>:tally:<name>:<id>`; the writer's key is `<prefix>:serial:<lockKey(id)>`. */
  prefix: string;
  name: string;
  lockKey: (id: string) => string;
  /** Writes to the store; answers the document's count after the write when it has it. */
  write: (id: string, w: TallyWrite) => Promise<number | null>;
  /** The mark the document carries (the last write's). */
  markOf: (id: string) => Promise<string | null>;
  /** A write that failed is left in Redis for the next writer; this is told. */
  onWriteFailed?: (id: string, err: unknown) => void;
}

export function redisTallies(redis: Redis, opts: TallyOptions): Tallies {
  const hashOf = (id: string) => `${opts.prefix}:tally:${opts.name}:${id}`;
  const lockOf = (id: string) => `${opts.prefix}:serial:${opts.lockKey(id)}`;
  const newToken = () => 'tally:' + randomBytes(9).toString('hex');
  const keys = (id: string) => [hashOf(id), lockOf(id)] as const;

  /** One write: 'again' (changes came meanwhile, the key is still ours), 'done', or 'failed'. */
  async function writeOnce(id: string, token: string): Promise<'again' | 'done' | 'failed'> {
    const mark = randomBytes(9).toString('hex');
    const begun = (await redis.eval(BEGIN, 2, ...keys(id), token, mark)) as Array<string | number>;
    if (Number(begun[0]) === -1) return 'failed';
    if (Number(begun[0]) === -2) {
      // A writer died during its write: whether it landed, the document's mark says.
      const landed = (await opts.markOf(id)) === String(begun[1]);
      await redis.eval(RECOVER, 2, ...keys(id), token, landed ? '1' : '0');
      return 'again';
    }
    const [, gen, delta, done, at, by] = begun.map(String) as [string, string, string, string, string, string];
    let count: number | null;
    try {
      count = await opts.write(id, {
        countDelta: Number(delta),
        lastSeq: Number(done),
        lastActivity: Number(at) > 0 && by ? { at: new Date(Number(at)), by } : null,
        mark,
      });
    } catch (err) {
      // Whether it landed is unknown: the write stays in flight for the next writer to check.
      await redis.eval(LET_GO, 1, lockOf(id), token).catch(() => undefined);
      opts.onWriteFailed?.(id, err);
      return 'failed';
    }
    const again = Number(await redis.eval(RELEASE, 2, ...keys(id), token, gen, HOLD_MS, count ?? ''));
    return again === 1 ? 'again' : again === 0 ? 'done' : 'failed';
  }

  /** Writes until no change is left (a few rounds at most), holding the writer's key; false: a write failed. */
  async function writeAll(id: string, token: string): Promise<boolean> {
    for (let round = 1; ; round++) {
      const out = await writeOnce(id, token);
      if (out !== 'again') return out === 'done';
      if (round >= MAX_ROUNDS) {
        await redis.eval(LET_GO, 1, lockOf(id), token);
        return true;
      }
    }
  }

  /**
   * Returns once change `upto` (0: the latest) is in the store: written by the writer at work, or
   * by us when the key is free and it is not (a writer that let go or died, another kind of
   * writer done). Waits a store write at most, not a queue of writers.
   */
  async function ensureWritten(id: string, upto: number): Promise<void> {
    const token = newToken();
    const giveUpAt = Date.now() + WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const claimed = Number(await redis.eval(CLAIM, 2, ...keys(id), token, HOLD_MS, upto));
      if (claimed === 0) return;
      if (claimed === 1) {
        if (!(await writeAll(id, token))) return;
      } else if (Date.now() > giveUpAt) return;
      else await new Promise((r) => setTimeout(r, Math.min(20, 1 + attempt * 2) * (0.5 + Math.random())));
    }
  }

  /**
   * Records a change, asked again when Redis does not answer: a command that timed out may have
   * run, and a caller that then counted in the store as well counted twice. The change's key
   * makes the second asking a no-op when the first landed.
   */
  async function record(id: string, token: string, args: Array<string | number>): Promise<number[]> {
    const changeKey = `${hashOf(id)}:change:${randomBytes(9).toString('hex')}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const out = (await redis.eval(
          CHANGE,
          3,
          ...keys(id),
          changeKey,
          ...args,
          token,
          HOLD_MS,
          KEEP_SECONDS,
          CHANGE_KEY_SECONDS,
        )) as number[];
        return out.map(Number);
      } catch (err) {
        // Only a command that timed out may have run; one refused before it was sent did not.
        const pause = CHANGE_RETRY_MS[attempt];
        if (pause === undefined || !(err instanceof Error) || err.message !== COMMAND_TIMED_OUT) throw err;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  async function change(id: string, delta: number, entry: { seq: number; at: Date; by: string } | null) {
    const token = newToken();
    const [outcome, gen, count] = (await record(id, token, [
      delta,
      entry?.seq ?? 0,
      entry?.at.getTime() ?? 0,
      entry?.by ?? '',
    ])) as [number, number, number];
    // Recorded: whatever fails from here on is written by the next change or `settle`.
    try {
      if (outcome === 1) await writeAll(id, token);
      if (outcome !== -1) await ensureWritten(id, gen);
    } catch (err) {
      opts.onWriteFailed?.(id, err);
    }
    return { kept: outcome !== -1, count: count >= 0 ? count : null };
  }

  return {
    async take(id, { seed, bypassClosed }) {
      for (let round = 0; round < 2; round++) {
        const n = Number(await redis.eval(TAKE, 1, hashOf(id), bypassClosed ? 1 : 0, KEEP_SECONDS));
        if (n === -2) return 'closed';
        if (n > 0) return n;
        await redis.eval(SEED, 1, hashOf(id), seed.seq, seed.closed ? 1 : 0, KEEP_SECONDS);
      }
      throw new Error(`the sequence of ${opts.name} ${id} could not be seeded`);
    },

    async lift(id, top) {
      await redis.eval(LIFT, 1, hashOf(id), top);
    },

    async counted(id, entry) {
      const { kept, count } = await change(id, 1, entry);
      return kept ? { count } : 'unkept';
    },

    async uncounted(id) {
      return (await change(id, -1, null)).kept;
    },

    async settle(id) {
      await ensureWritten(id, 0);
    },

    async setClosed(id, closed) {
      await redis
        .multi()
        .hset(hashOf(id), 'closed', closed ? 1 : 0)
        .expire(hashOf(id), KEEP_SECONDS)
        .exec();
    },
  };
}
