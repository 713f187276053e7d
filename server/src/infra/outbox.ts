import mongoose, { Schema } from 'mongoose';
import type { BackoffOptions } from 'bullmq';
import type { JobPayloads, QueueName } from '@commons/shared';
import { repeatEvery, type Repeating } from './every.js';
import { currentJob } from './job-context.js';
import { isDuplicateKey } from './store/index.js';
import type { Logger } from './log.js';
import type { Queues } from './queues.js';

/**
 * One piece of follow-up work: a job for one queue under a deterministic key. The key is the
 * BullMQ job id too, so an effect handed to its queue twice (the writer and a sweep, or a sweep
 * redone after a crash) is one job.
 */
export type Effect = {
  [Q in QueueName]: {
    queue: Q;
    job: JobPayloads[Q];
    key: string;
    /** A delayed job: due this long after it was scheduled (a late hand-off waits only the rest). */
    delayMs?: number;
    attempts?: number;
    backoff?: BackoffOptions;
    /**
     * Handed over by a sweep, the job's data gets `sweptAt`: its writer did not hand it over (it
     * died, was slow, or Redis refused it). Only for jobs whose schema takes it (screening's).
     */
    tellSwept?: boolean;
  };
}[QueueName];

interface OutboxRow {
  _id: string;
  queue: QueueName;
  job: Record<string, unknown>;
  runAt: Date | null;
  attempts: number | null;
  backoff: BackoffOptions | null;
  tellSwept: boolean;
  createdAt: Date;
  /** A sweeper handing the effect over holds it until then; past it, another sweep takes it over. */
  claimedUntil: Date;
}

const outboxSchema = new Schema<OutboxRow>(
  {
    _id: { type: String, required: true },
    queue: { type: String, required: true },
    job: { type: Schema.Types.Mixed, required: true },
    runAt: { type: Date, default: null },
    attempts: { type: Number, default: null },
    backoff: { type: Schema.Types.Mixed, default: null },
    tellSwept: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    claimedUntil: { type: Date, required: true },
  },
  { collection: 'outbox', versionKey: false, minimize: false },
);
outboxSchema.index({ claimedUntil: 1 });

export const OutboxModel = mongoose.model<OutboxRow>('OutboxEntry', outboxSchema);

/** Releases held effects: `true` or a push under way (handed over once it is done), `false` to the sweep. */
export type Release = (pushed: boolean | PromiseLike<unknown>) => void;

export interface OutboxOptions {
  /**
   * A sweep leaves younger entries to their writer. Longer than a store call may take
   * (STORE_BUSY_TIMEOUT_MS): an entry written ahead of its document is swept only once that document
   * was either saved or refused.
   */
  graceMs: number;
  /** How long a sweeper holds an entry it is handing over (a crashed sweeper's entries wait this long). */
  leaseMs: number;
}

export const defaultOutboxOptions: OutboxOptions = { graceMs: 30_000, leaseMs: 60_000 };

/** How long a handed-over entry waits to be removed with the others handed over meanwhile. */
const REMOVE_AFTER_MS = 1_000;
const REMOVE_AT_MOST = 500;

/**
 * The only way to schedule follow-up work (lint forbids `queue.add` elsewhere). An effect is first
 * stored in the `outbox` collection, then handed to its queue and the entry removed. When Redis
 * refuses the hand-off, or the process dies before it, the entry stays and a worker's sweep
 * (`sweep`, every OUTBOX_SWEEP_MS) hands it over later. Consumers are idempotent by job id.
 */
export class Outbox {
  private readonly inFlight = new Set<Promise<void>>();
  /** Keys of entries handed to their queues and not yet removed: one store command for many. */
  private handed: string[] = [];
  private removal: NodeJS.Timeout | null = null;

  constructor(
    private readonly queues: Queues,
    private readonly log: Logger,
    private readonly options: OutboxOptions = defaultOutboxOptions,
  ) {}

  /**
   * Stores the effects (throws when the store refuses: the caller's write must not pass as
   * complete), then tries to hand them over; a refused hand-off is left to the sweep.
   */
  async schedule(effects: Effect[]): Promise<void> {
    if (effects.length === 0) return;
    if (currentJob()) return this.chain(effects);
    await this.record(effects);
    await this.handOver(effects);
  }

  /**
   * Follow-ups of a running job (a screening's fan-out, a fan-out's mails) go straight to their
   * queues: until the job completes it is their record, run again should its process die before
   * they are queued, and the next step's job id is deterministic, so the rerun queues each once.
   * Only what Redis refuses is stored here for the sweep; should the store refuse too, the job fails
   * and is retried. Two store commands saved per follow-up, on the path every post takes.
   */
  private async chain(effects: Effect[]): Promise<void> {
    const refused: Effect[] = [];
    await Promise.all(
      effects.map((e) =>
        this.enqueue(e).catch((err: unknown) => {
          this.log.warn({ err, effect: e.key, queue: e.queue }, 'follow-up of a job left in the outbox for the sweep');
          refused.push(e);
        }),
      ),
    );
    if (refused.length > 0) await this.record(refused);
  }

