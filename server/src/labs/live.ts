import {
  type LabBoardPayload,
  type LabOutcome,
  type LabPhase,
  type LabQueue,
  type OutcomeCreateBody,
} from '@commons/shared';
import { trusted, Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import {
  assertTakesPart,
  controlledChange,
  ensureParticipant,
  labIdOr404,
  roomChange,
  visibleLab,
  type LabContext,
} from './context.js';
import {
  LabMessageModel,
  LabModel,
  LabOutcomeModel,
  LabParticipantModel,
  type LabLean,
  type OutcomeLean,
} from './model.js';
import { isFacilitator, labPolicy, type LabActor } from './policy.js';
import { memberNames, presentOutcome, presentPhase, ref } from './present.js';
import { roomPart } from './room-model.js';
import { assertMayPublish } from '../moderation/publishing.js';

/** The speaking queue: raised hands oldest first, and who has the floor. */
export async function loadQueue(lab: LabLean): Promise<LabQueue> {
  const raised = await LabParticipantModel.find(
    { labId: lab._id, handRaisedAt: trusted({ $ne: null }) },
    { memberId: 1 },
  )
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

/** The live room's facilitation: phases and the timer, controls, mutes and removals, the speaking queue, outcomes (the board is board.ts). */
export function liveOps(ctx: LabContext) {
  const { events } = ctx;

  async function publishPhase(lab: LabLean): Promise<LabPhase> {
    const phase = await presentPhase(lab);
    events.publish('lab.phase', { phase });
    return phase;
  }

  /** The queue after a change of hands: published and kept in the room's model. */
  async function publishQueue(lab: LabLean): Promise<LabQueue> {
    const keep = await roomChange(ctx, lab._id.toHexString());
    const queue = await loadQueue(lab);
    events.publish('lab.queue', { queue });
    await keep([roomPart.queue(queue)]);
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

  const controlled = <T>(labId: string, fn: () => Promise<T>) => controlledChange(ctx, labId, fn);

  /** A member the facilitators act on (mute, remove): a participant, never a facilitator. */
  async function targetParticipant(lab: LabLean, memberId: string): Promise<void> {
    if (isFacilitator({ id: memberId, role: 'member' }, lab))
      throw new AppError('forbidden', 'Facilitators cannot be muted or removed.');
    const row = await LabParticipantModel.exists({ labId: lab._id, memberId });
    if (!row) throw new AppError('not_found', 'This member has not taken part in the lab.');
  }

  const phaseEnd = (lab: LabLean, index: number, from: Date) =>
    new Date(from.getTime() + (lab.agenda[index]?.minutes ?? 0) * 60_000);

  return {
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
        if (!isFacilitator({ id: memberId, role: 'member' }, l))
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
      await assertMayPublish(actor);
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
      await (
        await roomChange(ctx, labId)
      )([roomPart.newOutcome(outcome)]);
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
        { labId: lab._id, handRaisedAt: trusted({ $ne: null }) },
        { $set: { handRaisedAt: null } },
      );
      events.publish('lab.ended', { labId });
      return publishPhase(lab);
    },

    async raiseHand(actor: LabActor, labId: string): Promise<LabQueue> {
      const lab = await visibleLab(actor, labId);
      if (lab.status !== 'live') throw new AppError('lab_closed', 'The lab is not running.');
      await assertTakesPart(actor, lab);
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
      const first = await LabParticipantModel.findOne({ labId: lab._id, handRaisedAt: trusted({ $ne: null }) })
        .sort({ handRaisedAt: 1, _id: 1 })
        .lean();
      if (first) {
        await LabParticipantModel.updateOne({ _id: first._id }, { $set: { handRaisedAt: null, contributed: true } });
        await ctx.room?.spoke(labId, [first.memberId.toHexString()]);
      }
      const updated = await LabModel.findOneAndUpdate(
        { _id: lab._id },
        { $set: { speakingId: first?.memberId ?? null } },
        { returnDocument: 'after' },
      ).lean<LabLean>();
      return publishQueue(updated ?? lab);
    },
  };
}
