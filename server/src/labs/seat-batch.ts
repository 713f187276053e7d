import { trusted, Types } from 'mongoose';
import { isDuplicateKey } from '../infra/store/index.js';
import { LabParticipantModel } from './model.js';

/** What the room needs of a member's participant row. */
export interface SeatRow {
  memberId: Types.ObjectId;
  rsvp?: string | null;
  waitlistedAt?: Date | null;
  invited?: boolean;
  removed?: boolean;
  muted?: boolean;
  attended?: boolean;
  contributed?: boolean;
}

interface Ask {
  memberId: string;
  /** Make the row if missing. */
  create: boolean;
  /** Record their attendance (they take part whatever the row says), unless they were removed. */
  attend: boolean;
  resolve(row: SeatRow | null): void;
  reject(err: unknown): void;
}

/** At most this many members' rows in one batch. */
const BATCH_MAX = 200;
const FIELDS = { memberId: 1, rsvp: 1, waitlistedAt: 1, invited: 1, removed: 1, muted: 1, attended: 1, contributed: 1 };

/**
 * The participant rows of members entering a lab, read, made and marked attended in batches: a
 * lone entry goes to the store at once (one read, then one write if the row is missing or not yet
 * marked); entries that arrive while a batch is at the store wait for the next one, which serves
 * them all with the same few commands. A storm of 500 entries so costs a handful of store commands
 * per batch instead of one or two per member, and each entry is answered only once its row is written.
 */
export class SeatBatches {
  private queued = new Map<string, Ask[]>();
  private running = new Set<string>();

  row(labId: string, memberId: string, create: boolean, attend: boolean): Promise<SeatRow | null> {
    return new Promise((resolve, reject) => {
      const list = this.queued.get(labId) ?? [];
      list.push({ memberId, create, attend, resolve, reject });
      this.queued.set(labId, list);
      if (!this.running.has(labId)) void this.run(labId);
    });
  }

  private async run(labId: string): Promise<void> {
    this.running.add(labId);
    try {
      for (let list = this.queued.get(labId); list?.length; list = this.queued.get(labId)) {
        const batch = list.splice(0, BATCH_MAX);
        if (!list.length) this.queued.delete(labId);
        try {
          const rows = await rowsOf(new Types.ObjectId(labId), batch);
          for (const ask of batch) ask.resolve(rows.get(ask.memberId) ?? null);
        } catch (err) {
          for (const ask of batch) ask.reject(err);
        }
      }
    } finally {
      this.running.delete(labId);
    }
  }
}

async function rowsOf(labId: Types.ObjectId, batch: Ask[]): Promise<Map<string, SeatRow>> {
  const ids = [...new Set(batch.map((a) => a.memberId))];
  const create = new Set(batch.filter((a) => a.create).map((a) => a.memberId));
  const attend = new Set(batch.filter((a) => a.attend).map((a) => a.memberId));
  const find = async (members: string[]) =>
    new Map(
      (
        await LabParticipantModel.find(
          { labId, memberId: trusted({ $in: members.map((id) => new Types.ObjectId(id)) }) },
          FIELDS,
        ).lean<SeatRow[]>()
      ).map((r) => [r.memberId.toHexString(), r]),
    );
  const rows = await find(ids);
  const missing = ids.filter((id) => !rows.has(id) && create.has(id));
  const unmarked = ids.filter((id) => attend.has(id) && rows.get(id)?.attended === false && !rows.get(id)?.removed);
  let raced = false;
  await Promise.all([
    missing.length
      ? LabParticipantModel.insertMany(
          missing.map((id) => ({ labId, memberId: new Types.ObjectId(id), attended: attend.has(id) })),
          // Not lean: the schema's defaults are written, as an upsert writes them.
          { ordered: false },
        ).then(
          (made) => made.forEach((r) => rows.set(r.memberId.toHexString(), r.toObject() as SeatRow)),
          (err: unknown) => {
            // Made meanwhile by another entry or an RSVP: read below as they are now.
            if (!isDuplicateKey(err)) throw err;
            raced = true;
          },
        )
      : null,
    unmarked.length
      ? LabParticipantModel.updateMany(
          {
            labId,
            memberId: trusted({ $in: unmarked.map((id) => new Types.ObjectId(id)) }),
            removed: trusted({ $ne: true }),
          },
          { $set: { attended: true } },
        ).then(() => unmarked.forEach((id) => rows.set(id, { ...rows.get(id)!, attended: true })))
      : null,
  ]);
  if (raced) for (const [id, row] of await find(missing)) rows.set(id, row);
  return rows;
}
