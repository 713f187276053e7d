import { createEventJobs } from '@commons/server/events/jobs';
import { eventReminderJobId } from '@commons/server/events/listeners';
import { EventAttendeeModel, EventModel, EventReminderModel } from '@commons/server/events/model';
import type { DomainEventMap } from '@commons/server/infra/domain-events';
import { SanctionModel } from '@commons/server/moderation/model';
import { standingChanged } from '@commons/server/moderation/standing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, signUp, type Someone } from '../forums/support.js';
import { createLab, minutesFromNow, waitUntil } from '../labs/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { MISSING_ID } from './support.js';

let p: TestPlatform;
let org: Someone;
let ana: Someone;
let ben: Someone;
let cy: Someone;
let dee: Someone;
let mod: Someone;

const reminders: Array<DomainEventMap['event.reminderDue']> = [];
const cancellations: Array<DomainEventMap['event.cancelled']> = [];

beforeAll(async () => {
  p = await startTestPlatform('hub_events');
  [org, ana, ben, cy, dee, mod] = (await Promise.all([
    signUp(p, 'Olga Organiser'),
    signUp(p, 'Ana Alvarez'),
    signUp(p, 'Ben Brooks'),
    signUp(p, 'Cy Chen'),
    signUp(p, 'Dee Diaz'),
    signUp(p, 'Mo Moderator', 'moderator'),
  ])) as [Someone, Someone, Someone, Someone, Someone, Someone];
  p.runtime.events.on('event.reminderDue', (e) => void reminders.push(e));
  p.runtime.events.on('event.cancelled', (e) => void cancellations.push(e));
});
afterAll(async () => {
  await p?.close();
});

const hours = (h: number) => minutesFromNow(h * 60);

const eventBody = (over: Record<string, unknown> = {}) => ({
  title: 'Family resource fair planning',
  description: 'Bring **ideas** for the spring fair.',
  kind: 'meeting',
  startsAt: hours(48),
  durationMinutes: 90,
  timeZone: 'America/Chicago',
  place: 'Dudley Library, room 2',
  onlineUrl: 'https://meet.example.org/fair',
  ...over,
});

// Response bodies are arbitrary JSON that assertions walk freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function createEvent(who: Someone, over: Record<string, unknown> = {}): Promise<any> {
  const res = await who.c.post('/api/events', eventBody(over));
  if (res.status !== 201) throw new Error(`create event failed: ${res.status} ${res.text}`);
  return res.body.event;
}

const rsvp = (who: Someone, id: string, status: string) => put(who.c, `/api/events/${id}/rsvp`, { status });
const delayedIds = async () => (await p.runtime.queues.events.getDelayed()).map((j) => j.id);