  /**
   * Stores effects ahead of the write they follow (the document's id chosen beforehand), so no
   * crash can leave a saved document without them. Call `handOver` once the write is done;
   * should it fail, the effect still runs and finds nothing to do.
   */
  async record(effects: Effect[]): Promise<void> {
    const now = new Date();
    const rows = effects.map((e) => ({
      _id: e.key,
      queue: e.queue,
      job: e.job,
      runAt: e.delayMs !== undefined ? new Date(now.getTime() + e.delayMs) : null,
      attempts: e.attempts ?? null,
      backoff: e.backoff ?? null,
      tellSwept: e.tellSwept ?? false,
      createdAt: now,
      claimedUntil: now,
    }));
    try {
      await OutboxModel.insertMany(rows, { ordered: false });
    } catch (err) {
      // Already recorded (the same fact heard twice): one entry, one job.
      if (!isDuplicateKey(err) && !allDuplicates(err)) throw err;
    }
  }

  /**
   * A write and its effects, inseparable: the effects are stored ahead of the write, handed over
   * after it; a write that fails takes its effects back (should that fail too, they run later and
   * find nothing to do).
   */
  async writeWith<T>(effects: Effect[], write: () => Promise<T>): Promise<T> {
    const { result, release } = await this.writeHeld(effects, write);
    release(true);
    return result;
  }

  /**
   * `writeWith` for a write whose live push goes out before its effects are handed over: the
   * caller releases them with its push (a promise: handed over once it is done, so no job runs
   * ahead of it), or with `false` when it failed before pushing, which leaves them to the sweep.
   * Only the first call counts, so a `release(false)` in a `finally` after the push does nothing.
   * An effect the sweep hands over tells its job (`tellSwept`), which pushes again (forums'
   * screening: `post.pushAgain`).
   */
  async writeHeld<T>(effects: Effect[], write: () => Promise<T>): Promise<{ result: T; release: Release }> {
    if (effects.length === 0) return { result: await write(), release: () => undefined };
    await this.record(effects);
    let result: T;
    try {
      result = await write();
    } catch (err) {
      await OutboxModel.deleteMany({ _id: mongoose.trusted({ $in: effects.map((e) => e.key) }) }).catch(
        (cleanup: unknown) => this.log.warn({ err: cleanup }, 'effects of a failed write left to the sweep'),
      );
      throw err;
    }
    // Tracked from now, so that settle() (shutdown, tests) waits for a hand-off not yet released.
    let resolve!: (handOver: boolean | PromiseLike<boolean>) => void;
    const released = new Promise<boolean>((r) => (resolve = r));
    this.track(released.then((handOver) => (handOver ? this.handOver(effects) : undefined)));
    const release: Release = (pushed) =>
      resolve(
        typeof pushed === 'boolean'
          ? pushed
          : Promise.resolve(pushed).then(
              () => true,
              () => true,
            ),
      );
    return { result, release };
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Waits for hand-offs still on their way and removes their entries (shutdown and tests). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.removeHanded();
  }

  /**
   * An entry whose job is queued is removed a moment later, with the others handed over meanwhile:
   * at 20 replies a second, a few commands a second instead of two per reply. Until then (or for
   * good, should the process die first) a sweep would find it and hand it over again after the
   * grace period, which the queue ignores while the job exists (its id is the entry's key) and a
   * consumer, idempotent by job id, finds done otherwise.
   */
  private handedOver(key: string): void {
    this.handed.push(key);
    if (this.handed.length >= REMOVE_AT_MOST) this.track(this.removeHanded());
    else if (!this.removal) {
      this.removal = setTimeout(() => this.track(this.removeHanded()), REMOVE_AFTER_MS);
      this.removal.unref(); // shutdown removes them in settle()
    }
  }

  private async removeHanded(): Promise<void> {
    if (this.removal) clearTimeout(this.removal);
    this.removal = null;
    const keys = this.handed.splice(0);
    if (keys.length === 0) return;
    await OutboxModel.deleteMany({ _id: mongoose.trusted({ $in: keys }) }).catch((err: unknown) =>
      this.log.warn({ err, entries: keys.length }, 'handed-over entries left for the sweep to find queued'),
    );
  }

  /** Hands effects to their queues and removes their entries; a failure is logged and left to the sweep. */
  async handOver(effects: Effect[]): Promise<void> {
    await Promise.all(
      effects.map(async (e) => {
        try {
          await this.enqueue(e);
          this.handedOver(e.key);
        } catch (err) {
          this.log.warn({ err, effect: e.key, queue: e.queue }, 'follow-up left in the outbox for the sweep');
        }
      }),
    );
  }

