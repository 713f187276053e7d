import { Types } from 'mongoose';
import type { Logger } from '../infra/log.js';
import { repeatEvery, type Repeating } from '../infra/every.js';
import { findIn } from '../infra/store/lookups.js';
import type { LabContext } from './context.js';
import { LabMessageModel, LabParticipantModel, type MessageLean } from './model.js';
import { memberNames, presentMessage } from './present.js';
import { unpushedEntry } from './sequence.js';

/*
 * Lab chat messages saved by a sender that died (or stalled) before its push: members already in
 * the room would hear of one only with the next message or when they enter again. A message's
 * number is owed to the room from the moment it is taken until the push is confirmed (sequence.ts,
 * room-model.ts `appended`); the workers look for numbers owed too long and push what was saved
 * under them, to the same room the sender would have. Clients drop a message they hold by number.
 */

/** A sender saves and pushes well within this; past it, its number is looked for in the store. */
export const UNPUSHED_GRACE_MS = 10_000;
/** A number owed this long with no message saved under it: its save failed, nothing to push. */
const UNSAVED_AFTER_MS = 120_000;
/** Numbers looked at per sweep: a page, the next sweep takes the next page. */
const PAGE = 100;

export function unpushedOps(ctx: LabContext) {
  // Where this process's next sweep goes on from: numbers whose save is still under way (a store
  // that stalled) stay owed for two minutes, and must not keep the saved ones behind them waiting.
  let after = 0;
  return {
    /**
     * Pushes saved messages whose push was never confirmed; answers how many it pushed. Times are
     * Redis's, the clock the numbers were taken by (`aheadMs`: as if that much later, for tests).
     */
    async pushOverdue(aheadMs = 0): Promise<number> {
      const { now, owed } = await ctx.sequence.overdue(UNPUSHED_GRACE_MS - aheadMs, { after, limit: PAGE });
      after = owed.length === PAGE ? owed.at(-1)!.takenAt : 0;
      if (!owed.length) return 0;
      const byLab = new Map<string, number[]>();
      for (const o of owed) byLab.set(o.labId, [...(byLab.get(o.labId) ?? []), o.seq]);
      const rows = (
        await Promise.all(
          [...byLab].map(([labId, seqs]) =>
            findIn('seq', seqs, (match) =>
              LabMessageModel.find({ labId: new Types.ObjectId(labId), ...match }).lean<MessageLean[]>(),
            ),
          ),
        )
      ).flat();
      const saved = new Map(rows.map((m) => [unpushedEntry(m.labId.toHexString(), m.seq), m]));
      const authors = await memberNames(rows.map((m) => m.authorId));
      let pushed = 0;
      for (const o of owed) {
        const row = saved.get(unpushedEntry(o.labId, o.seq));
        if (!row) {
          if (o.takenAt < now + aheadMs - UNSAVED_AFTER_MS) await ctx.sequence.settle(o.labId, o.seq);
          continue;
        }
        // Taken off first, so of two sweepers one pushes (a sender that confirms late has pushed
        // too: clients drop the repeat by number, the room model shows it once).
        if (!(await ctx.sequence.settle(o.labId, o.seq))) continue;
        const message = presentMessage(row, authors);
        ctx.events.publish('lab.message', { message });
        await ctx.room?.appended(o.labId, message);
        await spokeBy(ctx, row);
        pushed += 1;
      }
      return pushed;
    },
  };
}

/** What the sender would have noted after its push: the author has contributed (not quiet). */
async function spokeBy(ctx: LabContext, row: MessageLean): Promise<void> {
  const labId = row.labId.toHexString();
  const memberId = row.authorId.toHexString();
  await LabParticipantModel.updateOne({ labId: row.labId, memberId: row.authorId }, { $set: { contributed: true } });
  await ctx.room?.forgetSeats(labId, [memberId]);
  await ctx.room?.spoke(labId, [memberId]);
}

/**
 * Runs `pushOverdue` every `everyMs` (each worker process; the owed list's claim keeps two
 * sweepers from pushing one message).
 */
export function pushUnpushedEvery(labs: { pushOverdue(): Promise<number> }, everyMs: number, log: Logger): Repeating {
  return repeatEvery(
    async () => {
      const pushed = await labs.pushOverdue();
      if (pushed) log.info({ pushed }, 'lab chat messages pushed for a sender that did not');
    },
    everyMs,
    (err) => log.warn({ err }, 'the lab chat sweep failed; the next one retries'),
  );
}
