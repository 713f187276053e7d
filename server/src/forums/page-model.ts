import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { readModels } from '../infra/read-models.js';

/*
 * The forums' read model in Redis, shared by every process: each thread's first page and each
 * category's first threads as a plain member sees them (built from the store on a miss) and, per
 * member, that member's own marks on them (the overlays). Writes tell it after they are stored:
 * - a thread's page: `threadPageChanged` (posts written, edited, deleted, their status or
 *   reactions changed, the thread renamed, moved, pinned or locked), which drops the thread's
 *   own record too (its document and gate, read by a reply), with the lists of the
 *   categories whose order or counts the write moved; a reply is added to the page and its
 *   thread moved up its category's list in place (`changePage`, `changeList`) when they can tell
 *   where it goes;
 * - a category's list: `categoryListChanged` (a thread started, its marks refreshed);
 * - a member's overlays: `memberMarksChanged` (their read marks, levels, reactions, bookmarks);
 * - everything at once: `forumPagesChanged` (a category archived or its readers changed, a
 *   member's forum data forgotten), by moving one epoch that every entry is checked against.
 * Version counters make a build that raced a change store nothing, so no process serves a page
 * older than a change made by any process (the pattern of labs/room-model.ts).
 */

/** Kept at most this long without a change: bounds what a write that died before its drop leaves. */
const TTL_SECONDS = 600;
/**
 * Version counters outlive every entry built under them by far (no build takes a day), so one
 * that expired is only ever met again by a build that starts from nothing; none piles up forever.
 */
const VERSION_TTL_SECONDS = 86_400;

/**
 * Stores the value (KEYS[1]) only if neither the entry's version (KEYS[2]) nor the epoch (KEYS[3])
 * moved since the build began. With ARGV[5] set (a page or a list, not an overlay) the version
 * moves too, so each version names one stored value: what a process holds parsed (`Parsed`) is
 * current exactly while the version and epoch it was read under are.
 */
const STORE = `if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
if ARGV[5] ~= '1' then return 1 end
local version = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[6])
return version`;

/**
 * After a change to a kept entry (KEYS[1]; its version KEYS[2], the epoch KEYS[3]): replaced by
 * ARGV[2] if it is still ARGV[1] under the epoch ARGV[3] (its life not lengthened), else dropped;
 * with ARGV[2] empty, dropped. Its version moves either way, as do those of the lists that follow
 * (KEYS[4..] in pairs: list, version), which are dropped. Returns 1 when replaced, 0 when dropped,
 * and -1, having done nothing, when the entry changed since it was read (the caller reads it again).
 */
const CHANGE = `local kept = false
if ARGV[2] ~= '' then
  if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return -1 end
  if (redis.call('GET', KEYS[3]) or '0') == ARGV[3] then
    kept = redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL', 'XX')
  end
end
if not kept then redis.call('DEL', KEYS[1]) end
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
for i = 4, #KEYS, 2 do
  redis.call('INCR', KEYS[i + 1])
  redis.call('EXPIRE', KEYS[i + 1], ARGV[4])
  redis.call('DEL', KEYS[i])
end
if kept then return 1 end
return 0`;

/** Times a change is made again over an entry that another change replaced meanwhile, before it is dropped. */
const CHANGE_ATTEMPTS = 3;

/** An entry as stored: the value and the epoch it was built under. */
interface Stored<T> {
  epoch: string;
  value: T;
}

/**
 * Pages and lists as this process last read them from Redis, parsed, under the version and epoch
 * they were stored at, until their Redis copy expires: a warm read asks Redis only whether they
 * are still current (their version, the epoch, that they still exist), not for the value, and
 * parses nothing. Bounded by the size of the stored text.
 */
interface Parsed {
  epoch: string;
  version: string;
  value: unknown;
}
const PARSED_MAX_BYTES = 64 * 1024 * 1024;

export interface PageRead<P, O> {
  /** The thread's page (or category's list), if built under the current epoch. */
  page: P | null;
  /** The member's overlay of it, if built under the current epoch and their current marks. */
  overlay: O | null;
}