describe('organising an event', () => {
  it('refuses bad input with field errors, and creates nothing', async () => {
    const before = await EventModel.countDocuments();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: 'x' }, 'title'],
      [{ extra: true }, ''],
      [{ title: { $gt: '' } }, 'title'],
      [{ kind: 'party' }, 'kind'],
      [{ startsAt: 'tomorrow' }, 'startsAt'],
      [{ startsAt: minutesFromNow(-5) }, 'startsAt'],
      [{ durationMinutes: 5 }, 'durationMinutes'],
      [{ durationMinutes: undefined }, 'durationMinutes'],
      [{ endsAt: hours(49) }, 'endsAt'],
      [{ durationMinutes: undefined, endsAt: hours(47) }, 'endsAt'],
      [{ capacity: 0 }, 'capacity'],
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ onlineUrl: 'javascript:alert(1)' }, 'onlineUrl'],
      [{ onlineUrl: null, place: null }, 'place'],
      [{ description: '   ' }, 'description'],
    ];
    for (const [over, field] of cases) {
      const res = await org.c.post('/api/events', eventBody(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      if (field) expect(Object.keys(res.body.error.details.fieldErrors), JSON.stringify(over)).toContain(field);
    }
    expect((await p.client().post('/api/events', eventBody())).status).toBe(401);
    // Reading the calendar is part of the public face (tests/security/public-face.test.ts); organising is not.
    expect((await p.client().get('/api/events')).status).toBe(200);
    expect((await org.c.get('/api/events?when=soon')).status).toBe(400);
    expect(await EventModel.countDocuments()).toBe(before);
  });

  it('creates with sanitized Markdown; the organiser, moderators and admins manage it', async () => {
    const event = await createEvent(org, {
      description: 'Hello <script>alert(1)</script> **world** [x](javascript:alert(1))',
      durationMinutes: undefined,
      endsAt: hours(50),
      capacity: 30,
    });
    expect(event).toMatchObject({
      kind: 'meeting',
      status: 'scheduled',
      past: false,
      durationMinutes: 120,
      timeZone: 'America/Chicago',
      capacity: 30,
      canManage: true,
      goingCount: 0,
      myRsvp: null,
    });
    expect(event.organiser.id).toBe(org.id);
    expect(event.descriptionHtml).toContain('<strong>world</strong>');
    expect(event.descriptionHtml).not.toContain('<script');
    expect(event.descriptionHtml).not.toContain('javascript:');

    const seen = await ana.c.get(`/api/events/${event.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.event.canManage).toBe(false);
    expect((await ana.c.get(`/api/events/${MISSING_ID}`)).status).toBe(404);
    expect((await ana.c.get('/api/events/nope')).status).toBe(404);

    const stranger = await ana.c.patch(`/api/events/${event.id}`, { title: 'Mine now' });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('forbidden');
    expect((await ana.c.post(`/api/events/${event.id}/cancel`)).status).toBe(403);

    const edited = await org.c.patch(`/api/events/${event.id}`, { title: 'Spring fair planning', kind: 'webinar' });
    expect(edited.status).toBe(200);
    expect(edited.body.event).toMatchObject({ title: 'Spring fair planning', kind: 'webinar' });
    const byMod = await mod.c.patch(`/api/events/${event.id}`, { description: 'Moved *upstairs*.' });
    expect(byMod.status).toBe(200);
    expect(byMod.body.event.descriptionHtml).toContain('<em>upstairs</em>');
    expect((await org.c.patch(`/api/events/${event.id}`, {})).status).toBe(400);
    expect((await org.c.patch(`/api/events/${event.id}`, { onlineUrl: null, place: null })).status).toBe(400);

    // Rescheduling the start alone keeps the length.
    const moved = await org.c.patch(`/api/events/${event.id}`, { startsAt: hours(72) });
    expect(moved.body.event.durationMinutes).toBe(120);

    const cancelled = await mod.c.post(`/api/events/${event.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.event.status).toBe('cancelled');
    const again = await org.c.post(`/api/events/${event.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('event_closed');
    const late = await org.c.patch(`/api/events/${event.id}`, { title: 'Back on' });
    expect(late.body.error.code).toBe('event_closed');
    const closed = await rsvp(ana, event.id, 'going');
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('event_closed');
  });

  it('refuses silenced members as organisers, but lets them answer', async () => {
    const event = await createEvent(mod);
    const sanction = await SanctionModel.create({
      memberId: cy.id,
      kind: 'silence',
      reason: 'Cooling off',
      expiresAt: new Date(Date.now() + 3600_000),
      liftedAt: null,
      createdById: mod.id,
      createdAt: new Date(),
    });
    // Written behind the service's back, as no process does: what Redis keeps of it is dropped by hand.
    await standingChanged(cy.id);
    const before = await EventModel.countDocuments();
    const res = await cy.c.post('/api/events', eventBody());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('member_silenced');
    expect(await EventModel.countDocuments()).toBe(before);
    expect((await rsvp(cy, event.id, 'maybe')).status).toBe(200);
    await SanctionModel.updateOne({ _id: sanction._id }, { $set: { liftedAt: new Date() } });
    await standingChanged(cy.id);
  });

  it('serves an iCalendar file with the place and link, and marks a cancelled one', async () => {
    const event = await createEvent(org);
    const res = await ana.c.get(`/api/events/${event.id}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(res.headers.get('content-disposition')).toContain(`event-${event.id}.ics`);
    const text = res.text.replace(/\r\n[ \t]/g, '');
    expect(text).toContain('BEGIN:VEVENT');
    expect(text).toContain('SUMMARY:Family resource fair planning');
    expect(text).toContain(`UID:event-${event.id}@commons`);
    expect(text).toContain('LOCATION:Dudley Library\\, room 2 · https://meet.example.org/fair');
    expect(text).toContain('STATUS:CONFIRMED');
    const start = new Date(event.startsAt)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    expect(text).toContain(`DTSTART:${start}`);
    await org.c.post(`/api/events/${event.id}/cancel`);
    expect((await ana.c.get(`/api/events/${event.id}/calendar.ics`)).text).toContain('STATUS:CANCELLED');
  });
});

