import {
  labLimits,
  type ConsensusChoice,
  type ConsensusTally,
  type LabConsensusSet,
  type LabIdeaGroup,
  type LabIdeaMerge,
  type LabConsensusVote,
  type LabIdea,
  type LabIdeaAdd,
  type LabMemberRef,
  type LabMessage,
  type LabMessageSend,
  type LabPhase,
  type LabQueue,
  type LabState,
  type LabBoardPayload,
  type LabOutcome,
  type OutcomeCreateBody,
} from '@commons/shared';
import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { ensureParticipant, isDuplicateKey, labIdOr404, visibleLab, type LabContext } from './context.js';
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
import { isFacilitator, labPolicy, type LabActor } from './policy.js';
import {
  dotCounts,
  memberNames,
  presentAction,
  presentIdea,
  presentLabs,
  presentMessage,
  presentOutcome,
  presentPhase,
  ref,
} from './present.js';

/** The speaking queue: raised hands oldest first, and who has the floor. */
export async function loadQueue(lab: LabLean): Promise<LabQueue> {
  const raised = await LabParticipantModel.find({ labId: lab._id, handRaisedAt: { $ne: null } }, { memberId: 1 })
    .sort({ handRaisedAt: 1, _id: 1 })
    .lean();
  const ids = raised.map((r) => r.memberId);
  const names = await memberNames(lab.speakingId ? [...ids, lab.speakingId] : ids);
  return {
    labId: lab._id.toHexString(),
    hands: ids.map((id) => ref(id, names)),
    speaking: lab.speakingId ? ref(lab.speakingId, names) : null,
  };
}

/** How a consensus check runs: the lab's settings, or (for the summary afterwards) everything revealed. */
export interface ConsensusSettings {
  anonymous: boolean;
  quorum: number | null;
  hidden: boolean;
  closed: boolean;
}

export const consensusSettingsOf = (
  lab: Pick<LabLean, 'consensusAnonymous' | 'consensusQuorum' | 'consensusHidden' | 'consensusClosed'>,
): ConsensusSettings => ({
  anonymous: lab.consensusAnonymous ?? true,
  quorum: lab.consensusQuorum ?? null,
  hidden: lab.consensusHidden ?? false,
  closed: lab.consensusClosed ?? false,
});

/**
 * The consensus votes of one phase, tallied; a single block blocks, and below the quorum there is
 * no result. While the results are hidden (until the check closes) only the number of answers shows.
 */
export async function tallyConsensus(
  labId: Types.ObjectId,
  phaseIndex: number,
  settings: ConsensusSettings = { anonymous: true, quorum: null, hidden: false, closed: true },
): Promise<ConsensusTally> {
  const votes = await LabConsensusModel.find({ labId, phaseIndex }).sort({ updatedAt: 1, _id: 1 }).lean();
  const counts = { agree: 0, abstain: 0, disagree: 0, block: 0 };
  for (const v of votes) counts[v.choice]++;
  const masked = settings.hidden && !settings.closed;
  const outcome = masked
    ? 'pending'
    : votes.length === 0
      ? 'no_votes'
      : settings.quorum !== null && votes.length < settings.quorum
        ? 'no_quorum'
        : counts.block > 0
          ? 'blocked'
          : counts.disagree === 0 && counts.agree > 0
            ? 'agreed'
            : 'not_agreed';
  const names =
    settings.anonymous || masked ? new Map<string, string>() : await memberNames(votes.map((v) => v.memberId));
  return {
    phaseIndex,
    counts: masked ? { agree: 0, abstain: 0, disagree: 0, block: 0 } : counts,
    blockReasons: masked ? [] : votes.filter((v) => v.choice === 'block').map((v) => v.reason),
    outcome,
    total: votes.length,
    quorum: settings.quorum,
    anonymous: settings.anonymous,
    hidden: settings.hidden,
    closed: settings.closed,
    voters:
      settings.anonymous || masked ? [] : votes.map((v) => ({ member: ref(v.memberId, names), choice: v.choice })),
  };
}

