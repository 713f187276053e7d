import type {
  ActionCreateBody,
  ActionItem,
  ActionPatchBody,
  InviteBody,
  Lab,
  LabCreateBody,
  LabListQuery,
  LabPatchBody,
  RsvpChoice,
} from '@commons/shared';
import { createEvent } from 'ics';
import { Types } from 'mongoose';
import { assertCoalitionMember, visibleCoalitionIds } from '../coalitions/access.js';
import { AppError } from '../http/errors.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Mutex } from '../infra/mutex.js';
import { MemberModel } from '../members/model.js';
import { ensureParticipant, findLab, isDuplicateKey, labIdOr404, visibleLab, type LabContext } from './context.js';
import { liveOps } from './live.js';
import { LabActionModel, LabModel, LabParticipantModel, LabSeatModel, type ActionLean, type LabLean } from './model.js';
import { isFacilitator, labEndsAt, labPolicy, type LabActor } from './policy.js';
import { presentAction, presentLabs } from './present.js';
import type { LabSequence } from './sequence.js';

export type { LabActor } from './policy.js';

async function assertMembersExist(ids: string[], what: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await MemberModel.countDocuments({ _id: { $in: unique } });
  if (found !== unique.length)
    throw new AppError('validation_failed', `Some ${what} are not members.`, {
      fieldErrors: { [what === 'facilitators' ? 'facilitatorIds' : 'memberIds']: ['unknown member id'] },
      formErrors: [],
    });
}

/**
 * Community-Based Action Labs: scheduling, RSVPs with a waitlist, invitations, the calendar
 * file, action items and (live.ts) the live room. Knows nothing of HTTP or sockets; publishes
 * domain events after each write.
 */
