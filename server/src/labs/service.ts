import type { InviteBody, Lab, LabCreateBody, LabListQuery, LabPatchBody, RsvpChoice } from '@commons/shared';
import { createEvent } from 'ics';
import { trusted, Types } from 'mongoose';
import { assertCoalitionMember, visibleCoalitionIds } from '../coalitions/access.js';
import { AppError } from '../http/errors.js';
import { invitableBy } from '../members/privacy.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Limiter } from '../http/rate-limit.js';
import type { Mutex } from '../infra/mutex.js';
import { countExisting } from '../members/reads.js';
import { ensureParticipant, findLab, labNotFound, visibleLab, type LabContext } from './context.js';
import { readableLabs } from './read-rule.js';
import { actionOps } from './actions.js';
import { boardOps } from './board.js';
import { keepRoomModel } from './room-keeping.js';
import { liveOps } from './live.js';
import { roomOps } from './room.js';
import { unpushedOps } from './unpushed.js';
import type { LabRoomModel } from './room-model.js';
import { LabModel, LabParticipantModel, type LabLean } from './model.js';
import { labEndsAt, labPolicy, type LabActor } from './policy.js';
import { presentLabs } from './present.js';
import { labSeating } from './seating.js';
import type { LabSequence } from './sequence.js';
import { exportLabMember, forgetLabMember } from './member-data.js';
import type { ForgetOptions } from '../members/member-data.js';
import { assertMayPublish } from '../moderation/publishing.js';

export type { LabActor } from './policy.js';

async function assertMembersExist(ids: string[], what: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await countExisting(unique);
  if (found !== unique.length)
    throw new AppError('validation_failed', `Some ${what} are not members.`, {
      fieldErrors: { [what === 'facilitators' ? 'facilitatorIds' : 'memberIds']: ['unknown member id'] },
      formErrors: [],
    });
}

/**
 * Community-Based Action Labs: scheduling, RSVPs with a waitlist, invitations, the calendar
 * file, action items (actions.ts) and (live.ts) the live room. Knows nothing of HTTP or sockets; publishes
 * domain events after each write.
 */
export function createLabService(deps: {
  events: DomainEvents;
  sequence: LabSequence;
  /** The lock around facilitator changes of a lab (see infra/mutex.ts). */
  mutex?: Mutex;
  /** Action items given (created with an owner or handed to one) per member and hour; omitted: unlimited. */
  actionLimiter?: Limiter;
  /** The live model of lab rooms (Redis); without it (seeding) there is no room to enter. */
  room?: LabRoomModel;
  now?: () => Date;
}) {
  const ctx: LabContext = {
    events: deps.events,
    sequence: deps.sequence,
    ...(deps.mutex ? { mutex: deps.mutex } : {}),
    ...(deps.room ? { room: deps.room } : {}),
    now: deps.now ?? (() => new Date()),
  };
  const { events } = ctx;

  /**
   * Tells the room who left the waitlist for a seat (they take part from now on). Their clients
   * enter again on hearing it, so the room model (with their cached waitlisted seats) is dropped
   * first, not after the call returns as keepRoomModel does.
   */
  const seated = async (labId: string, memberIds: string[]) => {
    if (!memberIds.length) return;
    await deps.room?.changed(labId);
    events.publish('lab.seated', { labId, memberIds });
  };

  const one = async (lab: LabLean, actor: LabActor): Promise<Lab> => {
    const [readable] = await readableLabs(actor, [lab]);
    if (!readable) throw labNotFound();
    return (await presentLabs([readable], actor, ctx.now()))[0]!;
  };

  const service = {
    /** This domain's part of a member's data export (members/member-data.ts). */
    exportMember: (memberId: string) => exportLabMember(memberId),
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    async forgetMember(memberId: string, opts: ForgetOptions): Promise<void> {
      // Every room they entered drops its model: their seat, and their messages if deleted, go.
      const rooms = deps.room
        ? await LabParticipantModel.distinct('labId', { memberId: new Types.ObjectId(memberId) })
        : [];
      for (const { labId, promoted } of await forgetLabMember(memberId, opts, () => ctx.now()))
        await seated(labId, promoted);
      for (const labId of rooms) await deps.room?.changed(String(labId));
    },
    ...liveOps(ctx),
    ...boardOps(ctx),
    ...roomOps(ctx, deps.room),
    ...unpushedOps(ctx),
    ...actionOps(ctx, deps.actionLimiter),

    async create(actor: LabActor, body: LabCreateBody): Promise<Lab> {
      await assertMayPublish(actor);
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
      const filter: Record<string, unknown> = { status: trusted({ $in: statuses }) };
      const and: Array<Record<string, unknown>> = [];
      if (query.coalitionId) filter.coalitionId = new Types.ObjectId(query.coalitionId);
      const coalitions = await visibleCoalitionIds(actor);
      if (coalitions)
        and.push({
          $or: [
            { coalitionId: null },
            { coalitionId: trusted({ $in: coalitions }) },
            { hostId: me },
            { facilitatorIds: me },
          ],
        });
      if (and.length) filter.$and = and;
      if (actor.role !== 'admin') {
        const invited = await LabParticipantModel.find({ memberId: me, invited: true }, { labId: 1 }).lean();
        filter.$or = [
          { visibility: 'public' },
          { hostId: me },
          { facilitatorIds: me },
          { _id: trusted({ $in: invited.map((p) => p.labId) }) },
        ];
      }
      const labs = await LabModel.find(filter)
        .sort({ startsAt: query.when === 'upcoming' ? 1 : -1 })
        .limit(100)
        .lean<LabLean[]>();
      return presentLabs(await readableLabs(actor, labs), actor, ctx.now());
    },

    async get(actor: LabActor, id: string): Promise<Lab> {
      return one(await visibleLab(actor, id), actor);
    },

    async update(actor: LabActor, id: string, patch: LabPatchBody): Promise<Lab> {
      await assertMayPublish(actor);
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
      if (patch.capacity !== undefined) await seated(id, await labSeating(lab._id, ctx.now).promote());
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
     * leaving a seat promotes the oldest waitlisted member (infra/seating.ts).
     */
    async rsvp(actor: LabActor, id: string, choice: RsvpChoice): Promise<Lab> {
      const lab = await visibleLab(actor, id);
      labPolicy.rsvp(lab);
      await ensureParticipant(lab._id, actor.id);
      const row = (await LabParticipantModel.findOne({ labId: lab._id, memberId: actor.id }).lean())!;
      await seated(
        id,
        await labSeating(lab._id, ctx.now).answer({ rowId: row._id, memberId: row.memberId, rsvp: row.rsvp }, choice),
      );
      return one((await LabModel.findById(lab._id).lean<LabLean>())!, actor);
    },

    async invite(actor: LabActor, id: string, body: InviteBody): Promise<string[]> {
      const lab = await visibleLab(actor, id);
      labPolicy.manage(actor, lab);
      labPolicy.rsvp(lab);
      await assertMembersExist(body.memberIds, 'invitees');
      const ids = [...new Set(body.memberIds)];
      // Members' privacy settings say who may invite them; a refusal invites nobody.
      const invitable = await invitableBy(actor.id, ids);
      const refused = ids.filter((memberId) => !invitable.has(memberId));
      if (refused.length)
        throw new AppError('forbidden', 'Some of these members do not accept invitations from you.', {
          memberIds: refused,
        });
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

    /** For jobs: the lab without an actor. */
    findLab,
  };
  return keepRoomModel(service, deps.room);
}

export type LabService = ReturnType<typeof createLabService>;