/** A thread's page or a category's list: where it is kept, its version and its members' overlays. */
interface Entry {
  key: string;
  version: string;
  overlay: (memberId: string) => string;
}

export class ThreadPageStore {
  private building = new Map<string, Promise<unknown>>();
  /** Never changed in place: readers share them. */
  private parsed = new LRUCache<string, Parsed>({ maxSize: PARSED_MAX_BYTES });
  /** Until when this process reads pages from the store: a drop of its own failed (see `changed`). */
  private distrustedUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Whether this store is on that Redis and prefix (a process's runtime may be made again, as tests do). */
  uses(redis: Redis, prefix: string): boolean {
    return this.redis === redis && this.prefix === prefix;
  }

  private epochKey = () => `${this.prefix}:forum:pages:epoch`;
  private marksVersionKey = (memberId: string) => `${this.prefix}:forum:marks:${memberId}:v`;
  private entry(kind: 'page' | 'list' | 'thread', id: string): Entry {
    const key = `${this.prefix}:forum:${kind}:${id}`;
    return { key, version: `${key}:v`, overlay: (memberId) => `${key}:m:${memberId}` };
  }
  private pageEntry = (threadId: string) => this.entry('page', threadId);
  private threadEntry = (threadId: string) => this.entry('thread', threadId);
  private listEntry = (categoryId: string) => this.entry('list', categoryId);

  /** The thread's page and the member's overlay in one round trip (`memberId` null: a visitor, no overlay). */
  read<P, O>(threadId: string, memberId: string | null): Promise<PageRead<P, O>> {
    return this.readEntry(this.pageEntry(threadId), memberId);
  }

  /** The category's list and the member's overlay of it in one round trip. */
  readList<L, O>(categoryId: string, memberId: string | null): Promise<PageRead<L, O>> {
    return this.readEntry(this.listEntry(categoryId), memberId);
  }

  private async readEntry<P, O>(entry: Entry, memberId: string | null): Promise<PageRead<P, O>> {
    const held = this.parsed.get(entry.key);
    let got = await this.readRows(entry, memberId, !held);
    let page: P | null;
    if (held && got.ttl > 0 && held.epoch === got.epoch && held.version === got.version) page = held.value as P;
    else {
      if (held) {
        this.parsed.delete(entry.key);
        // Kept but changed since it was read here: read it again (once per change per process).
        if (got.ttl > 0) got = await this.readRows(entry, memberId, true);
      }
      page = this.take<P>(entry.key, got);
    }
    const own = got.overlay ? (JSON.parse(got.overlay) as Stored<{ marks: string; value: O }>) : null;
    return { page, overlay: own && own.epoch === got.epoch && own.value.marks === got.marks ? own.value.value : null };
  }

  /** The epoch, the entry's version and remaining life, the member's overlay and marks' version, and the entry itself if `value`. */
  private async readRows(entry: Entry, memberId: string | null, value: boolean) {
    const multi = this.redis.multi().get(this.epochKey()).get(entry.version).pttl(entry.key);
    if (memberId) multi.get(entry.overlay(memberId)).get(this.marksVersionKey(memberId));
    if (value) multi.get(entry.key);
    const rows = ((await multi.exec()) ?? []).map(([, v]) => v);
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      epoch: text(rows[0]) ?? '0',
      version: text(rows[1]) ?? '0',
      ttl: typeof rows[2] === 'number' ? rows[2] : -2,
      overlay: memberId ? text(rows[3]) : null,
      marks: memberId ? (text(rows[4]) ?? '0') : '0',
      raw: value ? text(rows.at(-1)) : null,
    };
  }

  /** The entry read with its version, if built under the current epoch; held parsed for as long as Redis keeps it. */
  private take<P>(key: string, got: { epoch: string; version: string; ttl: number; raw: string | null }): P | null {
    if (!got.raw) return null;
    const stored = JSON.parse(got.raw) as Stored<P>;
    if (stored.epoch !== got.epoch) return null;
    if (got.ttl > 0)
      this.parsed.set(
        key,
        { epoch: got.epoch, version: got.version, value: stored.value },
        { ttl: got.ttl, size: got.raw.length },
      );
    return stored.value;
  }

