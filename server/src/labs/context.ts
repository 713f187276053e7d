import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { isDuplicateKey } from '../infra/store/index.js';
import type { Mutex } from '../infra/mutex.js';
import { LabModel, LabParticipantModel, type LabLean } from './model.js';
import { isFacilitator, type LabActor } from './policy.js';
import type { RoomChange, LabRoomModel } from './room-model.js';
import type { LabSequence } from './sequence.js';

export interface LabContext {
  events: DomainEvents;
  sequence: LabSequence;
  /** Serialises facilitator changes of one lab across processes (FerretDB does not isolate them). */
  mutex?: Mutex;
  /** The live model of lab rooms (room-model.ts); without it (seeding) nothing is kept. */
  room?: LabRoomModel;
  /** The clock (tests move it). */
  now(): Date;
}

/**
 * Takes a ticket for a change of a lab's room model, right after the change's write and before
 * the reads that make the new values (room-model.ts `ticket`); the returned function applies them.
 */
export async function roomChange(
  ctx: Pick<LabContext, 'room'>,
  labId: string,
): Promise<(changes: RoomChange[]) => Promise<void>> {
  const room = ctx.room;
  if (!room) return async () => {};
  const ticket = await room.ticket(labId);
  return (changes) => room.update(labId, ticket, changes);
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

export function labIdOr404(id: string): Types.ObjectId {
  if (!OBJECT_ID.test(id)) throw labNotFound();
  return new Types.ObjectId(id);
}

export const labNotFound = () => new AppError('not_found', 'No lab with this id.');

export async function findLab(id: string): Promise<LabLean> {
  const lab = await LabModel.findById(labIdOr404(id)).lean<LabLean>();
  if (!lab) throw labNotFound();
  return lab;
}

/** The lab, if the actor may read it (read-rule.ts); else the same 404 as a wrong id. */
export { readableLabOr404 as visibleLab } from './read-rule.js';

/**
 * Runs a change of the lab's controls holding its lock (two facilitators clicking at once: one
 * wins, the other is told to try again). Without a mutex (unit tests) it runs as is.
 */
export function controlledChange<T>(ctx: Pick<LabContext, 'mutex'>, labId: string, fn: () => Promise<T>): Promise<T> {
  if (!ctx.mutex) return fn();
  return ctx.mutex.exclusive(`lab-control:${labId}`, fn, () => {
    throw new AppError('conflict', 'Another facilitator is changing the lab right now; try again.');
  });
}

/** Marks the member as having contributed (their own row, so no contention), in the room's model too. */
export async function markContributed(
  ctx: Pick<LabContext, 'room'>,
  labId: Types.ObjectId,
  memberId: string | Types.ObjectId,
): Promise<void> {
  await ensureParticipant(labId, String(memberId));
  await LabParticipantModel.updateOne({ labId, memberId }, { $set: { contributed: true } });
  await ctx.room?.spoke(labId.toHexString(), [String(memberId)]);
}

/** Creates the member's participant row if missing (a concurrent creator wins; no error). */
export async function ensureParticipant(labId: Types.ObjectId, memberId: string): Promise<void> {
  try {
    await LabParticipantModel.updateOne(
      { labId, memberId },
      { $setOnInsert: { labId, memberId: new Types.ObjectId(memberId) } },
      { upsert: true },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/**
 * Whether the member takes part in the lab (chat, ideas, dots, answers, hands, action items):
 * its facilitators; in a lab with a capacity, those holding a seat; in a lab without one, everyone
 * who may see it. A removed member never does. Waitlisted members follow the room, nothing more.
 */
export async function takesPart(
  actor: LabActor,
  lab: Pick<LabLean, '_id' | 'hostId' | 'facilitatorIds' | 'capacity'>,
): Promise<boolean> {
  if (isFacilitator(actor, lab)) return true;
  const row = await LabParticipantModel.findOne({ labId: lab._id, memberId: actor.id }, { rsvp: 1, removed: 1 }).lean();
  if (row?.removed) return false;
  return lab.capacity === null || row?.rsvp === 'going';
}

export async function assertTakesPart(
  actor: LabActor,
  lab: Pick<LabLean, '_id' | 'hostId' | 'facilitatorIds' | 'capacity'>,
): Promise<void> {
  if (!(await takesPart(actor, lab)))
    throw new AppError('forbidden', 'Only members with a seat take part in this lab; you can follow it from the room.');
}
