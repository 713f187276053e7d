import {
  labLimits,
  type ConsensusChoice,
  type ConsensusTally,
  type Lab,
  type LabMemberRef,
  type LabMessage,
  type LabMessageSend,
  type LabQueue,
  type LabState,
} from '@commons/shared';
import { trusted, Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { assertMayPublish } from '../moderation/publishing.js';
import { tallyChecks } from './consensus.js';
import { labIdOr404, labNotFound, visibleLab, type LabContext } from './context.js';
import { loadQueue } from './live.js';
import {
  LabActionModel,
  LabConsensusModel,
  LabDotModel,
  LabIdeaModel,
  LabMessageModel,
  LabModel,
  LabOutcomeModel,
  LabParticipantModel,
  type ActionLean,
  type IdeaLean,
  type LabLean,
  type MessageLean,
  type OutcomeLean,
} from './model.js';
import { isFacilitator, labPolicy, roomOpen, type LabActor } from './policy.js';
import {
  presentAction,
  presentIdea,
  presentLabs,
  memberNames,
  presentMessage,
  presentOutcome,
  presentPhase,
} from './present.js';
import { readableKnown, readableLabs, type ReadableLab } from './read-rule.js';
import {
  LabRoomModel,
  roomPart,
  type RoomBase,
  type RoomBuilt,
  type RoomMine,
  type RoomSeat,
  type RoomShared,
} from './room-model.js';

/** A member inside the room: the lab they may read, its live model, their own part and seat. */
export interface Entered {
  lab: ReadableLab;
  room: RoomShared;
  mine: RoomMine;
  seat: RoomSeat;
}

/** What of the room follows from the lab document: the base, the queue and the tallies. */
async function labPart(lab: LabLean): Promise<{ base: RoomBase; queue: LabQueue; checks: ConsensusTally[] }> {
  // Presented as its host sees it; the viewer's own fields are set on entry.
  const host: LabActor = { id: lab.hostId.toHexString(), role: 'member', displayName: '' };
  const [asHost] = await readableLabs(host, [lab]);
  const [presented, waitlisted, queue, phase, checks] = await Promise.all([
    presentLabs([asHost!], host),
    LabParticipantModel.find({ labId: lab._id, rsvp: 'waitlisted' }, { waitlistedAt: 1 }).lean(),
    loadQueue(lab),
    presentPhase(lab),
    tallyChecks(lab),
  ]);
  const { myRsvp: _r, myWaitlistPosition: _w, canManage: _c, roomOpen: _o, ...shared } = presented[0]!;
  const base: RoomBase = {
    lab: JSON.parse(JSON.stringify(lab)) as Record<string, unknown>,
    presented: shared,
    waits: waitlisted.map((w) => (w.waitlistedAt ?? new Date(0)).toISOString()),
    phase,
    lastSeq: lab.msgSeq,
  };
  return { base, queue, checks };
}

/**
 * A change of the lab document (a phase, the timer, the board's switches, the floor, mutes) is
 * taken into the room's model in place: the lab's part is read again after a ticket
 * (room-model.ts) and replaces the one in the model. Ideas, dots, chat and seats stay.
 */
export async function refreshLab(model: LabRoomModel, labId: string): Promise<void> {
  const ticket = await model.ticket(labId);
  const lab = await LabModel.findById(labIdOr404(labId)).lean<LabLean>();
  if (!lab) return model.changed(labId);
  const { base, queue, checks } = await labPart(lab);
  await model.update(labId, ticket, [roomPart.base(base), roomPart.queue(queue), ...checks.map(roomPart.check)]);
}

/** Builds the room's shared state and every member's own part from the store (a model miss). */
async function buildRoom(labId: Types.ObjectId): Promise<RoomBuilt> {
  const lab = await LabModel.findById(labId).lean<LabLean>();
  if (!lab) throw labNotFound();
  const voting = lab.status === 'live' && lab.agenda[lab.phaseIndex]?.kind === 'consensus';
  const [part, recent, ideas, dots, actions, outcomes, votes, spoke] = await Promise.all([
    labPart(lab),
    LabMessageModel.find({ labId }).sort({ seq: -1 }).limit(labLimits.recentMessages).lean<MessageLean[]>(),
    LabIdeaModel.find({ labId }).sort({ createdAt: 1, _id: 1 }).lean<IdeaLean[]>(),
    LabDotModel.find({ labId }, { memberId: 1, ideaId: 1 }).lean(),
    LabActionModel.find({ labId }).sort({ createdAt: 1, _id: 1 }).lean<ActionLean[]>(),
    LabOutcomeModel.find({ labId }).sort({ createdAt: 1, _id: 1 }).lean<OutcomeLean[]>(),
    voting
      ? LabConsensusModel.find({ labId, phaseIndex: lab.phaseIndex }, { memberId: 1, choice: 1 }).lean()
      : Promise.resolve([]),
    LabParticipantModel.find({ labId, contributed: true }, { memberId: 1 }).lean(),
  ]);
  const authors = await memberNames(recent.map((m) => m.authorId));
  const messages = recent.reverse().map((m) => presentMessage(m, authors));
  const counts = new Map<string, number>();
  const dotsBy = new Map<string, string[]>();
  for (const d of dots) {
    const idea = d.ideaId.toHexString();
    const member = d.memberId.toHexString();
    counts.set(idea, (counts.get(idea) ?? 0) + 1);
    dotsBy.set(member, [...(dotsBy.get(member) ?? []), idea]);
  }
  return {
    ...part.base,
    queue: part.queue,
    checks: part.checks,
    ideas: ideas
      .map((i) => presentIdea(i, counts.get(i._id.toHexString()) ?? 0, false))
      .sort((a, b) => b.dots - a.dots),
    actions: actions.map(presentAction),
    outcomes: outcomes.map(presentOutcome),
    messages,
    lastSeq: Math.max(lab.msgSeq, messages.at(-1)?.seq ?? 0),
    dots: dotsBy,
    votes: new Map(
      votes.map((v) => [v.memberId.toHexString(), { phaseIndex: lab.phaseIndex, choice: v.choice as ConsensusChoice }]),
    ),
    spoke: spoke.map((r) => r.memberId.toHexString()),
  };
}

/** Whether the member takes part (context.ts `takesPart`), from their known seat. */
function takesPartKnown(actor: LabActor, lab: LabLean, seat: RoomSeat | null): boolean {
  if (isFacilitator(actor, lab)) return true;
  if (seat?.removed) return false;
  return lab.capacity === null || seat?.rsvp === 'going';
}

/**
 * The room from its live model (room-model.ts): entering, the state on entry and chat cost a
 * member's own seat at most (one store command, then cached) and, on first entry, recording
 * attendance; the rest comes from Redis.
 */
export function roomOps(ctx: LabContext, model: LabRoomModel | undefined) {
  const need = (): LabRoomModel => {
    if (!model) throw new Error('the lab room needs its live model (Redis)');
    return model;
  };

  /**
   * The lab from the model if the actor may read it, with their seat (made if missing). `enter`:
   * the room must be open now, and the seat's command records the attendance of a member who
   * takes part whatever their row says (a facilitator, anyone in a lab without a capacity).
   */
  async function known(actor: LabActor, labId: string, enter = false): Promise<Entered> {
    const id = labIdOr404(labId);
    const m = need();
    const { room, mine } = await m.shared(id.toHexString(), () => buildRoom(id), actor.id);
    const lab = LabRoomModel.lab(room);
    // An invite-only lab: the invitation is read before anything is written for the member.
    const early =
      lab.visibility === 'invite' && !isFacilitator(actor, lab) ? await m.seat(labId, actor.id, false) : null;
    const readable = await readableKnown(actor, lab, early?.invited === true);
    if (!readable) throw labNotFound();
    if (enter) labPolicy.enter(lab, ctx.now());
    const attend = enter && (isFacilitator(actor, lab) || lab.capacity === null);
    return { lab: readable, room, mine, seat: early ?? (await m.seat(labId, actor.id, true, attend))! };
  }

  return {
    /** Checks the actor may enter the room now and records their attendance. */
    async enterRoom(actor: LabActor, labId: string): Promise<Entered> {
      const entered = await known(actor, labId, true);
      const { lab, seat } = entered;
      if (seat.removed) throw new AppError('forbidden', 'A facilitator removed you from this lab.');
      // Only those taking part count as attending; a waitlisted member follows the room.
      if (takesPartKnown(actor, lab, seat) && !seat.attended) {
        await need().limited(() =>
          LabParticipantModel.updateOne({ labId: lab._id, memberId: actor.id }, { $set: { attended: true } }),
        );
        entered.seat = { ...seat, attended: true };
        await need().noteSeat(labId, actor.id, entered.seat);
      }
      return entered;
    },

    /** Everything a member needs on entering (or re-entering) the room. */
    async roomState(
      actor: LabActor,
      { lab, room, mine, seat }: Entered,
      participants: LabMemberRef[],
    ): Promise<LabState> {
      const kind = lab.agenda[lab.phaseIndex]?.kind;
      const voting = lab.status === 'live' && kind === 'consensus';
      // The member's own dots and answer come with the model: no store read.
      const mineSet = new Set(mine.dots);
      const myVote = voting && mine.vote?.phaseIndex === lab.phaseIndex ? mine.vote.choice : null;
      const position =
        seat.rsvp === 'waitlisted' && seat.waitlistedAt
          ? room.waits.filter((at) => at <= seat.waitlistedAt!).length
          : null;
      const presented: Lab = {
        ...room.presented,
        myRsvp: seat.rsvp as Lab['myRsvp'],
        myWaitlistPosition: position,
        canManage: isFacilitator(actor, lab),
        roomOpen: roomOpen(lab, ctx.now()),
      };
      return {
        lab: presented,
        phase: room.phase,
        participants,
        messages: room.messages,
        lastSeq: room.lastSeq,
        ideas: room.ideas.map((i) => (mineSet.has(i.id) ? { ...i, mine: true } : i)),
        dotsLeft: Math.max(0, lab.dotsPerMember - mine.dots.length),
        consensus: voting ? (room.checks.find((c) => c.phaseIndex === lab.phaseIndex) ?? null) : null,
        myConsensus: myVote,
        checks: room.checks,
        takingPart: takesPartKnown(actor, lab, seat),
        queue: room.queue,
        actions: room.actions,
        outcomes: room.outcomes,
      };
    },

    async sendMessage(actor: LabActor, input: LabMessageSend): Promise<LabMessage> {
      await assertMayPublish(actor);
      const { lab, seat } = await known(actor, input.labId);
      labPolicy.chat(actor, lab);
      if (!takesPartKnown(actor, lab, seat))
        throw new AppError(
          'forbidden',
          'Only members with a seat take part in this lab; you can follow it from the room.',
        );
      if (!isFacilitator(actor, lab) && seat.muted)
        throw new AppError('forbidden', 'A facilitator muted you in this lab.');
      const storedMax = async () =>
        (await LabMessageModel.findOne({ labId: lab._id }, { seq: 1 }).sort({ seq: -1 }).lean())?.seq ?? 0;
      let doc;
      for (let attempt = 0; !doc; attempt++) {
        const seq = await ctx.sequence.next(input.labId, storedMax);
        try {
          doc = await LabMessageModel.create({
            labId: lab._id,
            seq,
            authorId: new Types.ObjectId(actor.id),
            authorName: actor.displayName,
            body: input.body,
            replyTo: input.replyTo !== undefined && input.replyTo < seq ? input.replyTo : null,
            createdAt: ctx.now(),
          });
        } catch (err) {
          // The counter fell behind the store (a lost Redis key): catch it up and take the next.
          if (!isDuplicateKey(err) || attempt >= 5) throw err;
          await ctx.sequence.raise(input.labId, await storedMax());
        }
      }
      // Broadcast first: the bookkeeping below does not hold up delivery to the room.
      // The author's picture comes from the member reference cache (rarely a store read).
      const message = presentMessage(doc.toObject() as MessageLean, await memberNames([doc.authorId]));
      ctx.events.publish('lab.message', { message });
      await need().appended(input.labId, message);
      // The member's first contribution is written once; later messages know it from the seat.
      if (!seat.contributed) {
        await LabParticipantModel.updateOne({ labId: lab._id, memberId: actor.id }, { $set: { contributed: true } });
        await need().noteSeat(input.labId, actor.id, { ...seat, contributed: true });
        await need().spoke(input.labId, [actor.id]);
      }
      return message;
    },

    /**
     * Facilitators see who is in the room (`present`, from presence) but has not said anything
     * yet: from the room's model, no store command.
     */
    async quietMembers(actor: LabActor, labId: string, present: LabMemberRef[]): Promise<LabMemberRef[]> {
      const id = labIdOr404(labId);
      const m = need();
      const { room } = await m.shared(labId, () => buildRoom(id));
      const lab = LabRoomModel.lab(room);
      // Only facilitators and admins manage a lab, and they may always read it (read-rule.ts).
      try {
        labPolicy.manage(actor, lab);
      } catch (err) {
        // Someone who may not read the lab learns nothing of it, not even that it has facilitators.
        const invited = lab.visibility === 'invite' ? (await m.seat(labId, actor.id, false))?.invited === true : false;
        if (!(await readableKnown(actor, lab, invited))) throw labNotFound();
        throw err;
      }
      const spoke = await m.spoken(labId, () => buildRoom(id));
      return present.filter((p) => !spoke.has(p.id) && !isFacilitator({ id: p.id, role: 'member' }, lab));
    },

    /** Messages after `seq` (a reconnecting client's catch-up), oldest first. */
    async messagesSince(
      actor: LabActor,
      labId: string,
      seq: number,
    ): Promise<{ messages: LabMessage[]; lastSeq: number }> {
      const lab = await visibleLab(actor, labId);
      const rows = await LabMessageModel.find({ labId: lab._id, seq: trusted({ $gt: seq }) })
        .sort({ seq: 1 })
        .limit(labLimits.sincePageMax)
        .lean<MessageLean[]>();
      const authors = await memberNames(rows.map((m) => m.authorId));
      const messages = rows.map((m) => presentMessage(m, authors));
      // The lab's stored counter is no longer raised per message; the rows and the asked seq are.
      return { messages, lastSeq: Math.max(lab.msgSeq, seq, messages.at(-1)?.seq ?? 0) };
    },
  };
}