  /**
   * The thread's own record (its document and category's gate, read-rule.ts), or `build`'s on a
   * miss. Dropped with the page by every change of the thread except its counts (`threadChanged`
   * without `change`), so all but the counts are as the store has them.
   */
  async threadRecord<T>(threadId: string, build: () => Promise<T | null>): Promise<T | null> {
    const entry = this.threadEntry(threadId);
    return (await this.readEntry<T, never>(entry, null)).page ?? this.buildEntry(entry, build);
  }

  /** The thread's record if one is kept (nothing is built). */
  async keptThreadRecord<T>(threadId: string): Promise<T | null> {
    return (await this.readEntry<T, never>(this.threadEntry(threadId), null)).page;
  }

  /** After a write of the thread's counts: `change` makes the record after it (null: dropped), as `threadChanged`. */
  threadRecordChanged<T>(threadId: string, change: (record: T) => T | null): Promise<boolean> {
    return this.changeEntry(this.threadEntry(threadId), [], change);
  }

  /** The thread's page, built with `build` (once per process at a time); `null` from it is not stored. */
  page<P>(threadId: string, build: () => Promise<P | null>): Promise<P | null> {
    return this.buildEntry(this.pageEntry(threadId), build);
  }

  /** The category's list, built with `build` (once per process at a time); `null` from it is not stored. */
  list<L>(categoryId: string, build: () => Promise<L | null>): Promise<L | null> {
    return this.buildEntry(this.listEntry(categoryId), build);
  }

  /** The member's overlay of a thread, built with `build` on a miss. */
  overlay<O>(threadId: string, memberId: string, build: () => Promise<O>): Promise<O> {
    return this.buildOverlay(this.pageEntry(threadId), memberId, build);
  }

  /** The member's overlay of a category's list, built with `build` on a miss. */
  listOverlay<O>(categoryId: string, memberId: string, build: () => Promise<O>): Promise<O> {
    return this.buildOverlay(this.listEntry(categoryId), memberId, build);
  }

  private buildEntry<P>(entry: Entry, build: () => Promise<P | null>): Promise<P | null> {
    return this.once(entry.key, async () => {
      const versions = await this.versions(entry.version).catch(() => null);
      const value = await build();
      // Keeping it is best effort: a Redis refusing writes serves what was built, unkept.
      if (value !== null && versions) await this.storeEntry(entry, versions, value).catch(() => undefined);
      return value;
    });
  }

  private buildOverlay<O>(entry: Entry, memberId: string, build: () => Promise<O>): Promise<O> {
    const key = entry.overlay(memberId);
    return this.once(key, async () => {
      const versions = await this.versions(this.marksVersionKey(memberId)).catch(() => null);
      const value = await build();
      if (versions) {
        const [marks, epoch] = versions;
        await this.store(key, this.marksVersionKey(memberId), marks, epoch, { marks, value }).catch(() => undefined);
      }
      return value;
    });
  }

  /** Whether pages may be served from Redis now (no drop of this process failed within a page's life). */
  trusted(): boolean {
    return Date.now() >= this.distrustedUntil;
  }

  /**
   * Runs a drop; when Redis refuses it, this process serves pages from the store for as long as a
   * page lives, so what it wrote shows here at once, and the error goes on to the caller.
   */
  async changed(drop: () => Promise<unknown>): Promise<void> {
    try {
      await drop();
    } catch (err) {
      this.distrustedUntil = Date.now() + TTL_SECONDS * 1000;
      throw err;
    }
  }

  /**
   * After a write that changed what the thread's page shows (and these categories' lists): the
   * page is dropped, or, when `change` makes from the page as kept the page after the write,
   * replaced by that if nothing else changed it meanwhile. Either way its version moves, so a
   * build that began before the write stores nothing. True when the page was replaced.
   */
  threadChanged<P>(
    threadId: string,
    lists: string[],
    change?: (page: P) => P | null,
    keepRecord = false,
  ): Promise<boolean> {
    // A change the page can take in place (a reply, counts) leaves the thread's record, whose
    // counts may lag, as does a change the caller brings to the record itself; any other change
    // of the thread drops it with the page.
    const record = change || keepRecord ? [] : [this.threadEntry(threadId)];
    return this.changeEntry(this.pageEntry(threadId), lists, change, record);
  }