/** The live room: entering, chat with per-lab sequence numbers, facilitation, ideas, consensus. */
export function liveOps(ctx: LabContext) {
  const { events } = ctx;

  async function publishPhase(lab: LabLean): Promise<LabPhase> {
    const phase = await presentPhase(lab);
    events.publish('lab.phase', { phase });
    return phase;
  }

  async function publishQueue(lab: LabLean): Promise<LabQueue> {
    const queue = await loadQueue(lab);
    events.publish('lab.queue', { queue });
    return queue;
  }

  /** A facilitator-only change of a live lab, applied only if the lab is still as read. */
  async function facilitate(
    actor: LabActor,
    labId: string,
    change: (lab: LabLean) => { filter?: Record<string, unknown>; update: Record<string, unknown> },
    check: (actor: LabActor, lab: LabLean) => void = labPolicy.runLive,
  ): Promise<LabLean> {
    const lab = await visibleLab(actor, labId);
    check(actor, lab);
    labPolicy.holdsControls(actor, lab);
    return controlled(lab._id.toHexString(), async () => {
      // Read again under the lock: a change that just finished is seen, not overwritten.
      const current = (await LabModel.findById(lab._id).lean<LabLean>()) ?? lab;
      if (current.status !== lab.status || current.phaseIndex !== lab.phaseIndex)
        throw new AppError('conflict', 'The lab changed meanwhile; try again.');
      const { filter = {}, update } = change(current);
      const updated = await LabModel.findOneAndUpdate(
        { _id: lab._id, status: current.status, phaseIndex: current.phaseIndex, ...filter },
        update,
        { returnDocument: 'after' },
      ).lean<LabLean>();
      if (!updated) throw new AppError('conflict', 'The lab changed meanwhile; try again.');
      return updated;
    });
  }

  /**
   * Runs a change of the lab's controls holding its lock (two facilitators clicking at once: one
   * wins, the other is told to try again). Without a mutex (unit tests) it runs as is.
   */
  function controlled<T>(labId: string, fn: () => Promise<T>): Promise<T> {
    if (!ctx.mutex) return fn();
    return ctx.mutex.exclusive(`lab-control:${labId}`, fn, () => {
      throw new AppError('conflict', 'Another facilitator is changing the lab right now; try again.');
    });
  }

  /** A member the facilitators act on (mute, remove): a participant, never a facilitator. */
  async function targetParticipant(lab: LabLean, memberId: string): Promise<void> {
    if (isFacilitator({ id: memberId, role: 'member', displayName: '' }, lab))
      throw new AppError('forbidden', 'Facilitators cannot be muted or removed.');
    const row = await LabParticipantModel.exists({ labId: lab._id, memberId });
    if (!row) throw new AppError('not_found', 'This member has not taken part in the lab.');
  }

  async function participantRow(labId: Types.ObjectId, memberId: string) {
    return LabParticipantModel.findOne({ labId, memberId }, { muted: 1, removed: 1 }).lean();
  }

  const phaseEnd = (lab: LabLean, index: number, from: Date) =>
    new Date(from.getTime() + (lab.agenda[index]?.minutes ?? 0) * 60_000);

  /** Marks the member as having contributed (their own row, so no contention). */
  async function contributed(labId: Types.ObjectId, memberId: string | Types.ObjectId): Promise<void> {
    await ensureParticipant(labId, String(memberId));
    await LabParticipantModel.updateOne({ labId, memberId }, { $set: { contributed: true } });
  }

  /** Ideas of a lab with their dot counts, most dots first. */
  async function ideasWithDots(labId: Types.ObjectId, viewerId: string): Promise<LabIdea[]> {
    const [ideas, counts, mine] = await Promise.all([
      LabIdeaModel.find({ labId }).sort({ createdAt: 1, _id: 1 }).lean<IdeaLean[]>(),
      dotCounts(labId),
      LabDotModel.find({ labId, memberId: viewerId }, { ideaId: 1 }).lean(),
    ]);
    const mineSet = new Set(mine.map((d) => d.ideaId.toHexString()));
    return ideas
      .map((i) => presentIdea(i, counts.get(i._id.toHexString()) ?? 0, mineSet.has(i._id.toHexString())))
      .sort((a, b) => b.dots - a.dots);
  }

  return {
    /** Checks the actor may enter the room now and records their attendance. */
    async enterRoom(actor: LabActor, labId: string): Promise<LabLean> {
      const lab = await visibleLab(actor, labId);
      labPolicy.enter(lab, ctx.now());
      if ((await participantRow(lab._id, actor.id))?.removed)
        throw new AppError('forbidden', 'A facilitator removed you from this lab.');
      await ensureParticipant(lab._id, actor.id);
      await LabParticipantModel.updateOne({ labId: lab._id, memberId: actor.id }, { $set: { attended: true } });
      return lab;
    },

    /** Everything a member needs on entering (or re-entering) the room. */
    async roomState(actor: LabActor, lab: LabLean, presentIds: string[]): Promise<LabState> {
      const fresh = (await LabModel.findById(lab._id).lean<LabLean>()) ?? lab;
      const [presented, names, recent, ideas, myDots, actions, myVote, queue, phase, outcomes] = await Promise.all([
        presentLabs([fresh], actor, ctx.now()),
        memberNames(presentIds.map((id) => new Types.ObjectId(id))),
        LabMessageModel.find({ labId: lab._id })
          .sort({ seq: -1 })
          .limit(labLimits.recentMessages)
          .lean<MessageLean[]>(),
        ideasWithDots(lab._id, actor.id),
        LabDotModel.countDocuments({ labId: lab._id, memberId: actor.id }),
        LabActionModel.find({ labId: lab._id }).sort({ createdAt: 1, _id: 1 }).lean<ActionLean[]>(),
        LabConsensusModel.findOne({ labId: lab._id, phaseIndex: fresh.phaseIndex, memberId: actor.id }).lean(),
        loadQueue(fresh),
        presentPhase(fresh),
        LabOutcomeModel.find({ labId: lab._id }).sort({ createdAt: 1, _id: 1 }).lean<OutcomeLean[]>(),
      ]);
      const kind = fresh.agenda[fresh.phaseIndex]?.kind;
      const messages = recent.reverse().map(presentMessage);
      return {
        lab: presented[0]!,
        phase,
        participants: presentIds.map((id) => ref(new Types.ObjectId(id), names)),
        messages,
        lastSeq: Math.max(fresh.msgSeq, messages.at(-1)?.seq ?? 0),
        ideas,
        dotsLeft: Math.max(0, fresh.dotsPerMember - myDots),
        consensus:
          kind === 'consensus' ? await tallyConsensus(fresh._id, fresh.phaseIndex, consensusSettingsOf(fresh)) : null,
        myConsensus: (myVote?.choice as ConsensusChoice | undefined) ?? null,
        queue,
        actions: actions.map(presentAction),
        outcomes: outcomes.map(presentOutcome),
      };
    },

    async sendMessage(actor: LabActor, input: LabMessageSend): Promise<LabMessage> {
      const lab = await visibleLab(actor, input.labId);
      labPolicy.chat(actor, lab);
      if (!isFacilitator(actor, lab) && (await participantRow(lab._id, actor.id))?.muted)
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
      const message = presentMessage(doc.toObject() as MessageLean);
      events.publish('lab.message', { message });
      await LabModel.updateOne({ _id: lab._id, msgSeq: { $lt: doc.seq } }, { $set: { msgSeq: doc.seq } });
      await contributed(lab._id, actor.id);
      return message;
    },

    /** Messages after `seq` (a reconnecting client's catch-up), oldest first. */
    async messagesSince(
      actor: LabActor,
      labId: string,
      seq: number,
    ): Promise<{ messages: LabMessage[]; lastSeq: number }> {
      const lab = await visibleLab(actor, labId);
      const rows = await LabMessageModel.find({ labId: lab._id, seq: { $gt: seq } })
        .sort({ seq: 1 })
        .limit(labLimits.sincePageMax)
        .lean<MessageLean[]>();
      const messages = rows.map(presentMessage);
      return { messages, lastSeq: Math.max(lab.msgSeq, messages.at(-1)?.seq ?? 0) };
    },

    async start(actor: LabActor, labId: string): Promise<LabPhase> {
      const now = ctx.now();
      const lab = await facilitate(
        actor,
        labId,
        (l) => ({
          update: {
            $set: { status: 'live', phaseIndex: 0, phaseEndsAt: phaseEnd(l, 0, now), startedAt: now },
          },
        }),
        (a, l) => labPolicy.start(a, l, now),
      );
      return publishPhase(lab);
    },

    async advance(actor: LabActor, labId: string): Promise<LabPhase> {
      const now = ctx.now();
      const lab = await facilitate(actor, labId, (l) => {
        const next = l.phaseIndex + 1;
        if (next >= l.agenda.length)
          throw new AppError('conflict', 'This is the last phase of the agenda; end the lab instead.');
        return {
          update: {
            $set: {
              phaseIndex: next,
              phaseEndsAt: phaseEnd(l, next, now),
              ideasOpen: true,
              votingOpen: true,
              consensusClosed: false,
            },
          },
        };
      });
      return publishPhase(lab);
    },

    /**
     * The countdown of phase `phaseIndex` ended at `endsAt` (a delayed job): moves to the next
     * phase, but only if the lab is still live in that phase with that end (not advanced,
     * extended or ended meanwhile) and it is not the last phase. Holds the same lock as the
     * facilitators' controls.
     */
    async advanceIfDue(labId: string, phaseIndex: number, endsAt: Date): Promise<LabPhase | null> {
      return controlled(labId, async () => {
        const lab = await LabModel.findById(labIdOr404(labId)).lean<LabLean>();
        if (!lab || lab.status !== 'live' || lab.phaseIndex !== phaseIndex) return null;
        if (lab.phaseEndsAt?.getTime() !== endsAt.getTime()) return null;
        const next = phaseIndex + 1;
        if (next >= lab.agenda.length) return null;
        const now = ctx.now();
        const updated = await LabModel.findOneAndUpdate(
          { _id: lab._id, status: 'live', phaseIndex, phaseEndsAt: endsAt },
          {
            $set: {
              phaseIndex: next,
              phaseEndsAt: phaseEnd(lab, next, now),
              ideasOpen: true,
              votingOpen: true,
              consensusClosed: false,
            },
          },
          { returnDocument: 'after' },
        ).lean<LabLean>();
        return updated ? publishPhase(updated) : null;
      });
    },

    /** Puts a message in the spotlight (seq) or clears it (null). */
    async spotlight(actor: LabActor, labId: string, seq: number | null): Promise<LabPhase> {
      if (seq !== null) {
        const lab = await visibleLab(actor, labId);
        if (!(await LabMessageModel.exists({ labId: lab._id, seq })))
          throw new AppError('not_found', 'No message with this number in the lab.');
      }
      const lab = await facilitate(actor, labId, () => ({ update: { $set: { spotlightSeq: seq } } }));
      return publishPhase(lab);
    },

    /** Opens or closes adding ideas and placing dots in this phase, and allows anonymous ideas or not. */
    async setBoard(actor: LabActor, input: LabBoardPayload): Promise<LabPhase> {
      const set: Record<string, boolean> = {};
      if (input.ideasOpen !== undefined) set.ideasOpen = input.ideasOpen;
      if (input.votingOpen !== undefined) set.votingOpen = input.votingOpen;
      if (input.anonymousIdeas !== undefined) set.allowAnonymousIdeas = input.anonymousIdeas;
      const lab = await facilitate(actor, input.labId, () => ({ update: { $set: set } }));
      return publishPhase(lab);
    },

    /** Mutes (or unmutes) a participant: a muted member cannot chat or add ideas. */
    async mute(actor: LabActor, labId: string, memberId: string, muted: boolean): Promise<LabPhase> {
      const lab = await visibleLab(actor, labId);
      labPolicy.runLive(actor, lab);
      labPolicy.holdsControls(actor, lab);
      await targetParticipant(lab, memberId);
      await LabParticipantModel.updateOne({ labId: lab._id, memberId }, { $set: { muted } });
      return publishPhase((await LabModel.findById(lab._id).lean<LabLean>()) ?? lab);
    },

    /** Removes a participant: they leave the room now and cannot enter it again. */
    async remove(actor: LabActor, labId: string, memberId: string): Promise<{ labId: string; memberId: string }> {
      const lab = await visibleLab(actor, labId);
      labPolicy.runLive(actor, lab);
      labPolicy.holdsControls(actor, lab);
      await targetParticipant(lab, memberId);
      await LabParticipantModel.updateOne(
        { labId: lab._id, memberId },
        { $set: { removed: true, handRaisedAt: null } },
      );
      events.publish('lab.removed', { labId, memberId });
      await publishQueue(lab);
      return { labId, memberId };
    },

    /** Hands the controls to another facilitator (the host or a co-facilitator): only they run the lab then. */
    async handOff(actor: LabActor, labId: string, memberId: string): Promise<LabPhase> {
      const lab = await facilitate(actor, labId, (l) => {
        if (!isFacilitator({ id: memberId, role: 'member', displayName: '' }, l))
          throw new AppError('validation_failed', 'Controls can only go to one of the lab’s facilitators.', {
            fieldErrors: { memberId: ['not a facilitator of this lab'] },
            formErrors: [],
          });
        return { update: { $set: { leadId: new Types.ObjectId(memberId) } } };
      });
      return publishPhase(lab);
    },

    async listOutcomes(actor: LabActor, labId: string): Promise<LabOutcome[]> {
      const lab = await visibleLab(actor, labId);
      const rows = await LabOutcomeModel.find({ labId: lab._id }).sort({ createdAt: 1, _id: 1 }).lean<OutcomeLean[]>();
      return rows.map(presentOutcome);
    },

    /** Records a decision reached in the lab (facilitators, live or after), with an optional review date. */
    async createOutcome(actor: LabActor, labId: string, body: OutcomeCreateBody): Promise<LabOutcome> {
      const lab = await visibleLab(actor, labId);
      labPolicy.manage(actor, lab);
      if (lab.status !== 'live' && lab.status !== 'ended')
        throw new AppError('lab_closed', 'Outcomes are recorded once the lab has started.');
      const reviewAt = body.reviewAt ? new Date(body.reviewAt) : null;
      if (reviewAt && reviewAt.getTime() <= ctx.now().getTime())
        throw new AppError('validation_failed', 'The review date must be in the future.', {
          fieldErrors: { reviewAt: ['must be in the future'] },
          formErrors: [],
        });
      const doc = await LabOutcomeModel.create({
        labId: lab._id,
        title: body.title.trim(),
        text: (body.text ?? '').trim(),
        reviewAt,
        createdById: new Types.ObjectId(actor.id),
        createdByName: actor.displayName,
      });
      const outcome = presentOutcome(doc.toObject() as OutcomeLean);
      events.publish('lab.outcome', { labId, outcome });
      return outcome;
    },

    async extend(actor: LabActor, labId: string, minutes: number): Promise<LabPhase> {
      const now = ctx.now();
      const lab = await facilitate(actor, labId, (l) => {
        // An overrun phase is extended from now, a running one from its end.
        const base = l.phaseEndsAt && l.phaseEndsAt > now ? l.phaseEndsAt : now;
        return {
          filter: { phaseEndsAt: l.phaseEndsAt },
          update: { $set: { phaseEndsAt: new Date(base.getTime() + minutes * 60_000) } },
        };
      });
      return publishPhase(lab);
    },

    async setChat(actor: LabActor, labId: string, open: boolean): Promise<LabPhase> {
      const lab = await facilitate(actor, labId, () => ({ update: { $set: { chatOpen: open } } }));
      return publishPhase(lab);
    },

    async end(actor: LabActor, labId: string): Promise<LabPhase> {
      const lab = await facilitate(actor, labId, () => ({
        update: { $set: { status: 'ended', endedAt: ctx.now(), phaseEndsAt: null, speakingId: null } },
      }));
      await LabParticipantModel.updateMany(
        { labId: lab._id, handRaisedAt: { $ne: null } },
        { $set: { handRaisedAt: null } },
      );
      events.publish('lab.ended', { labId });
      return publishPhase(lab);
    },

    async raiseHand(actor: LabActor, labId: string): Promise<LabQueue> {
      const lab = await visibleLab(actor, labId);
      if (lab.status !== 'live') throw new AppError('lab_closed', 'The lab is not running.');
      await ensureParticipant(lab._id, actor.id);
      await LabParticipantModel.updateOne(
        { labId: lab._id, memberId: actor.id, handRaisedAt: null },
        { $set: { handRaisedAt: ctx.now() } },
      );
      return publishQueue(lab);
    },

    async lowerHand(actor: LabActor, labId: string): Promise<LabQueue> {
      const lab = await visibleLab(actor, labId);
      await LabParticipantModel.updateOne({ labId: lab._id, memberId: actor.id }, { $set: { handRaisedAt: null } });
      return publishQueue(lab);
    },

    /** The facilitator gives the floor to the first raised hand (or clears it when none is raised). */
    async callNext(actor: LabActor, labId: string): Promise<LabQueue> {
      const lab = await visibleLab(actor, labId);
      labPolicy.runLive(actor, lab);
      labPolicy.holdsControls(actor, lab);
      const first = await LabParticipantModel.findOne({ labId: lab._id, handRaisedAt: { $ne: null } })
        .sort({ handRaisedAt: 1, _id: 1 })
        .lean();
      if (first)
        await LabParticipantModel.updateOne({ _id: first._id }, { $set: { handRaisedAt: null, contributed: true } });
      const updated = await LabModel.findOneAndUpdate(
        { _id: lab._id },
        { $set: { speakingId: first?.memberId ?? null } },
        { returnDocument: 'after' },
      ).lean<LabLean>();
      return publishQueue(updated ?? lab);
    },

    /** Facilitators see who is in the room but has not said anything yet. */
    async quietMembers(actor: LabActor, labId: string, presentIds: string[]): Promise<LabMemberRef[]> {
      const lab = await visibleLab(actor, labId);
      labPolicy.manage(actor, lab);
      const rows = await LabParticipantModel.find({ labId: lab._id, contributed: true }, { memberId: 1 }).lean();
      const spoke = new Set(rows.map((r) => r.memberId.toHexString()));
      const quiet = presentIds.filter((id) => !spoke.has(id) && !isFacilitator({ ...actor, id, role: 'member' }, lab));
      const names = await memberNames(quiet.map((id) => new Types.ObjectId(id)));
      return quiet.map((id) => ref(new Types.ObjectId(id), names));
    },

    async addIdea(actor: LabActor, input: LabIdeaAdd): Promise<LabIdea> {
      const lab = await visibleLab(actor, input.labId);
      labPolicy.phaseIs(lab, ['ideas'], 'Ideas can be added');
      if (lab.ideasOpen === false) throw new AppError('lab_closed', 'The facilitators closed the idea board for now.');
      if (!isFacilitator(actor, lab) && (await participantRow(lab._id, actor.id))?.muted)
        throw new AppError('forbidden', 'A facilitator muted you in this lab.');
      const anonymous = input.anonymous === true;
      if (anonymous && !lab.allowAnonymousIdeas)
        throw new AppError('forbidden', 'This lab does not allow anonymous ideas.');
      const doc = await LabIdeaModel.create({
        labId: lab._id,
        phaseIndex: lab.phaseIndex,
        authorId: new Types.ObjectId(actor.id),
        authorName: actor.displayName,
        anonymous,
        text: input.text.trim(),
        createdAt: ctx.now(),
      });
      await contributed(lab._id, actor.id);
      const idea = presentIdea(doc.toObject() as IdeaLean, 0, false);
      events.publish('lab.idea', { idea });
      return idea;
    },

    /**
     * Puts (or takes back) one dot on an idea. Each member has `dotsPerMember` dots, at most one
     * per idea; each dot is a row with a unique (member, slot) and (member, idea), so racing
     * clicks can neither overspend nor double up.
     */
    async dot(
      actor: LabActor,
      labId: string,
      ideaId: string,
      on: boolean,
    ): Promise<{ idea: LabIdea; dotsLeft: number }> {
      const lab = await visibleLab(actor, labId);
      labPolicy.phaseIs(lab, ['ideas', 'vote'], 'Dots can be placed');
      if (lab.votingOpen === false) throw new AppError('lab_closed', 'The facilitators closed voting for now.');
      const me = new Types.ObjectId(actor.id);
      const ideaObjectId = labIdOr404(ideaId);
      const idea = await LabIdeaModel.findOne({ _id: ideaObjectId, labId: lab._id }).lean<IdeaLean>();
      if (!idea) throw new AppError('not_found', 'No idea with this id.');
      if (on && idea.mergedIntoId) throw new AppError('conflict', 'This idea was merged into another one.');
      if (on) {
        for (let attempt = 0; ; attempt++) {
          const mine = await LabDotModel.find({ labId: lab._id, memberId: me }, { slot: 1, ideaId: 1 }).lean();
          if (mine.some((d) => d.ideaId.equals(ideaObjectId))) break;
          const used = new Set(mine.map((d) => d.slot));
          let slot = 1;
          while (used.has(slot)) slot++;
          if (slot > lab.dotsPerMember) throw new AppError('conflict', 'You have used all your dots.');
          try {
            await LabDotModel.create({ labId: lab._id, memberId: me, slot, ideaId: ideaObjectId });
            break;
          } catch (err) {
            if (!isDuplicateKey(err) || attempt >= 10) throw err;
          }
        }
        await contributed(lab._id, actor.id);
      } else {
        await LabDotModel.deleteOne({ labId: lab._id, memberId: me, ideaId: ideaObjectId });
      }
      const [dots, mineNow] = await Promise.all([
        LabDotModel.countDocuments({ labId: lab._id, ideaId: ideaObjectId }),
        LabDotModel.find({ labId: lab._id, memberId: me }, { ideaId: 1 }).lean(),
      ]);
      events.publish('lab.idea', { idea: presentIdea(idea, dots, false) });
      return {
        idea: presentIdea(
          idea,
          dots,
          mineNow.some((d) => d.ideaId.equals(ideaObjectId)),
        ),
        dotsLeft: Math.max(0, lab.dotsPerMember - mineNow.length),
      };
    },

    /**
     * Merges one idea into another (facilitators, during an ideas or vote phase): the dots move
     * over (a member with a dot on both keeps one and gets the other back) and the merged idea
     * leaves the board.
     */
    async mergeIdeas(actor: LabActor, input: LabIdeaMerge): Promise<LabIdea> {
      const lab = await visibleLab(actor, input.labId);
      labPolicy.runLive(actor, lab);
      labPolicy.holdsControls(actor, lab);
      labPolicy.phaseIs(lab, ['ideas', 'vote'], 'Ideas can be merged');
      return controlled(lab._id.toHexString(), async () => {
        const [from, into] = await Promise.all(
          [input.fromId, input.intoId].map((id) =>
            LabIdeaModel.findOne({ _id: labIdOr404(id), labId: lab._id, mergedIntoId: null }).lean<IdeaLean>(),
          ),
        );
        if (!from || !into) throw new AppError('not_found', 'No such idea on the board (or it was merged already).');
        const dots = await LabDotModel.find({ labId: lab._id, ideaId: from._id }).lean();
        for (const d of dots) {
          const both = await LabDotModel.exists({ labId: lab._id, memberId: d.memberId, ideaId: into._id });
          if (both) await LabDotModel.deleteOne({ _id: d._id });
          else
            await LabDotModel.updateOne({ _id: d._id }, { $set: { ideaId: into._id } }).catch(async (err: unknown) => {
              if (!isDuplicateKey(err)) throw err;
              await LabDotModel.deleteOne({ _id: d._id });
            });
        }
        const merged = await LabIdeaModel.findByIdAndUpdate(
          from._id,
          { $set: { mergedIntoId: into._id } },
          { returnDocument: 'after' },
        ).lean<IdeaLean>();
        const count = await LabDotModel.countDocuments({ labId: lab._id, ideaId: into._id });
        if (merged) events.publish('lab.idea', { idea: presentIdea(merged, 0, false) });
        const result = presentIdea(into, count, false);
        events.publish('lab.idea', { idea: result });
        return result;
      });
    },

    /** Puts an idea in a group (facilitators), or takes it out with null. */
    async groupIdea(actor: LabActor, input: LabIdeaGroup): Promise<LabIdea> {
      const lab = await visibleLab(actor, input.labId);
      labPolicy.runLive(actor, lab);
      labPolicy.holdsControls(actor, lab);
      const group = input.group && input.group.length > 0 ? input.group : null;
      const idea = await LabIdeaModel.findOneAndUpdate(
        { _id: labIdOr404(input.ideaId), labId: lab._id },
        { $set: { group } },
        { returnDocument: 'after' },
      ).lean<IdeaLean>();
      if (!idea) throw new AppError('not_found', 'No idea with this id.');
      const count = await LabDotModel.countDocuments({ labId: lab._id, ideaId: idea._id });
      const result = presentIdea(idea, count, false);
      events.publish('lab.idea', { idea: result });
      return result;
    },

    /** One vote per member and consensus phase; voting again changes it. Kept for the summary. */
    async vote(actor: LabActor, input: LabConsensusVote): Promise<ConsensusTally> {
      const lab = await visibleLab(actor, input.labId);
      labPolicy.phaseIs(lab, ['consensus'], 'Consensus votes are taken');
      if (lab.consensusClosed) throw new AppError('lab_closed', 'The facilitators closed this consensus check.');
      await LabConsensusModel.updateOne(
        { labId: lab._id, phaseIndex: lab.phaseIndex, memberId: new Types.ObjectId(actor.id) },
        { $set: { choice: input.choice, reason: input.reason ?? '', updatedAt: ctx.now() } },
        { upsert: true },
      );
      await contributed(lab._id, actor.id);
      const tally = await tallyConsensus(lab._id, lab.phaseIndex, consensusSettingsOf(lab));
      events.publish('lab.consensus', { labId: input.labId, tally });
      return tally;
    },

    /** Facilitators choose anonymity, a quorum and hidden results for the current check, and close or reopen it. */
    async setConsensus(actor: LabActor, input: LabConsensusSet): Promise<ConsensusTally> {
      const set: Record<string, unknown> = {};
      if (input.anonymous !== undefined) set.consensusAnonymous = input.anonymous;
      if (input.quorum !== undefined) set.consensusQuorum = input.quorum;
      if (input.hideResults !== undefined) set.consensusHidden = input.hideResults;
      if (input.closed !== undefined) set.consensusClosed = input.closed;
      const lab = await facilitate(actor, input.labId, (l) => {
        labPolicy.phaseIs(l, ['consensus'], 'Consensus checks are set');
        return { update: { $set: set } };
      });
      const tally = await tallyConsensus(lab._id, lab.phaseIndex, consensusSettingsOf(lab));
      events.publish('lab.consensus', { labId: input.labId, tally });
      return tally;
    },
  };
}
