import type {
  CalendarItem,
  EventCreateBody,
  EventListQuery,
  EventPatchBody,
  HubEvent,
  Lab,
  RsvpChoice,
} from '@commons/shared';
import { eventLimits } from '@commons/shared';
import { trusted, Types } from 'mongoose';
import { htmlToText, renderMarkdown } from '../forums/markdown.js';
import { loadMemberRefs } from '../forums/mentions.js';
import { AppError } from '../http/errors.js';
import type { Limiter } from '../http/rate-limit.js';
import { calendarFile } from '../infra/calendar.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { memberById } from '../members/reads.js';
import { escapeRegex, fold } from '../search/terms.js';
import { EventAttendeeModel, EventModel, EventSeatModel, type AttendeeLean, type EventLean } from './model.js';
import { readableEvent, readableEvents, type ReadableEvent } from './read-rule.js';
import { isVisitor } from '../site/viewer.js';
import { canManage, eventPolicy, isPast, type EventActor } from './policy.js';
import { exportEventMember, forgetEventMember } from './member-data.js';
import { assertMayPublish } from '../moderation/publishing.js';
import { eventSeating } from './seating.js';

export type { EventActor } from './policy.js';

const OBJECT_ID = /^[0-9a-f]{24}$/;
const MINUTE = 60_000;

export const eventNotFound = () => new AppError('not_found', 'No event with this id.');

function idOr404(id: string): Types.ObjectId {
  if (!OBJECT_ID.test(id)) throw eventNotFound();
  return new Types.ObjectId(id);
}

function invalid(field: string, message: string, summary: string): AppError {
  return new AppError('validation_failed', summary, { fieldErrors: { [field]: [message] }, formErrors: [] });
}

/** Event descriptions are Markdown like posts (raw HTML shown as text, sanitized); no mentions. */
async function renderDescription(source: string): Promise<string> {
  return (await renderMarkdown(source, async () => new Map())).html;
}

export interface EventServiceDeps {
  events: DomainEvents;
  /** The labs the member can see, merged into the calendar. */
  labs: { list(actor: EventActor, query: { when: 'upcoming' | 'past' }): Promise<Lab[]> };
  /** Events created per member and hour; omitted: unlimited. */
  createLimiter?: Limiter;
  now?: () => Date;
}

/**
 * Events of the hub: webinars and meetings with RSVPs, a waitlist, a calendar file and
 * reminders. Knows nothing of HTTP or queues: it saves, then publishes domain events
 * (listeners.ts moves the reminder jobs; the notification system tells members).
 */
