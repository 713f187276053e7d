import { Types } from 'mongoose';
import { canSeeCoalitionContent } from '../coalitions/access.js';
import { AppError } from '../http/errors.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Mutex } from '../infra/mutex.js';
import { LabModel, LabParticipantModel, type LabLean } from './model.js';
import { isFacilitator, labPolicy, type LabActor } from './policy.js';
import type { LabSequence } from './sequence.js';

export interface LabContext {
  events: DomainEvents;
  sequence: LabSequence;
  /** Serialises facilitator changes of one lab across processes (FerretDB does not isolate them). */
  mutex?: Mutex;
  /** The clock (tests move it). */
  now(): Date;
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

/** The lab, if the actor may see it (invite-only labs are not found for others). */
export async function visibleLab(actor: LabActor, id: string): Promise<LabLean> {
  const lab = await findLab(id);
  // A private coalition's lab: for its members (and staff); its facilitators still run it.
  if (lab.coalitionId && !isFacilitator(actor, lab) && !(await canSeeCoalitionContent(actor, lab.coalitionId)))
    throw labNotFound();
  if (lab.visibility === 'invite') {
    const invited = await LabParticipantModel.exists({ labId: lab._id, memberId: actor.id, invited: true });
    labPolicy.see(actor, lab, Boolean(invited));
  }
  return lab;
}

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000;
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