  /**
   * Claims entries older than the grace period whose claim has lapsed (`limit` at most), so that
   * concurrent sweepers do not hand the same entry over at once.
   */
  async claimDue(limit = 100, at = new Date()): Promise<(Effect & { runAt?: Date; claimedUntil: Date })[]> {
    const due = await OutboxModel.find(
      {
        createdAt: mongoose.trusted({ $lte: new Date(at.getTime() - this.options.graceMs) }),
        claimedUntil: mongoose.trusted({ $lte: at }),
      },
      { _id: 1, claimedUntil: 1 },
    )
      .limit(limit)
      .lean();
    const claimed: (Effect & { runAt?: Date; claimedUntil: Date })[] = [];
    for (const row of due) {
      const taken = await OutboxModel.findOneAndUpdate(
        { _id: row._id, claimedUntil: row.claimedUntil },
        { $set: { claimedUntil: new Date(at.getTime() + this.options.leaseMs) } },
        { returnDocument: 'after' },
      ).lean();
      if (taken) claimed.push({ ...toEffect(taken), claimedUntil: taken.claimedUntil });
    }
    return claimed;
  }

  /** Hands over what writers could not (Redis refused, or the process died). Returns how many went. */
  async sweep(limit = 100): Promise<number> {
    const claimed = await this.claimDue(limit);
    let handed = 0;
    const sweptAt = new Date().toISOString();
    for (const e of claimed) {
      try {
        await this.enqueue(e, sweptAt);
        this.handedOver(e.key);
        handed++;
      } catch (err) {
        // Still refused: give back what is left (a later sweep tries again) and stop for now.
        this.log.warn({ err, effect: e.key }, 'outbox sweep could not hand an effect over');
        await this.release(claimed.slice(claimed.indexOf(e)));
        break;
      }
    }
    // Removed within the sweep, as the upkeep it is (not later, inside someone's action).
    await this.removeHanded();
    return handed;
  }

  /** Ends our claims at once (a refused hand-off is no reason to keep other sweepers waiting). */
  private async release(effects: (Effect & { claimedUntil?: Date })[]): Promise<void> {
    await Promise.all(
      effects.map((e) =>
        OutboxModel.updateOne({ _id: e.key, claimedUntil: e.claimedUntil }, { $set: { claimedUntil: new Date() } }),
      ),
    ).catch((err: unknown) => this.log.warn({ err }, 'outbox claims left to lapse'));
  }

  /** Entries not yet handed over (health and tests). */
  pending(): Promise<number> {
    return OutboxModel.countDocuments({});
  }

  /** `sweptAt`: handed over by a sweep, not by its writer (the data of a `tellSwept` effect says so). */
  private async enqueue(e: Effect & { runAt?: Date }, sweptAt?: string): Promise<void> {
    const delay = e.runAt ? Math.max(0, e.runAt.getTime() - Date.now()) : e.delayMs;
    const opts = {
      jobId: e.key,
      ...(delay !== undefined ? { delay } : {}),
      ...(e.attempts ? { attempts: e.attempts } : {}),
      ...(e.backoff ? { backoff: e.backoff } : {}),
    };
    // Each queue is typed by its own payloads; the effect's union pairs them.
    const queue = this.queues[e.queue] as unknown as {
      add(name: string, data: unknown, o: typeof opts): Promise<unknown>;
    };
    await queue.add(e.job.kind, sweptAt && e.tellSwept ? { ...e.job, sweptAt } : e.job, opts);
  }
}

/** A swept entry keeps its due time: the delay left is counted from it. */
function toEffect(row: OutboxRow): Effect & { runAt?: Date } {
  return {
    queue: row.queue,
    job: row.job,
    key: row._id,
    ...(row.runAt ? { runAt: row.runAt } : {}),
    ...(row.attempts ? { attempts: row.attempts } : {}),
    ...(row.backoff ? { backoff: row.backoff } : {}),
    ...(row.tellSwept ? { tellSwept: true } : {}),
  } as Effect & { runAt?: Date };
}

/** insertMany with ordered:false reports every refused row; only duplicates are expected. */
function allDuplicates(err: unknown): boolean {
  const writeErrors = (err as { writeErrors?: unknown[] } | null)?.writeErrors;
  return Array.isArray(writeErrors) && writeErrors.length > 0 && writeErrors.every(isDuplicateKey);
}

/**
 * Sweeps every `everyMs` (each worker process runs one; claims keep two sweepers off one entry).
 * stop() waits for a sweep in progress, so the queues and the store close after it.
 */
export function sweepEvery(outbox: Outbox, everyMs: number, log: Logger): Repeating {
  return repeatEvery(
    async (stopped) => {
      // A full page handed over means more may wait: go on at once.
      while (!stopped() && (await outbox.sweep()) === 100);
    },
    everyMs,
    (err) => log.warn({ err }, 'outbox sweep failed; the next one retries'),
  );
}
