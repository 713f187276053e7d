import mongoose from 'mongoose';
import { visibleCoalitionIds } from '../coalitions/access.js';
import { isVisitor } from '../site/viewer.js';
import { labIdOr404, labNotFound } from './context.js';
import { LabModel, LabParticipantModel, type LabLean } from './model.js';
import { isFacilitator, type LabActor } from './policy.js';

const { trusted } = mongoose;

/*
 * The labs' read rule, the one place that decides who may read a lab (its page, room, chat,
 * board, actions, outcomes, calendar file):
 * - a visitor without an account: no lab (labs are where members work together; the public face
 *   shows events, not labs);
 * - its facilitators and site administrators: always;
 * - a coalition's lab: members who may see the coalition's content (coalitions/access.ts: every
 *   member for a public coalition; its active members, moderators and admins for a private one);
 * - an invite-only lab: those invited (and its facilitators).
 * Whoever may not read a lab is told it does not exist (the same 404 as a wrong id). Suspended
 * members read as visitors on read routes (site/viewer.ts) and their sockets were closed.
 *
 * The presenter (present.ts, `presentLabs`) and the room take only `ReadableLab`, and only this
 * module makes them, so a path that shows a lab without asking the rule does not compile.
 */

declare const readableBrand: unique symbol;
/** A lab that passed the read rule for the member it is shown to. */
export type ReadableLab = LabLean & { readonly [readableBrand]: true };

type Viewer = Pick<LabActor, 'id' | 'role'>;

/** Of these labs, those the viewer may read (order kept), in two queries at most. */
export async function readableLabs(viewer: Viewer, labs: LabLean[]): Promise<ReadableLab[]> {
  if (labs.length === 0 || isVisitor(viewer)) return [];
  const runs = (lab: LabLean) => isFacilitator(viewer, lab);
  const needsCoalition = labs.some((l) => l.coalitionId && !runs(l));
  const inviteOnly = labs.filter((l) => l.visibility === 'invite' && !runs(l)).map((l) => l._id);
  const [coalitions, invited] = await Promise.all([
    needsCoalition ? visibleCoalitionIds(viewer) : Promise.resolve(null),
    inviteOnly.length
      ? LabParticipantModel.find(
          { labId: trusted({ $in: inviteOnly }), memberId: viewer.id, invited: true },
          { labId: 1 },
        ).lean()
      : Promise.resolve([]),
  ]);
  const seenCoalitions = coalitions ? new Set(coalitions.map((c) => c.toHexString())) : null;
  const invitedTo = new Set(invited.map((p) => p.labId.toHexString()));
  return labs.filter((lab) => {
    if (runs(lab)) return true;
    if (lab.coalitionId && seenCoalitions && !seenCoalitions.has(lab.coalitionId.toHexString())) return false;
    if (lab.visibility === 'invite' && !invitedTo.has(lab._id.toHexString())) return false;
    return true;
  }) as ReadableLab[];
}

/** The lab by id if the viewer may read it, else the same 404 as a wrong id. */
export async function readableLabOr404(viewer: Viewer, id: string): Promise<ReadableLab> {
  const lab = await LabModel.findById(labIdOr404(id)).lean<LabLean>();
  const [readable] = lab ? await readableLabs(viewer, [lab]) : [];
  if (!readable) throw labNotFound();
  return readable;
}

/**
 * The same rule for one lab whose invitation of the viewer is already known (the room's cached
 * seat, room-model.ts): no store command unless the lab belongs to a coalition.
 */
export async function readableKnown(viewer: Viewer, lab: LabLean, invited: boolean): Promise<ReadableLab | null> {
  if (isVisitor(viewer)) return null;
  if (isFacilitator(viewer, lab)) return lab as ReadableLab;
  if (lab.visibility === 'invite' && !invited) return null;
  if (lab.coalitionId) {
    const coalitions = await visibleCoalitionIds(viewer);
    if (coalitions && !coalitions.some((c) => c.equals(lab.coalitionId!))) return null;
  }
  return lab as ReadableLab;
}