describe('RSVPs, capacity and the waitlist', () => {
  it('fills the seats, waitlists the rest in order and promotes when a seat frees up', async () => {
    const event = await createEvent(org, { capacity: 2 });
    expect((await rsvp(ana, event.id, 'going')).body.event).toMatchObject({ myRsvp: 'going', goingCount: 1 });
    expect((await rsvp(ben, event.id, 'going')).body.event).toMatchObject({ myRsvp: 'going', goingCount: 2 });
    expect((await rsvp(cy, event.id, 'going')).body.event).toMatchObject({
      myRsvp: 'waitlisted',
      myWaitlistPosition: 1,
    });
    expect((await rsvp(dee, event.id, 'going')).body.event).toMatchObject({
      myRsvp: 'waitlisted',
      myWaitlistPosition: 2,
      waitlistCount: 2,
    });
    expect((await rsvp(ana, event.id, 'going')).body.event.goingCount).toBe(2);
    const bad = await rsvp(ana, event.id, 'fine');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');

    // Ana steps back: Cy, first on the waitlist, gets her seat.
    expect((await rsvp(ana, event.id, 'no')).body.event).toMatchObject({ myRsvp: 'no', goingCount: 2 });
    expect((await cy.c.get(`/api/events/${event.id}`)).body.event.myRsvp).toBe('going');
    expect((await dee.c.get(`/api/events/${event.id}`)).body.event).toMatchObject({
      myRsvp: 'waitlisted',
      myWaitlistPosition: 1,
    });

    // The capacity cannot drop below those going; raising it moves Dee up at once.
    const lower = await org.c.patch(`/api/events/${event.id}`, { capacity: 1 });
    expect(lower.status).toBe(400);
    expect(lower.body.error.details.fieldErrors.capacity).toBeDefined();
    const bigger = await org.c.patch(`/api/events/${event.id}`, { capacity: 3 });
    expect(bigger.body.event).toMatchObject({ goingCount: 3, waitlistCount: 0 });
    expect((await dee.c.get(`/api/events/${event.id}`)).body.event.myRsvp).toBe('going');

    expect((await rsvp(ana, event.id, 'maybe')).body.event).toMatchObject({ myRsvp: 'maybe', maybeCount: 1 });
  });

  it('never gives more seats than the capacity under concurrent RSVPs', async () => {
    const event = await createEvent(org, { capacity: 1 });
    const results = await Promise.all([ana, ben, cy, dee].map((who) => rsvp(who, event.id, 'going')));
    expect(results.map((r) => r.body.event.myRsvp).sort()).toEqual(['going', 'waitlisted', 'waitlisted', 'waitlisted']);
    const rows = await EventAttendeeModel.find({ eventId: event.id }).lean();
    expect(rows.filter((r) => r.rsvp === 'going')).toHaveLength(1);
    expect((await org.c.get(`/api/events/${event.id}`)).body.event.goingCount).toBe(1);
  });
});