  /** After a write that changed what the category's list shows: `change` as for `threadChanged`. */
  listChanged<L>(categoryId: string, change?: (list: L) => L | null): Promise<boolean> {
    return this.changeEntry(this.listEntry(categoryId), [], change);
  }

  /** After a write that changed what these categories' lists show (a thread started, its marks refreshed). */
  async listsChanged(categoryIds: string[]): Promise<void> {
    const multi = this.redis.multi();
    for (const id of new Set(categoryIds)) {
      const list = this.listEntry(id);
      multi.incr(list.version).expire(list.version, VERSION_TTL_SECONDS).del(list.key);
    }
    await multi.exec();
  }

  private async changeEntry<P>(
    entry: Entry,
    lists: string[],
    change?: (value: P) => P | null,
    dropped: Entry[] = [],
  ): Promise<boolean> {
    const keys = [entry.key, entry.version, this.epochKey()];
    for (const id of new Set(lists)) keys.push(this.listEntry(id).key, this.listEntry(id).version);
    for (const other of dropped) keys.push(other.key, other.version);
    for (let attempt = 1; ; attempt++) {
      let [was, next, epoch] = ['', '', ''];
      // The last attempt only drops: the entry keeps changing under this one.
      if (change && attempt <= CHANGE_ATTEMPTS) {
        const rows = ((await this.redis.multi().get(this.epochKey()).get(entry.key).exec()) ?? []).map(([, v]) =>
          typeof v === 'string' ? v : null,
        );
        [epoch, was] = [rows[0] ?? '0', rows[1] ?? ''];
        const stored = was ? (JSON.parse(was) as Stored<P>) : null;
        const value = stored && stored.epoch === epoch ? change(stored.value) : null;
        if (value !== null) next = JSON.stringify({ epoch, value } satisfies Stored<P>);
      }
      const done = await this.redis.eval(CHANGE, keys.length, ...keys, was, next, epoch, VERSION_TTL_SECONDS);
      if (done !== -1) return done === 1;
    }
  }

  /** After a write of the member's own marks (read mark, levels, reactions, bookmarks). */
  async marksChanged(memberId: string): Promise<void> {
    await this.redis
      .multi()
      .incr(this.marksVersionKey(memberId))
      .expire(this.marksVersionKey(memberId), VERSION_TTL_SECONDS)
      .exec();
  }

  /** After a write that may change any page or overlay: all are built again. */
  async allChanged(): Promise<void> {
    await this.redis.incr(this.epochKey());
  }

  /** The entry's version and the epoch, made to exist first so a change during a build always moves them. */
  private async versions(versionKey: string): Promise<[string, string]> {
    const rows = ((await this.redis
      .multi()
      .set(versionKey, '0', 'EX', VERSION_TTL_SECONDS, 'NX')
      .set(this.epochKey(), '0', 'NX')
      .get(versionKey)
      .get(this.epochKey())
      .exec()) ?? []) as Array<[unknown, string | null]>;
    return [rows[2]?.[1] ?? '0', rows[3]?.[1] ?? '0'];
  }

  private async store(key: string, versionKey: string, version: string, epoch: string, value: unknown): Promise<void> {
    const stored: Stored<unknown> = { epoch, value };
    await this.redis.eval(
      STORE,
      3,
      key,
      versionKey,
      this.epochKey(),
      version,
      epoch,
      JSON.stringify(stored),
      TTL_SECONDS,
    );
  }

