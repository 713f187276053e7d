import type { ActionCreateBody, ActionItem, ActionPatchBody } from '@commons/shared';
import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import type { Limiter } from '../http/rate-limit.js';
import { memberById } from '../members/reads.js';
import { recipientsBlocking } from '../moderation/service.js';
import { assertMayPublish } from '../moderation/publishing.js';
import { labIdOr404, roomChange, visibleLab, type LabContext } from './context.js';
import { LabActionModel, LabParticipantModel, type ActionLean, type LabLean } from './model.js';
import { isFacilitator, type LabActor } from './policy.js';
import { presentAction } from './present.js';
import { roomPart } from './room-model.js';

/** A lab's action items: who does what by when, added during or after the lab. */
export function actionOps(ctx: LabContext, actionLimiter?: Limiter) {
  const { events } = ctx;
  return {
    async listActions(actor: LabActor, id: string): Promise<ActionItem[]> {
      const lab = await visibleLab(actor, id);
      const rows = await LabActionModel.find({ labId: lab._id }).sort({ createdAt: 1, _id: 1 }).lean<ActionLean[]>();
      return rows.map(presentAction);
    },

    /** Facilitators and members who attended add action items, during or after the lab. */
    async createAction(actor: LabActor, id: string, body: ActionCreateBody): Promise<ActionItem> {
      await assertMayPublish(actor);
      const lab = await visibleLab(actor, id);
      await assertMayEditActions(actor, lab);
      await actionLimiter?.consume(actor.id);
      const ownerName = body.ownerId ? await ownerNameOf(body.ownerId) : null;
      if (body.ownerId) await assertMayOwn(actor, lab, body.ownerId);
      const doc = await LabActionModel.create({
        labId: lab._id,
        title: body.title,
        ownerId: body.ownerId,
        ownerName,
        dueDate: body.dueDate,
        status: body.status,
        createdById: new Types.ObjectId(actor.id),
      });
      const action = presentAction(doc.toObject() as ActionLean);
      events.publish('lab.action', { labId: id, action });
      await (
        await roomChange(ctx, id)
      )([roomPart.newAction(action)]);
      return action;
    },

    async updateAction(actor: LabActor, id: string, actionId: string, patch: ActionPatchBody): Promise<ActionItem> {
      await assertMayPublish(actor);
      const lab = await visibleLab(actor, id);
      const existing = await LabActionModel.findOne({ _id: labIdOr404(actionId), labId: lab._id }).lean<ActionLean>();
      if (!existing) throw new AppError('not_found', 'No action item with this id.');
      const own = existing.ownerId?.toHexString() === actor.id || existing.createdById.toHexString() === actor.id;
      if (!own) await assertMayEditActions(actor, lab);
      const set: Record<string, unknown> = { ...patch };
      const handedOver = patch.ownerId && patch.ownerId !== existing.ownerId?.toHexString() ? patch.ownerId : null;
      if (handedOver) {
        // Handing an item to someone notifies them: the same checks and budget as creating one.
        await assertMayEditActions(actor, lab);
        await actionLimiter?.consume(actor.id);
      }
      if (patch.ownerId !== undefined) set.ownerName = patch.ownerId ? await ownerNameOf(patch.ownerId) : null;
      if (handedOver) await assertMayOwn(actor, lab, handedOver);
      const updated = await LabActionModel.findByIdAndUpdate(
        existing._id,
        { $set: set },
        { returnDocument: 'after' },
      ).lean<ActionLean>();
      if (!updated) throw new AppError('not_found', 'No action item with this id.');
      const keep = await roomChange(ctx, id);
      const action = presentAction((await LabActionModel.findById(existing._id).lean<ActionLean>()) ?? updated);
      events.publish('lab.action', { labId: id, action });
      await keep([roomPart.action(action)]);
      return action;
    },
  };
}

async function ownerNameOf(memberId: string): Promise<string> {
  const member = await memberById(memberId, ['displayName']);
  if (!member)
    throw new AppError('validation_failed', 'The owner is not a member.', {
      fieldErrors: { ownerId: ['unknown member id'] },
      formErrors: [],
    });
  return member.displayName;
}

/**
 * An action item goes only to someone who takes part in the lab (a facilitator, or a member who
 * held a seat or attended), and never to a member who blocked the one giving it.
 */
async function assertMayOwn(actor: LabActor, lab: LabLean, ownerId: string): Promise<void> {
  const owner: LabActor = { id: ownerId, role: 'member', displayName: '' };
  const row = isFacilitator(owner, lab)
    ? null
    : await LabParticipantModel.findOne(
        { labId: lab._id, memberId: ownerId },
        { rsvp: 1, attended: 1, removed: 1 },
      ).lean();
  const takesPart = isFacilitator(owner, lab) || (row && !row.removed && (row.rsvp === 'going' || row.attended));
  if (!takesPart)
    throw new AppError('validation_failed', 'Action items go to people who take part in the lab.', {
      fieldErrors: { ownerId: ['not a participant of this lab'] },
      formErrors: [],
    });
  if (ownerId !== actor.id && (await recipientsBlocking(actor.id, [ownerId])).size > 0)
    throw new AppError('forbidden', 'You cannot give this member an action item.');
}

async function assertMayEditActions(actor: LabActor, lab: LabLean): Promise<void> {
  if (isFacilitator(actor, lab)) return;
  const attended = await LabParticipantModel.exists({ labId: lab._id, memberId: actor.id, attended: true });
  if (!attended)
    throw new AppError('forbidden', 'Only facilitators and members who took part can change action items.');
}
