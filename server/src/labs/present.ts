import type { ActionItem, Lab, LabIdea, LabMemberRef, LabMessage, LabOutcome, LabPhase } from '@commons/shared';
import { trusted, type Types } from 'mongoose';
import { loadMemberRefs } from '../forums/mentions.js';
import {
  LabDotModel,
  LabParticipantModel,
  LabSeatModel,
  type ActionLean,
  type IdeaLean,
  type LabLean,
  type MessageLean,
  type OutcomeLean,
} from './model.js';
import type { ReadableLab } from './read-rule.js';
import { isFacilitator, labEndsAt, roomOpen, type LabActor } from './policy.js';

/**
 * Members as the room shows them (name and picture), through the forums' short-lived cache of
 * member references: a chat message or a presence change rarely costs a store read.
 */
export async function memberNames(ids: Types.ObjectId[]): Promise<Map<string, LabMemberRef>> {
  const refs = await loadMemberRefs(ids);
  return new Map(
    [...refs].map(([id, r]) => [id, { id, displayName: r.displayName, ...(r.avatar ? { avatar: r.avatar } : {}) }]),
  );
}

export function ref(id: Types.ObjectId, names: Map<string, LabMemberRef>): LabMemberRef {
  const key = id.toHexString();
  return names.get(key) ?? { id: key, displayName: '—' };
}

/** Labs as the actor sees them: names, counts and their own RSVP, in a fixed number of queries. */
export async function presentLabs(labs: ReadableLab[], actor: LabActor, now = new Date()): Promise<Lab[]> {
  if (labs.length === 0) return [];
  const ids = labs.map((l) => l._id);
  const [names, mine, waitlisted, seats] = await Promise.all([
    memberNames(labs.flatMap((l) => [l.hostId, ...l.facilitatorIds])),
    LabParticipantModel.find(
      { labId: trusted({ $in: ids }), memberId: actor.id },
      { labId: 1, rsvp: 1, waitlistedAt: 1 },
    ).lean(),
    LabParticipantModel.find(
      { labId: trusted({ $in: ids }), rsvp: 'waitlisted' },
      { labId: 1, waitlistedAt: 1 },
    ).lean(),
    LabSeatModel.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: { labId: { $in: ids } } },
      { $group: { _id: '$labId', n: { $sum: 1 } } },
    ]),
  ]);
  const seatsBy = new Map(seats.map((s) => [s._id.toHexString(), s.n]));
  const mineBy = new Map(mine.map((p) => [p.labId.toHexString(), p]));
  const waitBy = new Map<string, Date[]>();
  for (const w of waitlisted) {
    const key = w.labId.toHexString();
    const list = waitBy.get(key) ?? [];
    list.push(w.waitlistedAt ?? new Date(0));
    waitBy.set(key, list);
  }
  return labs.map((lab) => {
    const key = lab._id.toHexString();
    const me = mineBy.get(key);
    const waits = waitBy.get(key) ?? [];
    const position =
      me?.rsvp === 'waitlisted' && me.waitlistedAt
        ? waits.filter((at) => at.getTime() <= me.waitlistedAt!.getTime()).length
        : null;
    return {
      id: key,
      title: lab.title,
      purpose: lab.purpose,
      startsAt: lab.startsAt.toISOString(),
      endsAt: labEndsAt(lab).toISOString(),
      durationMinutes: lab.durationMinutes,
      capacity: lab.capacity,
      visibility: lab.visibility,
      coalitionId: lab.coalitionId ? lab.coalitionId.toHexString() : null,
      status: lab.status,
      host: ref(lab.hostId, names),
      facilitators: lab.facilitatorIds.map((id) => ref(id, names)),
      agenda: lab.agenda.map((a) => ({ title: a.title, minutes: a.minutes, kind: a.kind })),
      dotsPerMember: lab.dotsPerMember,
      allowAnonymousIdeas: lab.allowAnonymousIdeas,
      summaryCategoryId: lab.summaryCategoryId?.toHexString() ?? null,
      summaryThreadId: lab.summaryThreadId?.toHexString() ?? null,
      goingCount: seatsBy.get(key) ?? 0,
      waitlistCount: waits.length,
      myRsvp: me?.rsvp ?? null,
      myWaitlistPosition: position,
      canManage: isFacilitator(actor, lab),
      roomOpen: roomOpen(lab, now),
    };
  });
}