export function createLabService(deps: {
  events: DomainEvents;
  sequence: LabSequence;
  /** The lock around facilitator changes of a lab (see infra/mutex.ts). */
  mutex?: Mutex;
  now?: () => Date;
}) {
  const ctx: LabContext = {
    events: deps.events,
    sequence: deps.sequence,
    ...(deps.mutex ? { mutex: deps.mutex } : {}),
    now: deps.now ?? (() => new Date()),
  };
  const { events } = ctx;

  const one = async (lab: LabLean, actor: LabActor): Promise<Lab> => (await presentLabs([lab], actor, ctx.now()))[0]!;

  /**
   * Gives the member a seat if one is free: inserts the lowest free seat number (1..capacity).
   * The unique indexes decide races: a taken number makes us try the next, and a member never
   * holds two seats. Returns false when the lab is full.
   */
  async function takeSeat(labId: Types.ObjectId, memberId: Types.ObjectId): Promise<boolean> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const lab = await LabModel.findById(labId, { capacity: 1 }).lean();
      if (!lab) return false;
      const taken = await LabSeatModel.find({ labId }, { seat: 1, memberId: 1 }).lean();
      if (taken.some((s) => s.memberId.equals(memberId))) return true;
      let seat = 1;
      const used = new Set(taken.map((s) => s.seat));
      while (used.has(seat)) seat++;
      if (lab.capacity !== null && seat > lab.capacity) return false;
      try {
        await LabSeatModel.create({ labId, seat, memberId, createdAt: ctx.now() });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Someone took this number (or this member got a seat meanwhile): look again.
      }
    }
    throw new AppError('conflict', 'Too many people are answering at once; try again.');
  }

  const freeSeat = (labId: Types.ObjectId, memberId: Types.ObjectId) => LabSeatModel.deleteOne({ labId, memberId });

  /** Fills free seats from the waitlist, oldest first. Safe to run concurrently. */
  async function promote(labId: Types.ObjectId): Promise<string[]> {
    const promoted: string[] = [];
    for (;;) {
      const next = await LabParticipantModel.findOne({ labId, rsvp: 'waitlisted' })
        .sort({ waitlistedAt: 1, _id: 1 })
        .lean();
      if (!next) break;
      if (!(await takeSeat(labId, next.memberId))) break;
      const moved = await LabParticipantModel.updateOne(
        { _id: next._id, rsvp: 'waitlisted' },
        { $set: { rsvp: 'going', waitlistedAt: null } },
      );
      if (moved.modifiedCount === 1) promoted.push(next.memberId.toHexString());
    }
    return promoted;
  }

  return {
    ...liveOps(ctx),

    async create(actor: LabActor, body: LabCreateBody): Promise<Lab> {
      const startsAt = new Date(body.startsAt);
      if (startsAt.getTime() <= ctx.now().getTime())
        throw new AppError('validation_failed', 'A lab must start in the future.', {
          fieldErrors: { startsAt: ['must be in the future'] },
          formErrors: [],
        });
      await assertMembersExist(body.facilitatorIds, 'facilitators');
      // A coalition's lab is hosted by one of its members.
      const coalition = body.coalitionId ? await assertCoalitionMember(actor, body.coalitionId) : null;
      const hostId = new Types.ObjectId(actor.id);
      const doc = await LabModel.create({
        title: body.title,
        purpose: body.purpose,
        startsAt,
        durationMinutes: body.durationMinutes,
        capacity: body.capacity ?? null,
        visibility: body.visibility,
        hostId,
        facilitatorIds: [...new Set(body.facilitatorIds)].filter((id) => id !== actor.id),
        agenda: body.agenda,
        dotsPerMember: body.dotsPerMember ?? 3,
        allowAnonymousIdeas: body.allowAnonymousIdeas ?? true,
        summaryCategoryId: body.summaryCategoryId ?? null,
        coalitionId: coalition?._id ?? null,
      });
      const lab = doc.toObject() as LabLean;
      events.publish('lab.scheduled', { labId: lab._id.toHexString(), startsAt });
      return one(lab, actor);
    },

    async list(actor: LabActor, query: LabListQuery): Promise<Lab[]> {
      const me = new Types.ObjectId(actor.id);
      const statuses = query.when === 'upcoming' ? ['scheduled', 'live'] : ['ended', 'cancelled'];
      const filter: Record<string, unknown> = { status: { $in: statuses } };
      const and: Array<Record<string, unknown>> = [];
      if (query.coalitionId) filter.coalitionId = new Types.ObjectId(query.coalitionId);
      const coalitions = await visibleCoalitionIds(actor);
      if (coalitions)
        and.push({
          $or: [{ coalitionId: null }, { coalitionId: { $in: coalitions } }, { hostId: me }, { facilitatorIds: me }],
        });
      if (and.length) filter.$and = and;
      if (actor.role !== 'admin') {
        const invited = await LabParticipantModel.find({ memberId: me, invited: true }, { labId: 1 }).lean();
        filter.$or = [
          { visibility: 'public' },
          { hostId: me },
          { facilitatorIds: me },
          { _id: { $in: invited.map((p) => p.labId) } },
        ];
      }
      const labs = await LabModel.find(filter)
        .sort({ startsAt: query.when === 'upcoming' ? 1 : -1 })
        .limit(100)
        .lean<LabLean[]>();
      return presentLabs(labs, actor, ctx.now());
    },

    async get(actor: LabActor, id: string): Promise<Lab> {
      return one(await visibleLab(actor, id), actor);
    },

    async update(actor: LabActor, id: string, patch: LabPatchBody): Promise<Lab> {
      const lab = await visibleLab(actor, id);
      labPolicy.manage(actor, lab);
      labPolicy.editSchedule(lab);
      const agenda = patch.agenda ?? lab.agenda;
      const duration = patch.durationMinutes ?? lab.durationMinutes;
      const total = agenda.reduce((sum, a) => sum + a.minutes, 0);
      if (total > duration)
        throw new AppError('validation_failed', 'The agenda is longer than the lab.', {
          fieldErrors: { agenda: [`the agenda takes ${total} minutes, longer than the lab (${duration})`] },
          formErrors: [],
        });
      const set: Record<string, unknown> = { ...patch };
      let startsAt: Date | null = null;
      if (patch.startsAt !== undefined) {
        startsAt = new Date(patch.startsAt);
        if (startsAt.getTime() <= ctx.now().getTime())
          throw new AppError('validation_failed', 'A lab must start in the future.', {
            fieldErrors: { startsAt: ['must be in the future'] },
            formErrors: [],
          });
        set.startsAt = startsAt;
      }
      if (patch.facilitatorIds) {
        await assertMembersExist(patch.facilitatorIds, 'facilitators');
        set.facilitatorIds = [...new Set(patch.facilitatorIds)].filter((f) => f !== lab.hostId.toHexString());
      }
      const updated = await LabModel.findOneAndUpdate(
        { _id: lab._id, status: 'scheduled' },
        { $set: set },
        { returnDocument: 'after' },
      ).lean<LabLean>();
      if (!updated) throw new AppError('lab_closed', 'This lab is no longer scheduled.');
      if (patch.capacity !== undefined) await promote(lab._id);
      if (startsAt && startsAt.getTime() !== lab.startsAt.getTime())
        events.publish('lab.rescheduled', { labId: id, previousStartsAt: lab.startsAt, startsAt });
      return one((await LabModel.findById(lab._id).lean<LabLean>()) ?? updated, actor);
    },

    async cancel(actor: LabActor, id: string): Promise<Lab> {
      const lab = await visibleLab(actor, id);
      labPolicy.manage(actor, lab);
      const updated = await LabModel.findOneAndUpdate(
        { _id: lab._id, status: 'scheduled' },
        { $set: { status: 'cancelled', cancelledAt: ctx.now() } },
        { returnDocument: 'after' },
      ).lean<LabLean>();
      if (!updated) throw new AppError('lab_closed', `This lab is ${lab.status}; it cannot be cancelled.`);
      events.publish('lab.cancelled', { labId: id, startsAt: lab.startsAt });
      return one(updated, actor);
    },

    /**
     * RSVP going, maybe or no. Going takes a seat if one is free, else joins the waitlist;
     * leaving a seat promotes the oldest waitlisted member. Each step is a conditional update.
     */
    async rsvp(actor: LabActor, id: string, choice: RsvpChoice): Promise<Lab> {
      const lab = await visibleLab(actor, id);
      labPolicy.rsvp(lab);
      await ensureParticipant(lab._id, actor.id);
      const me = new Types.ObjectId(actor.id);
      const row = await LabParticipantModel.findOne({ labId: lab._id, memberId: me }).lean();
      const prev = row!.rsvp;
      if (choice === 'going') {
        if (prev !== 'going' && prev !== 'waitlisted') {
          const seated = await takeSeat(lab._id, me);
          await LabParticipantModel.updateOne(
            { _id: row!._id },
            { $set: seated ? { rsvp: 'going', waitlistedAt: null } : { rsvp: 'waitlisted', waitlistedAt: ctx.now() } },
          );
        }
      } else if (prev !== choice) {
        await LabParticipantModel.updateOne({ _id: row!._id }, { $set: { rsvp: choice, waitlistedAt: null } });
        if (prev === 'going') {
          await freeSeat(lab._id, me);
          await promote(lab._id);
        }
      }
      return one((await LabModel.findById(lab._id).lean<LabLean>())!, actor);
    },

    async invite(actor: LabActor, id: string, body: InviteBody): Promise<string[]> {
      const lab = await visibleLab(actor, id);
      labPolicy.manage(actor, lab);
      labPolicy.rsvp(lab);
      await assertMembersExist(body.memberIds, 'invitees');
      const ids = [...new Set(body.memberIds)];
      for (const memberId of ids) {
        await ensureParticipant(lab._id, memberId);
        await LabParticipantModel.updateOne({ labId: lab._id, memberId }, { $set: { invited: true } });
      }
      events.publish('lab.invited', { labId: id, title: lab.title, memberIds: ids, actorId: actor.id });
      return ids;
    },

    /** The lab as an iCalendar file (RFC 5545), for the member's own calendar. */
    async calendar(actor: LabActor, id: string, labUrl: string): Promise<{ filename: string; ics: string }> {
      const lab = await visibleLab(actor, id);
      const { error, value } = createEvent({
        uid: `lab-${lab._id.toHexString()}@commons`,
        productId: 'commons/labs',
        start: lab.startsAt.getTime(),
        startInputType: 'utc',
        startOutputType: 'utc',
        end: labEndsAt(lab).getTime(),
        endInputType: 'utc',
        endOutputType: 'utc',
        title: lab.title,
        description: lab.purpose,
        url: labUrl,
        status: lab.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
        sequence: Math.floor(lab.updatedAt.getTime() / 1000),
      });
      if (error || !value) throw error ?? new Error('calendar file could not be built');
      return { filename: `lab-${lab._id.toHexString()}.ics`, ics: value };
    },

    // ------------------------------------------------------------ action items

    async listActions(actor: LabActor, id: string): Promise<ActionItem[]> {
      const lab = await visibleLab(actor, id);
      const rows = await LabActionModel.find({ labId: lab._id }).sort({ createdAt: 1, _id: 1 }).lean<ActionLean[]>();
      return rows.map(presentAction);
    },

    /** Facilitators and members who attended add action items, during or after the lab. */
    async createAction(actor: LabActor, id: string, body: ActionCreateBody): Promise<ActionItem> {
      const lab = await visibleLab(actor, id);
      await assertMayEditActions(actor, lab);
      const ownerName = body.ownerId ? await ownerNameOf(body.ownerId) : null;
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
      return action;
    },

    async updateAction(actor: LabActor, id: string, actionId: string, patch: ActionPatchBody): Promise<ActionItem> {
      const lab = await visibleLab(actor, id);
      const existing = await LabActionModel.findOne({ _id: labIdOr404(actionId), labId: lab._id }).lean<ActionLean>();
      if (!existing) throw new AppError('not_found', 'No action item with this id.');
      const own = existing.ownerId?.toHexString() === actor.id || existing.createdById.toHexString() === actor.id;
      if (!own) await assertMayEditActions(actor, lab);
      const set: Record<string, unknown> = { ...patch };
      if (patch.ownerId !== undefined) set.ownerName = patch.ownerId ? await ownerNameOf(patch.ownerId) : null;
      const updated = await LabActionModel.findByIdAndUpdate(
        existing._id,
        { $set: set },
        { returnDocument: 'after' },
      ).lean<ActionLean>();
      if (!updated) throw new AppError('not_found', 'No action item with this id.');
      const action = presentAction(updated);
      events.publish('lab.action', { labId: id, action });
      return action;
    },

    /** For jobs: the lab without an actor. */
    findLab,
  };
}

async function ownerNameOf(memberId: string): Promise<string> {
  const member = await MemberModel.findById(memberId, { displayName: 1 }).lean();
  if (!member)
    throw new AppError('validation_failed', 'The owner is not a member.', {
      fieldErrors: { ownerId: ['unknown member id'] },
      formErrors: [],
    });
  return member.displayName;
}

async function assertMayEditActions(actor: LabActor, lab: LabLean): Promise<void> {
  if (isFacilitator(actor, lab)) return;
  const attended = await LabParticipantModel.exists({ labId: lab._id, memberId: actor.id, attended: true });
  if (!attended)
    throw new AppError('forbidden', 'Only facilitators and members who took part can change action items.');
}

export type LabService = ReturnType<typeof createLabService>;