  /** A page or list stored under a version of its own, and held parsed here at it. */
  private async storeEntry(entry: Entry, [version, epoch]: [string, string], value: unknown): Promise<void> {
    const raw = JSON.stringify({ epoch, value } satisfies Stored<unknown>);
    const args = [version, epoch, raw, TTL_SECONDS, '1', VERSION_TTL_SECONDS];
    const now = await this.redis.eval(STORE, 3, entry.key, entry.version, this.epochKey(), ...args);
    if (typeof now === 'number' && now > 0)
      this.parsed.set(entry.key, { epoch, version: String(now), value }, { ttl: TTL_SECONDS * 1000, size: raw.length });
  }

  private once<T>(key: string, run: () => Promise<T>): Promise<T> {
    const pending = this.building.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const started = run().finally(() => this.building.delete(key));
    this.building.set(key, started);
    return started;
  }
}

/*
 * One store per process, on the process's Redis for read models (runtime.ts). Processes that write
 * the forums without it (the demo seeder before anything is served) have no pages to keep current.
 */
let pages: ThreadPageStore | null = null;

export function threadPages(): ThreadPageStore | null {
  const models = readModels();
  if (!models) return null;
  if (!pages || !pages.uses(models.redis, models.prefix)) pages = new ThreadPageStore(models.redis, models.prefix);
  return pages;
}

/*
 * The drops below follow a write that is already stored, so by default a drop Redis refuses does
 * not undo the caller's success: it is logged, this process reads from the store for a page's
 * life, and other processes' copies end with their expiry (TTL_SECONDS). A write whose old page
 * must not be served a moment longer (a post held or hidden by moderation) asks `required`: the
 * error then reaches its caller, whose retry (a job's, a moderator's) runs the drop again.
 */
type DropOptions = { required?: boolean };

async function drop(run: (store: ThreadPageStore) => Promise<void>, opts: DropOptions): Promise<void> {
  const store = threadPages();
  if (!store) return;
  try {
    await store.changed(() => run(store));
  } catch (err) {
    if (opts.required) throw err;
    readModels()?.log?.warn(
      { err },
      'a thread page could not be dropped after a write; this process reads from the store',
    );
  }
}

type Id = { toString(): string };

/**
 * `lists`: the categories whose lists the write changed too (a post's counts, a thread moved).
 * `keepRecord`: the write left the thread's own document as it was (a post's status; its marks
 * follow under the thread's lock, `changeThreadRecord`), so the thread's record stays.
 */
export async function threadPageChanged(
  threadId: Id,
  opts: DropOptions & { lists?: Id[]; keepRecord?: boolean } = {},
): Promise<void> {
  await drop(async (store) => {
    await store.threadChanged(String(threadId), (opts.lists ?? []).map(String), undefined, opts.keepRecord);
  }, opts);
}

/**
 * After a write that `change` can apply to the thread's kept page (it returns the page after the
 * write, or null when the page cannot tell: the page is then dropped as by `threadPageChanged`).
 */
export async function changePage<P>(
  threadId: Id,
  change: (page: P) => P | null,
  opts: DropOptions = {},
): Promise<void> {
  await drop(async (store) => {
    await store.threadChanged(String(threadId), [], change);
  }, opts);
}

/** After a write that `change` can apply to the category's kept list, as `changePage` for a page. */
export async function changeList<L>(
  categoryId: Id,
  change: (list: L) => L | null,
  opts: DropOptions = {},
): Promise<void> {
  await drop(async (store) => {
    await store.listChanged(String(categoryId), change);
  }, opts);
}

/** After a write of a thread's counts or marks that `change` can apply to its kept record (read-rule.ts). */
export async function changeThreadRecord<T>(
  threadId: Id,
  change: (record: T) => T | null,
  opts: DropOptions = {},
): Promise<void> {
  await drop(async (store) => {
    await store.threadRecordChanged(String(threadId), change);
  }, opts);
}

export async function categoryListChanged(categoryIds: Id[], opts: DropOptions = {}): Promise<void> {
  await drop((store) => store.listsChanged(categoryIds.map(String)), opts);
}

export async function memberMarksChanged(memberId: Id, opts: DropOptions = {}): Promise<void> {
  await drop((store) => store.marksChanged(String(memberId)), opts);
}

export async function forumPagesChanged(opts: DropOptions = {}): Promise<void> {
  await drop((store) => store.allChanged(), opts);
}