/** The room's control state: phase, countdown, what is open, spotlight, who leads, who is muted. */
export async function presentPhase(lab: LabLean): Promise<LabPhase> {
  const item = lab.phaseIndex >= 0 ? lab.agenda[lab.phaseIndex] : undefined;
  const leadId = lab.leadId ?? null;
  const [muted, names] = await Promise.all([
    LabParticipantModel.find({ labId: lab._id, muted: true }, { memberId: 1 }).lean(),
    memberNames(leadId ? [leadId] : []),
  ]);
  return {
    labId: lab._id.toHexString(),
    status: lab.status,
    index: lab.phaseIndex,
    title: item?.title ?? null,
    kind: item?.kind ?? null,
    endsAt: lab.status === 'live' ? (lab.phaseEndsAt?.toISOString() ?? null) : null,
    chatOpen: lab.chatOpen,
    ideasOpen: lab.ideasOpen ?? true,
    votingOpen: lab.votingOpen ?? true,
    anonymousIdeas: lab.allowAnonymousIdeas,
    spotlightSeq: lab.spotlightSeq ?? null,
    lead: leadId ? ref(leadId, names) : null,
    mutedIds: muted.map((m) => m.memberId.toHexString()),
  };
}

/** A chat message; `people` (from memberNames) adds the author's current picture. */
export function presentMessage(m: MessageLean, people?: Map<string, LabMemberRef>): LabMessage {
  const avatar = people?.get(m.authorId.toHexString())?.avatar;
  return {
    labId: m.labId.toHexString(),
    seq: m.seq,
    author: { id: m.authorId.toHexString(), displayName: m.authorName, ...(avatar ? { avatar } : {}) },
    body: m.body,
    replyTo: m.replyTo,
    createdAt: m.createdAt.toISOString(),
  };
}

/** Dots per idea of a lab, counted from the dot rows (the truth; nothing to drift). */
export async function dotCounts(labId: Types.ObjectId): Promise<Map<string, number>> {
  const rows = await LabDotModel.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { labId } },
    { $group: { _id: '$ideaId', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [r._id.toHexString(), r.n]));
}

export function presentIdea(idea: IdeaLean, dots: number, mine: boolean): LabIdea {
  return {
    id: idea._id.toHexString(),
    labId: idea.labId.toHexString(),
    phaseIndex: idea.phaseIndex,
    text: idea.text,
    author: idea.anonymous ? null : { id: idea.authorId.toHexString(), displayName: idea.authorName },
    dots,
    mine,
    mergedIntoId: idea.mergedIntoId?.toHexString() ?? null,
    group: idea.group ?? null,
    createdAt: idea.createdAt.toISOString(),
  };
}

export function presentOutcome(o: OutcomeLean): LabOutcome {
  return {
    id: o._id.toHexString(),
    labId: o.labId.toHexString(),
    title: o.title,
    text: o.text,
    reviewAt: o.reviewAt?.toISOString() ?? null,
    createdBy: { id: o.createdById.toHexString(), displayName: o.createdByName },
    createdAt: o.createdAt.toISOString(),
  };
}

export function presentAction(a: ActionLean): ActionItem {
  return {
    id: a._id.toHexString(),
    labId: a.labId.toHexString(),
    title: a.title,
    owner: a.ownerId ? { id: a.ownerId.toHexString(), displayName: a.ownerName ?? '—' } : null,
    dueDate: a.dueDate,
    status: a.status,
    createdAt: a.createdAt.toISOString(),
  };
}
