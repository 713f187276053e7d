import { labLimits, type Role } from '@commons/shared';
import { AppError } from '../http/errors.js';
import type { LabLean } from './model.js';

/** Who is acting: routes pass the signed-in member, sockets their session data. */
export interface LabActor {
  id: string;
  role: Role;
  displayName: string;
}

export function actorOfMember(member: { _id: { toHexString(): string }; role: Role; displayName: string }): LabActor {
  return { id: member._id.toHexString(), role: member.role, displayName: member.displayName };
}

export function isFacilitator(
  actor: Pick<LabActor, 'id' | 'role'>,
  lab: Pick<LabLean, 'hostId' | 'facilitatorIds'>,
): boolean {
  return (
    actor.role === 'admin' ||
    lab.hostId.toHexString() === actor.id ||
    lab.facilitatorIds.some((id) => id.toHexString() === actor.id)
  );
}

export function labEndsAt(lab: Pick<LabLean, 'startsAt' | 'durationMinutes'>): Date {
  return new Date(lab.startsAt.getTime() + lab.durationMinutes * 60_000);
}

/** The room opens 15 minutes before the start and closes when the lab ends or is cancelled. */
export function roomOpen(lab: Pick<LabLean, 'startsAt' | 'status'>, now = new Date()): boolean {
  if (lab.status === 'live') return true;
  if (lab.status !== 'scheduled') return false;
  return now.getTime() >= lab.startsAt.getTime() - labLimits.earlyEntryMinutes * 60_000;
}

/**
 * The rules of Action Labs, in one place: routes, socket handlers and jobs all go through the
 * service, which calls these.
 */
export const labPolicy = {
  manage(actor: LabActor, lab: Pick<LabLean, 'hostId' | 'facilitatorIds'>): void {
    if (!isFacilitator(actor, lab)) throw new AppError('forbidden', 'Only the lab’s facilitators can do that.');
  },

  editSchedule(lab: Pick<LabLean, 'status'>): void {
    if (lab.status !== 'scheduled')
      throw new AppError('lab_closed', `This lab is ${lab.status}; its schedule can no longer change.`);
  },

  rsvp(lab: Pick<LabLean, 'status'>): void {
    if (lab.status === 'cancelled' || lab.status === 'ended')
      throw new AppError('lab_closed', `This lab is ${lab.status}; RSVPs are closed.`);
  },

  enter(lab: Pick<LabLean, 'startsAt' | 'status'>, now = new Date()): void {
    if (roomOpen(lab, now)) return;
    if (lab.status === 'scheduled')
      throw new AppError('lab_closed', `The room opens ${labLimits.earlyEntryMinutes} minutes before the lab starts.`, {
        opensAt: new Date(lab.startsAt.getTime() - labLimits.earlyEntryMinutes * 60_000).toISOString(),
      });
    throw new AppError('lab_closed', `This lab is ${lab.status}.`);
  },

  start(actor: LabActor, lab: LabLean, now = new Date()): void {
    labPolicy.manage(actor, lab);
    if (lab.status !== 'scheduled') throw new AppError('lab_closed', `This lab is ${lab.status}.`);
    if (now.getTime() < lab.startsAt.getTime() - labLimits.earlyEntryMinutes * 60_000)
      throw new AppError('lab_closed', `A lab can start at most ${labLimits.earlyEntryMinutes} minutes early.`);
  },

  /** After a hand-over only the facilitator holding the controls (or an admin) runs them. */
  holdsControls(actor: LabActor, lab: Pick<LabLean, 'leadId'>): void {
    if (!lab.leadId || actor.role === 'admin' || lab.leadId.toHexString() === actor.id) return;
    throw new AppError('forbidden', 'Another facilitator holds the controls now.');
  },

  runLive(actor: LabActor, lab: LabLean): void {
    labPolicy.manage(actor, lab);
    if (lab.status !== 'live') throw new AppError('lab_closed', 'The lab is not running.');
  },

  chat(actor: LabActor, lab: LabLean): void {
    if (lab.status !== 'live' && lab.status !== 'scheduled')
      throw new AppError('lab_closed', `This lab is ${lab.status}.`);
    if (!lab.chatOpen && !isFacilitator(actor, lab))
      throw new AppError('lab_closed', 'The facilitators closed the chat.');
  },

  /** Ideas go in during an ideas phase; dots during an ideas or vote phase. */
  phaseIs(lab: LabLean, kinds: readonly string[], what: string): void {
    const kind = lab.status === 'live' ? lab.agenda[lab.phaseIndex]?.kind : undefined;
    if (!kind || !kinds.includes(kind))
      throw new AppError('lab_closed', `${what} only during ${kinds.join(' or ')} phases.`);
  },
};