describe('the calendar', () => {
  it('merges events with the labs the member can see, by start time', async () => {
    const soon = await createEvent(org, { title: 'Webinar soon', kind: 'webinar', startsAt: hours(1000) });
    const lab = await createLab(org, { startsAt: hours(1001) });
    const hidden = await createLab(org, { startsAt: hours(1002), visibility: 'invite' });
    const later = await createEvent(org, { title: 'Meeting later', startsAt: hours(1003) });
    const res = await ana.c.get('/api/events?when=upcoming&limit=100');
    expect(res.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const items: any[] = res.body.items;
    const ids = items.map((i) => i.id);
    expect(ids).not.toContain(hidden.id);
    const mine = items.filter((i) => [soon.id, lab.id, later.id].includes(i.id));
    expect(mine.map((i) => [i.type, i.id])).toEqual([
      ['event', soon.id],
      ['lab', lab.id],
      ['event', later.id],
    ]);
    expect(mine[1]).toMatchObject({ type: 'lab', path: `/labs/${lab.id}`, kind: null, online: true });
    expect(mine[0]).toMatchObject({ type: 'event', path: `/events/${soon.id}`, kind: 'webinar', online: true });
    const starts = items.map((i) => Date.parse(i.startsAt));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // The organiser sees the invite-only lab they host.
    expect((await org.c.get('/api/events?limit=100')).body.items.map((i: { id: string }) => i.id)).toContain(hidden.id);

    const onlyEvents = (await ana.c.get('/api/events?type=event&limit=100')).body.items;
    expect(onlyEvents.every((i: { type: string }) => i.type === 'event')).toBe(true);
    const onlyLabs = (await ana.c.get('/api/events?type=lab&limit=100')).body.items;
    expect(onlyLabs.every((i: { type: string }) => i.type === 'lab')).toBe(true);
    expect((await ana.c.get('/api/events?limit=2')).body.items).toHaveLength(2);

    await org.c.post(`/api/events/${later.id}/cancel`);
    const past = (await ana.c.get('/api/events?when=past&limit=100')).body.items;
    expect(past.find((i: { id: string }) => i.id === later.id)).toMatchObject({ status: 'cancelled' });
    expect((await ana.c.get('/api/events?limit=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(
      later.id,
    );
  });
});

describe('reminders', () => {
  it('schedules day and hour reminders, moves them on reschedule and removes them on cancel', async () => {
    const startsAt = new Date(Date.now() + 48 * 3600_000);
    startsAt.setMilliseconds(0);
    const event = await createEvent(org, { startsAt: startsAt.toISOString() });
    await p.runtime.events.settle();
    const first = [eventReminderJobId(event.id, 'day', startsAt), eventReminderJobId(event.id, 'hour', startsAt)];
    expect(first[0]).toBe(`event-${event.id}-reminder-day-${startsAt.getTime()}`);
    expect(await delayedIds()).toEqual(expect.arrayContaining(first));
    const day = await p.runtime.queues.events.getJob(first[0]!);
    expect(day?.data).toEqual({ kind: 'reminder', eventId: event.id, lead: 'day', startsAt: startsAt.toISOString() });
    expect(Math.abs(day!.timestamp + day!.opts.delay! - (startsAt.getTime() - 24 * 3600_000))).toBeLessThan(5_000);
    const hour = await p.runtime.queues.events.getJob(first[1]!);
    expect(Math.abs(hour!.timestamp + hour!.opts.delay! - (startsAt.getTime() - 3600_000))).toBeLessThan(5_000);

    const moved = new Date(startsAt.getTime() + 3 * 3600_000);
    await org.c.patch(`/api/events/${event.id}`, { startsAt: moved.toISOString() });
    await org.c.patch(`/api/events/${event.id}`, { startsAt: moved.toISOString() }); // no change
    await org.c.patch(`/api/events/${event.id}`, { title: 'Renamed only' }); // no move
    await p.runtime.events.settle();
    const second = [eventReminderJobId(event.id, 'day', moved), eventReminderJobId(event.id, 'hour', moved)];
    const afterMove = await delayedIds();
    expect(afterMove).toEqual(expect.arrayContaining(second));
    expect(afterMove.filter((id) => id?.startsWith(`event-${event.id}-`)).sort()).toEqual([...second].sort());

    await org.c.post(`/api/events/${event.id}/cancel`);
    await p.runtime.events.settle();
    expect((await delayedIds()).filter((id) => id?.startsWith(`event-${event.id}-`))).toEqual([]);
  });

  it('skips reminders whose time has passed', async () => {
    const event = await createEvent(org, { startsAt: hours(5) });
    await p.runtime.events.settle();
    const mine = (await delayedIds()).filter((id) => id?.startsWith(`event-${event.id}-`));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('-hour-');
  });

  it('reminds each member going once, however often the job runs', async () => {
    const event = await createEvent(org, { capacity: 1 });
    await rsvp(ana, event.id, 'going');
    await rsvp(ben, event.id, 'going'); // waitlisted: no reminder
    await rsvp(cy, event.id, 'maybe'); // maybe: no reminder
    const jobs = createEventJobs({ events: p.runtime.events });
    const payload = { kind: 'reminder' as const, eventId: event.id, lead: 'day' as const, startsAt: event.startsAt };
    const mineBefore = reminders.filter((r) => r.eventId === event.id).length;
    expect(await jobs.handlers.reminder(payload)).toEqual({ reminded: 1 });
    expect(await jobs.handlers.reminder(payload)).toEqual({ reminded: 0 });
    await Promise.all([jobs.handlers.reminder(payload), jobs.handlers.reminder(payload)]);
    const mine = reminders.filter((r) => r.eventId === event.id);
    expect(mine.length - mineBefore).toBe(1);
    expect(mine.at(-1)).toMatchObject({ eventId: event.id, lead: 'day', memberIds: [ana.id], title: event.title });
    expect(mine.at(-1)!.startsAt.toISOString()).toBe(event.startsAt);
    expect(await EventReminderModel.countDocuments({ eventId: event.id })).toBe(1);

    // The hour reminder is its own; Ben, promoted meanwhile, gets it too.
    await rsvp(ana, event.id, 'no');
    await rsvp(ana, event.id, 'going'); // waitlisted now, behind nobody: Ben holds the seat
    expect(await jobs.handlers.reminder({ ...payload, lead: 'hour' })).toEqual({ reminded: 1 });
    expect(reminders.at(-1)).toMatchObject({ lead: 'hour', memberIds: [ben.id] });

    // A reminder for a start the event no longer has, or of a cancelled event, does nothing.
    expect(await jobs.handlers.reminder({ ...payload, startsAt: hours(99) })).toEqual({ skipped: 'event was moved' });
    await org.c.post(`/api/events/${event.id}/cancel`);
    expect(await jobs.handlers.reminder({ ...payload, lead: 'hour' })).toEqual({ skipped: 'event is cancelled' });
    expect(await jobs.handlers.reminder({ ...payload, eventId: MISSING_ID })).toEqual({ skipped: 'no such event' });
  });

  it('the worker publishes the reminder when it is due', async () => {
    const startsAt = new Date(Date.now() + 3600_000 + 4_000);
    const event = await createEvent(org, { startsAt: startsAt.toISOString() });
    await rsvp(dee, event.id, 'going');
    await waitUntil(() => reminders.some((r) => r.eventId === event.id), 20_000);
    const got = reminders.filter((r) => r.eventId === event.id);
    expect(got).toEqual([expect.objectContaining({ lead: 'hour', memberIds: [dee.id] })]);
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt.getTime() - 3600_000 - 50);
  }, 30_000);

  it('tells those who had not said no when an event is cancelled', async () => {
    // Each member organises at most 10 events an hour; the organiser here has used theirs.
    const limited = await org.c.post('/api/events', eventBody());
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    const event = await createEvent(mod, { capacity: 1 });
    await rsvp(ana, event.id, 'going');
    await rsvp(ben, event.id, 'going'); // waitlisted
    await rsvp(cy, event.id, 'maybe');
    await rsvp(dee, event.id, 'no');
    await rsvp(mod, event.id, 'maybe'); // the organiser cancels: not told
    await mod.c.post(`/api/events/${event.id}/cancel`);
    const told = cancellations.filter((c) => c.eventId === event.id);
    expect(told).toHaveLength(1);
    expect([...told[0]!.memberIds].sort()).toEqual([ana.id, ben.id, cy.id].sort());
    expect(told[0]).toMatchObject({ title: event.title });
    expect(told[0]!.startsAt.toISOString()).toBe(event.startsAt);
  });
});