export function createEventService(deps: EventServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const { events } = deps;

  async function find(id: string): Promise<EventLean> {
    const doc = await EventModel.findById(idOr404(id)).lean<EventLean>();
    if (!doc) throw eventNotFound();
    return doc;
  }

  async function present(docs: ReadableEvent[], actor: EventActor): Promise<HubEvent[]> {
    if (docs.length === 0) return [];
    const ids = docs.map((d) => d._id);
    const me = new Types.ObjectId(actor.id);
    const [seats, rows, mine, refs] = await Promise.all([
      EventSeatModel.find({ eventId: trusted({ $in: ids }) }, { eventId: 1 }).lean(),
      EventAttendeeModel.find({ eventId: trusted({ $in: ids }), rsvp: trusted({ $in: ['maybe', 'waitlisted'] }) }).lean<
        AttendeeLean[]
      >(),
      EventAttendeeModel.find({ eventId: trusted({ $in: ids }), memberId: me }).lean<AttendeeLean[]>(),
      loadMemberRefs(docs.map((d) => d.organiserId)),
    ]);
    const at = now();
    return docs.map((d) => {
      const key = d._id.toHexString();
      const here = rows.filter((r) => r.eventId.equals(d._id));
      const waitlist = here
        .filter((r) => r.rsvp === 'waitlisted')
        .sort(
          (a, b) => (a.waitlistedAt?.getTime() ?? 0) - (b.waitlistedAt?.getTime() ?? 0) || (a._id < b._id ? -1 : 1),
        );
      const own = mine.find((r) => r.eventId.equals(d._id)) ?? null;
      const position = own?.rsvp === 'waitlisted' ? waitlist.findIndex((r) => r._id.equals(own._id)) + 1 : 0;
      return {
        id: key,
        title: d.title,
        description: d.description,
        descriptionHtml: d.html,
        kind: d.kind,
        status: d.status,
        past: isPast(d, at),
        startsAt: d.startsAt.toISOString(),
        endsAt: d.endsAt.toISOString(),
        durationMinutes: Math.round((d.endsAt.getTime() - d.startsAt.getTime()) / MINUTE),
        timeZone: d.timeZone,
        onlineUrl: d.withLink ? d.onlineUrl : null,
        place: d.place,
        capacity: d.capacity,
        organiser: refs.get(d.organiserId.toHexString()) ?? null,
        goingCount: seats.filter((s) => s.eventId.equals(d._id)).length,
        maybeCount: here.filter((r) => r.rsvp === 'maybe').length,
        waitlistCount: waitlist.length,
        myRsvp: own?.rsvp ?? null,
        myWaitlistPosition: position > 0 ? position : null,
        canManage: canManage(actor, d),
        cancelledAt: d.cancelledAt ? d.cancelledAt.toISOString() : null,
        createdAt: d.createdAt.toISOString(),
        updatedAt: d.updatedAt.toISOString(),
      };
    });
  }

  const one = async (doc: EventLean, actor: EventActor): Promise<HubEvent> =>
    (await present([readableEvent(actor, doc)], actor))[0]!;

  /** Start and end from a body: an explicit end, else the length, else (patches) the current length. */
  function schedule(
    body: { startsAt?: string; endsAt?: string; durationMinutes?: number },
    current: { startsAt: Date; endsAt: Date } | null,
  ): { startsAt: Date; endsAt: Date } {
    const startsAt = body.startsAt !== undefined ? new Date(body.startsAt) : current!.startsAt;
    let endsAt: Date;
    if (body.endsAt !== undefined) endsAt = new Date(body.endsAt);
    else if (body.durationMinutes !== undefined) endsAt = new Date(startsAt.getTime() + body.durationMinutes * MINUTE);
    else endsAt = new Date(startsAt.getTime() + (current!.endsAt.getTime() - current!.startsAt.getTime()));
    if (body.startsAt !== undefined && startsAt.getTime() <= now().getTime())
      throw invalid('startsAt', 'must be in the future', 'An event must start in the future.');
    const minutes = (endsAt.getTime() - startsAt.getTime()) / MINUTE;
    if (minutes < eventLimits.durationMin || minutes > eventLimits.durationMax)
      throw invalid(
        'endsAt',
        `must be ${eventLimits.durationMin} minutes to ${eventLimits.durationMax / 60} hours after the start`,
        'The event ends too soon after its start, or too long after it.',
      );
    return { startsAt, endsAt };
  }

  function calendarItem(doc: HubEvent): CalendarItem {
    return {
      type: 'event',
      id: doc.id,
      title: doc.title,
      kind: doc.kind,
      status: doc.status,
      startsAt: doc.startsAt,
      endsAt: doc.endsAt,
      timeZone: doc.timeZone,
      online: doc.onlineUrl !== null,
      place: doc.place,
      capacity: doc.capacity,
      goingCount: doc.goingCount,
      myRsvp: doc.myRsvp,
      path: `/events/${doc.id}`,
    };
  }

  const labItem = (lab: Lab): CalendarItem => ({
    type: 'lab',
    id: lab.id,
    title: lab.title,
    kind: null,
    status: lab.status,
    startsAt: lab.startsAt,
    endsAt: lab.endsAt,
    timeZone: null,
    online: true,
    place: null,
    capacity: lab.capacity,
    goingCount: lab.goingCount,
    myRsvp: lab.myRsvp,
    path: `/labs/${lab.id}`,
  });

  return {
    /** This domain's part of a member's data export (members/member-data.ts). */
    exportMember: (memberId: string) => exportEventMember(memberId),
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    forgetMember: (memberId: string) => forgetEventMember(memberId, now),
    async create(actor: EventActor, body: EventCreateBody): Promise<HubEvent> {
      await assertMayPublish(actor);
      const { startsAt, endsAt } = schedule(body, null);
      const html = await renderDescription(body.description);
      let timeZone = body.timeZone;
      if (!timeZone) timeZone = (await memberById(actor.id, ['timeZone']))?.timeZone ?? 'UTC';
      await deps.createLimiter?.consume(actor.id);
      const doc = (
        await EventModel.create({
          title: body.title,
          description: body.description,
          html,
          kind: body.kind,
          startsAt,
          endsAt,
          timeZone,
          onlineUrl: body.onlineUrl ?? null,
          place: body.place ?? null,
          capacity: body.capacity ?? null,
          organiserId: new Types.ObjectId(actor.id),
        })
      ).toObject() as EventLean;
      events.publish('event.scheduled', { eventId: doc._id.toHexString(), startsAt });
      return one(doc, actor);
    },

    async get(actor: EventActor, id: string): Promise<HubEvent> {
      return one(await find(id), actor);
    },

    /** The calendar: events and the labs the member can see, merged by start time. */
    async list(actor: EventActor, query: EventListQuery): Promise<CalendarItem[]> {
      const at = now();
      const upcoming = query.when === 'upcoming';
      const items: CalendarItem[] = [];
      if (query.type !== 'lab') {
        const filter: Record<string, unknown> = upcoming
          ? { status: 'scheduled', endsAt: trusted({ $gt: at }) }
          : { $or: [{ status: 'cancelled' }, { endsAt: trusted({ $lte: at }) }] };
        const docs = await EventModel.find(filter)
          .sort({ startsAt: upcoming ? 1 : -1, _id: 1 })
          .limit(query.limit)
          .lean<EventLean[]>();
        items.push(...(await present(readableEvents(actor, docs), actor)).map(calendarItem));
      }
      // Labs are for members: a visitor's calendar holds events only (labs/read-rule.ts).
      if (query.type !== 'event' && !isVisitor(actor))
        items.push(...(await deps.labs.list(actor, { when: query.when })).map(labItem));
      const sign = upcoming ? 1 : -1;
      items.sort(
        (a, b) =>
          sign * (Date.parse(a.startsAt) - Date.parse(b.startsAt)) ||
          a.type.localeCompare(b.type) ||
          a.id.localeCompare(b.id),
      );
      return items.slice(0, query.limit);
    },

    /**
     * Events whose title or description has words starting with each word of `q` (accents and
     * case aside in the query), upcoming first, for the site-wide search.
     */
    async search(actor: EventActor, q: string, limit: number): Promise<HubEvent[]> {
      const words = fold(q)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean)
        .slice(0, 5);
      if (words.length === 0) return [];
      const docs = await EventModel.find({}).sort({ startsAt: -1 }).limit(500).lean<EventLean[]>();
      const at = now().getTime();
      const found = docs
        .filter((d) => {
          const text = fold(`${d.title} ${d.description}`);
          return words.every((w) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(w)}`, 'u').test(text));
        })
        .sort((a, b) => Number(b.startsAt.getTime() > at) - Number(a.startsAt.getTime() > at))
        .slice(0, limit);
      return present(readableEvents(actor, found), actor);
    },

    /** Edit or reschedule (organiser, moderators, admins). Moving the start moves the reminders. */
    async update(actor: EventActor, id: string, patch: EventPatchBody): Promise<HubEvent> {
      await assertMayPublish(actor);
      const doc = await find(id);
      eventPolicy.manage(actor, doc);
      eventPolicy.change(doc, now());
      const set: Record<string, unknown> = {};
      for (const key of ['title', 'kind', 'timeZone', 'onlineUrl', 'place', 'capacity'] as const)
        if (patch[key] !== undefined) set[key] = patch[key];
      const online = patch.onlineUrl !== undefined ? patch.onlineUrl : doc.onlineUrl;
      const place = patch.place !== undefined ? patch.place : doc.place;
      if (!online && !place) throw invalid('place', 'give an online link, a place, or both', 'Where does it happen?');
      const moves = patch.startsAt !== undefined || patch.endsAt !== undefined || patch.durationMinutes !== undefined;
      const when = moves ? schedule(patch, doc) : { startsAt: doc.startsAt, endsAt: doc.endsAt };
      if (moves) Object.assign(set, when);
      if (patch.capacity !== undefined && patch.capacity !== null) {
        const going = await EventSeatModel.countDocuments({ eventId: doc._id });
        if (patch.capacity < going)
          throw invalid(
            'capacity',
            `${going} members are already going`,
            'The capacity cannot be lower than the number of members going.',
          );
      }
      if (patch.description !== undefined) {
        set.description = patch.description;
        set.html = await renderDescription(patch.description);
      }
      const updated = await EventModel.findOneAndUpdate(
        { _id: doc._id, status: 'scheduled' },
        { $set: set },
        { returnDocument: 'after' },
      ).lean<EventLean>();
      if (!updated) throw new AppError('event_closed', 'This event is cancelled; it cannot change.');
      if (patch.capacity !== undefined) await eventSeating(doc._id, now).promote();
      if (when.startsAt.getTime() !== doc.startsAt.getTime())
        events.publish('event.rescheduled', { eventId: id, previousStartsAt: doc.startsAt, startsAt: when.startsAt });
      return one(updated, actor);
    },

    /** Cancel (organiser, moderators, admins): reminders go, and members who had not said no are told. */
    async cancel(actor: EventActor, id: string): Promise<HubEvent> {
      const doc = await find(id);
      eventPolicy.manage(actor, doc);
      eventPolicy.change(doc, now());
      const updated = await EventModel.findOneAndUpdate(
        { _id: doc._id, status: 'scheduled' },
        { $set: { status: 'cancelled', cancelledAt: now() } },
        { returnDocument: 'after' },
      ).lean<EventLean>();
      if (!updated) throw new AppError('event_closed', 'This event is already cancelled.');
      const told = await EventAttendeeModel.find(
        { eventId: doc._id, rsvp: trusted({ $in: ['going', 'waitlisted', 'maybe'] }) },
        { memberId: 1 },
      ).lean();
      events.publish('event.cancelled', {
        eventId: id,
        title: doc.title,
        startsAt: doc.startsAt,
        memberIds: told.map((r) => r.memberId.toHexString()).filter((m) => m !== actor.id),
      });
      return one(updated, actor);
    },

    /**
     * RSVP going, maybe or no. Going takes a seat if one is free, else joins the waitlist;
     * leaving a seat promotes the oldest waitlisted member.
     */
    async rsvp(actor: EventActor, id: string, choice: RsvpChoice): Promise<HubEvent> {
      const doc = await find(id);
      eventPolicy.rsvp(doc, now());
      const me = new Types.ObjectId(actor.id);
      try {
        await EventAttendeeModel.updateOne(
          { eventId: doc._id, memberId: me },
          { $setOnInsert: { eventId: doc._id, memberId: me, rsvp: 'no', waitlistedAt: null } },
          { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const row = (await EventAttendeeModel.findOne({ eventId: doc._id, memberId: me }).lean<AttendeeLean>())!;
      await eventSeating(doc._id, now).answer({ rowId: row._id, memberId: me, rsvp: row.rsvp }, choice);
      return one(doc, actor);
    },

    /** The event as an iCalendar file (RFC 5545), built by the same helper as the labs' file. */
    async calendar(actor: EventActor, id: string, eventUrl: string): Promise<{ filename: string; ics: string }> {
      const doc = readableEvent(actor, await find(id));
      const location = [doc.place, doc.withLink ? doc.onlineUrl : null].filter(Boolean).join(' · ');
      const ics = calendarFile({
        uid: `event-${doc._id.toHexString()}@commons`,
        productId: 'commons/events',
        startsAt: doc.startsAt,
        endsAt: doc.endsAt,
        title: doc.title,
        description: htmlToText(doc.html),
        url: eventUrl,
        location: location || null,
        cancelled: doc.status === 'cancelled',
        updatedAt: doc.updatedAt,
      });
      return { filename: `event-${doc._id.toHexString()}.ics`, ics };
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;
