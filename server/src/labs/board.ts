import {
  type ConsensusTally,
  type LabConsensusSet,
  type LabConsensusVote,
  type LabIdea,
  type LabIdeaAdd,
  type LabIdeaGroup,
  type LabIdeaMerge,
} from '@commons/shared';
import { trusted, Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { assertMayPublish } from '../moderation/publishing.js';
import { checkSettings, tallyCheck, tallyCheckWithVotes } from './consensus.js';
import {
  assertTakesPart,
  controlledChange,
  labIdOr404,
  markContributed,
  roomChange,
  visibleLab,
  type LabContext,
} from './context.js';
import {
  LabConsensusCheckModel,
  LabConsensusModel,
  LabDotModel,
  LabIdeaModel,
  LabModel,
  LabParticipantModel,
  type IdeaLean,
  type LabLean,
} from './model.js';
import { isFacilitator, labPolicy, type LabActor } from './policy.js';
import { presentIdea } from './present.js';
import { roomPart } from './room-model.js';

/**
 * The live room's board: ideas with dot voting (merging and grouping them), and consensus checks.
 * Each change keeps the parts of the room's model it changed (room-model.ts), right after its write.
 */
export function boardOps(ctx: LabContext) {
  const { events } = ctx;
  const controlled = <T>(labId: string, fn: () => Promise<T>) => controlledChange(ctx, labId, fn);
  const contributed = (labId: Types.ObjectId, memberId: string | Types.ObjectId) =>
    markContributed(ctx, labId, memberId);
  const participantRow = (labId: Types.ObjectId, memberId: string) =>
    LabParticipantModel.findOne({ labId, memberId }, { muted: 1, removed: 1 }).lean();

  return {
    async addIdea(actor: LabActor, input: LabIdeaAdd): Promise<LabIdea> {
      await assertMayPublish(actor);
      const lab = await visibleLab(actor, input.labId);
      labPolicy.phaseIs(lab, ['ideas'], 'Ideas can be added');
      if (lab.ideasOpen === false) throw new AppError('lab_closed', 'The facilitators closed the idea board for now.');
      await assertTakesPart(actor, lab);
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
      await (
        await roomChange(ctx, input.labId)
      )([roomPart.newIdea(idea)]);
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
      await assertTakesPart(actor, lab);
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
      const keep = await roomChange(ctx, labId);
      const [dots, mineNow] = await Promise.all([
        LabDotModel.countDocuments({ labId: lab._id, ideaId: ideaObjectId }),
        LabDotModel.find({ labId: lab._id, memberId: me }, { ideaId: 1 }).lean(),
      ]);
      events.publish('lab.idea', { idea: presentIdea(idea, dots, false) });
      await keep([
        roomPart.dots(ideaId, dots),
        roomPart.mineDots(
          actor.id,
          mineNow.map((d) => d.ideaId.toHexString()),
        ),
      ]);
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
        await LabIdeaModel.updateOne({ _id: from._id }, { $set: { mergedIntoId: into._id } });
        const keep = await roomChange(ctx, input.labId);
        const movers = [...new Set(dots.map((d) => d.memberId.toHexString()))];
        const [merged, intoNow, count, fromCount, moved] = await Promise.all([
          LabIdeaModel.findById(from._id).lean<IdeaLean>(),
          LabIdeaModel.findById(into._id).lean<IdeaLean>(),
          LabDotModel.countDocuments({ labId: lab._id, ideaId: into._id }),
          LabDotModel.countDocuments({ labId: lab._id, ideaId: from._id }),
          movers.length
            ? LabDotModel.find(
                { labId: lab._id, memberId: trusted({ $in: movers }) },
                { memberId: 1, ideaId: 1 },
              ).lean()
            : Promise.resolve([]),
        ]);
        if (merged) events.publish('lab.idea', { idea: presentIdea(merged, 0, false) });
        const result = presentIdea(intoNow ?? into, count, false);
        events.publish('lab.idea', { idea: result });
        await keep([
          ...(merged ? [roomPart.idea(presentIdea(merged, 0, false))] : []),
          roomPart.idea(result),
          roomPart.dots(result.id, count),
          roomPart.dots(from._id.toHexString(), fromCount),
          ...movers.map((member) =>
            roomPart.mineDots(
              member,
              moved.filter((d) => d.memberId.toHexString() === member).map((d) => d.ideaId.toHexString()),
            ),
          ),
        ]);
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
      const keep = await roomChange(ctx, input.labId);
      const [now, count] = await Promise.all([
        LabIdeaModel.findById(idea._id).lean<IdeaLean>(),
        LabDotModel.countDocuments({ labId: lab._id, ideaId: idea._id }),
      ]);
      const result = presentIdea(now ?? idea, count, false);
      events.publish('lab.idea', { idea: result });
      await keep([roomPart.idea(result), roomPart.dots(result.id, count)]);
      return result;
    },

    /**
     * One answer per member and check; answering again changes it, until the check closes (then
     * it is refused). The answer keeps the check's anonymity as it was when given.
     */
    async vote(actor: LabActor, input: LabConsensusVote): Promise<ConsensusTally> {
      const lab = await visibleLab(actor, input.labId);
      labPolicy.phaseIs(lab, ['consensus'], 'Consensus votes are taken');
      await assertTakesPart(actor, lab);
      const settings = (await checkSettings(lab._id, [lab.phaseIndex])).get(lab.phaseIndex)!;
      if (settings.closed) throw new AppError('lab_closed', 'The facilitators closed this consensus check.');
      await LabConsensusModel.updateOne(
        { labId: lab._id, phaseIndex: lab.phaseIndex, memberId: new Types.ObjectId(actor.id) },
        {
          $set: { choice: input.choice, reason: input.reason ?? '', updatedAt: ctx.now() },
          $setOnInsert: { anonymous: settings.anonymous },
        },
        { upsert: true },
      );
      await contributed(lab._id, actor.id);
      const keep = await roomChange(ctx, input.labId);
      const { tally, votes } = await tallyCheckWithVotes(lab, lab.phaseIndex, settings);
      events.publish('lab.consensus', { labId: input.labId, tally });
      const mine = votes.find((v) => v.memberId.toHexString() === actor.id);
      await keep([
        roomPart.check(tally),
        roomPart.vote(actor.id, mine ? { phaseIndex: lab.phaseIndex, choice: mine.choice } : null),
      ]);
      return tally;
    },

    /**
     * Facilitators write the proposal and choose anonymity, a quorum and hidden results for the
     * current check, and close or reopen it. The proposal and anonymity are fixed once someone
     * answered: changing them then would change what people agreed to, or reveal who blocked.
     */
    async setConsensus(actor: LabActor, input: LabConsensusSet): Promise<ConsensusTally> {
      const set: Record<string, unknown> = {};
      if (input.proposal !== undefined) set.proposal = input.proposal;
      if (input.anonymous !== undefined) set.anonymous = input.anonymous;
      if (input.quorum !== undefined) set.quorum = input.quorum;
      if (input.hideResults !== undefined) set.hidden = input.hideResults;
      if (input.closed !== undefined) set.closed = input.closed;
      const lab = await visibleLab(actor, input.labId);
      labPolicy.runLive(actor, lab);
      labPolicy.holdsControls(actor, lab);
      labPolicy.phaseIs(lab, ['consensus'], 'Consensus checks are set');
      const phaseIndex = lab.phaseIndex;
      await controlled(lab._id.toHexString(), async () => {
        const current = (await checkSettings(lab._id, [phaseIndex])).get(phaseIndex)!;
        const fixed = [
          input.anonymous !== undefined && input.anonymous !== current.anonymous ? 'anonymous' : null,
          input.proposal !== undefined && input.proposal !== current.proposal ? 'proposal' : null,
        ].filter((f): f is string => f !== null);
        if (fixed.length && (await LabConsensusModel.exists({ labId: lab._id, phaseIndex })))
          throw new AppError('conflict', 'Someone has answered already: the proposal and anonymity are fixed now.', {
            fieldErrors: Object.fromEntries(fixed.map((f) => [f, ['fixed once someone answered']])),
            formErrors: [],
          });
        await LabConsensusCheckModel.updateOne(
          { labId: lab._id, phaseIndex },
          { $set: { ...set, updatedAt: ctx.now() } },
          { upsert: true },
        );
      });
      const keep = await roomChange(ctx, input.labId);
      const fresh = (await LabModel.findById(lab._id).lean<LabLean>()) ?? lab;
      const latest = (await checkSettings(lab._id, [phaseIndex])).get(phaseIndex)!;
      const tally = await tallyCheck(fresh, phaseIndex, latest);
      events.publish('lab.consensus', { labId: input.labId, tally });
      await keep([roomPart.check(tally)]);
      return tally;
    },
  };
}
