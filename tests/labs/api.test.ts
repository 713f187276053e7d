import { reminderJobId } from '@commons/server/labs/listeners';
import { createLabJobs } from '@commons/server/labs/jobs';
import { createForumService } from '@commons/server/forums/service';
import { LabParticipantModel } from '@commons/server/labs/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createLab, labBody, minutesFromNow } from './support.js';

let p: TestPlatform;
let host: Someone;
let cofac: Someone;
let ana: Someone;
let ben: Someone;
let cy: Someone;
let dee: Someone;

beforeAll(async () => {
  p = await startTestPlatform('labs_api');
  [host, cofac, ana, ben, cy, dee] = (await Promise.all(
    ['Hana Host', 'Cole Cofac', 'Ana Alvarez', 'Ben Brooks', 'Cy Chen', 'Dee Diaz'].map((n) => signUp(p, n)),
  )) as [Someone, Someone, Someone, Someone, Someone, Someone];
});
afterAll(async () => {
  await p?.close();
});

const delayedIds = async () => (await p.runtime.queues.labs.getDelayed()).map((j) => j.id);

describe('scheduling a lab', () => {
  it('validates the body strictly', async () => {
    const cases: unknown[] = [
      { ...labBody(), title: 'x' },
      { ...labBody(), extra: true },
      { ...labBody(), title: { $gt: '' } },
      { ...labBody(), agenda: [] },
      { ...labBody(), agenda: [{ title: 'All', minutes: 200, kind: 'discuss' }], durationMinutes: 60 },
      { ...labBody(), agenda: [{ title: 'Odd', minutes: 10, kind: 'party' }] },
      { ...labBody(), startsAt: 'tomorrow' },
      { ...labBody(), startsAt: minutesFromNow(-5) },
      { ...labBody(), capacity: 0 },
      { ...labBody(), facilitatorIds: ['0123456789abcdef01234567'] },
    ];
    for (const body of cases) {
      const res = await host.c.post('/api/labs', body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const anon = await p.client().post('/api/labs', labBody());
    expect(anon.status).toBe(401);
  });

  it('creates, lists, reads, edits and cancels; only facilitators manage', async () => {
    const lab = await createLab(host, { facilitatorIds: [cofac.id], capacity: 20 });
    expect(lab).toMatchObject({ status: 'scheduled', canManage: true, goingCount: 0, capacity: 20 });
    expect(lab.facilitators.map((f: { id: string }) => f.id)).toEqual([cofac.id]);

    const list = await ana.c.get('/api/labs?when=upcoming');
    expect(list.status).toBe(200);
    expect(list.body.labs.map((l: { id: string }) => l.id)).toContain(lab.id);
    expect((await ana.c.get('/api/labs?when=past')).body.labs.map((l: { id: string }) => l.id)).not.toContain(lab.id);
    expect((await ana.c.get('/api/labs?when=sometime')).status).toBe(400);

    const seen = await ana.c.get(`/api/labs/${lab.id}`);
    expect(seen.body.lab).toMatchObject({ id: lab.id, canManage: false, myRsvp: null });

    const refused = await ana.c.patch(`/api/labs/${lab.id}`, { title: 'Taken over' });
    expect(refused.status).toBe(403);
    const byCofac = await cofac.c.patch(`/api/labs/${lab.id}`, { title: 'Safer walking routes' });
    expect(byCofac.status).toBe(200);
    expect(byCofac.body.lab.title).toBe('Safer walking routes');
    const tooLong = await host.c.patch(`/api/labs/${lab.id}`, { durationMinutes: 30 });
    expect(tooLong.status).toBe(400);

    expect((await ana.c.post(`/api/labs/${lab.id}/cancel`)).status).toBe(403);
    const cancelled = await host.c.post(`/api/labs/${lab.id}/cancel`);
    expect(cancelled.body.lab.status).toBe('cancelled');
    expect((await host.c.post(`/api/labs/${lab.id}/cancel`)).status).toBe(409);
    expect((await put(ana.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).status).toBe(409);
    expect((await ana.c.get('/api/labs?when=past')).body.labs.map((l: { id: string }) => l.id)).toContain(lab.id);
  });

  it('hides invite-only labs from members who are not invited', async () => {
    const lab = await createLab(host, { visibility: 'invite' });
    expect((await ben.c.get(`/api/labs/${lab.id}`)).status).toBe(404);
    expect((await ben.c.get('/api/labs')).body.labs.map((l: { id: string }) => l.id)).not.toContain(lab.id);
    expect((await put(ben.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).status).toBe(404);
    expect((await ana.c.post(`/api/labs/${lab.id}/invitations`, { memberIds: [ben.id] })).status).toBe(404);

    const invited = await host.c.post(`/api/labs/${lab.id}/invitations`, { memberIds: [ben.id] });
    expect(invited.status).toBe(200);
    expect(invited.body.invitedIds).toEqual([ben.id]);
    expect((await ben.c.get(`/api/labs/${lab.id}`)).status).toBe(200);
    expect((await ben.c.get('/api/labs')).body.labs.map((l: { id: string }) => l.id)).toContain(lab.id);
    expect((await put(ben.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).body.lab.myRsvp).toBe('going');
    expect((await cy.c.get(`/api/labs/${lab.id}`)).status).toBe(404);
  });

  it('serves an iCalendar file', async () => {
    const lab = await createLab(host);
    const res = await ana.c.get(`/api/labs/${lab.id}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(res.text).toContain('BEGIN:VEVENT');
    expect(res.text).toContain('SUMMARY:Safe routes to school');
    expect(res.text).toContain(`UID:lab-${lab.id}@commons`);
  });
});

describe('RSVPs, capacity and the waitlist', () => {
  it('fills the seats, waitlists the rest in order and promotes when a seat frees up', async () => {
    const lab = await createLab(host, { capacity: 2 });
    const rsvp = (who: Someone, status: string) => put(who.c, `/api/labs/${lab.id}/rsvp`, { status });
    expect((await rsvp(ana, 'going')).body.lab).toMatchObject({ myRsvp: 'going', goingCount: 1 });
    expect((await rsvp(ben, 'going')).body.lab).toMatchObject({ myRsvp: 'going', goingCount: 2 });
    expect((await rsvp(cy, 'going')).body.lab).toMatchObject({ myRsvp: 'waitlisted', myWaitlistPosition: 1 });
    expect((await rsvp(dee, 'going')).body.lab).toMatchObject({
      myRsvp: 'waitlisted',
      myWaitlistPosition: 2,
      waitlistCount: 2,
    });
    // Saying going again changes nothing.
    expect((await rsvp(ana, 'going')).body.lab.goingCount).toBe(2);
    expect((await rsvp(ana, 'fine')).status).toBe(400);

    // Ana steps back: Cy (first on the waitlist) gets her seat.
    expect((await rsvp(ana, 'no')).body.lab).toMatchObject({ myRsvp: 'no', goingCount: 2, waitlistCount: 1 });
    expect((await cy.c.get(`/api/labs/${lab.id}`)).body.lab).toMatchObject({ myRsvp: 'going' });
    expect((await dee.c.get(`/api/labs/${lab.id}`)).body.lab).toMatchObject({
      myRsvp: 'waitlisted',
      myWaitlistPosition: 1,
    });

    // More seats: Dee moves up at once.
    const bigger = await host.c.patch(`/api/labs/${lab.id}`, { capacity: 3 });
    expect(bigger.body.lab).toMatchObject({ goingCount: 3, waitlistCount: 0 });
    expect((await dee.c.get(`/api/labs/${lab.id}`)).body.lab.myRsvp).toBe('going');

    // A waitlisted member who says maybe leaves the waitlist; maybe takes no seat.
    expect((await rsvp(ana, 'maybe')).body.lab).toMatchObject({ myRsvp: 'maybe', goingCount: 3 });
  });

  it('never gives more seats than the capacity under concurrent RSVPs', async () => {
    const lab = await createLab(host, { capacity: 1 });
    const results = await Promise.all(
      [ana, ben, cy, dee].map((who) => put(who.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })),
    );
    const statuses = results.map((r) => r.body.lab.myRsvp).sort();
    expect(statuses).toEqual(['going', 'waitlisted', 'waitlisted', 'waitlisted']);
    const rows = await LabParticipantModel.find({ labId: lab.id }).lean();
    expect(rows.filter((r) => r.rsvp === 'going')).toHaveLength(1);
    expect((await host.c.get(`/api/labs/${lab.id}`)).body.lab.goingCount).toBe(1);
  });
});

describe('reminders', () => {
  it('schedules 24 h and 15 min reminders, moves them on reschedule and removes them on cancel', async () => {
    const startsAt = new Date(Date.now() + 48 * 3600_000);
    startsAt.setMilliseconds(0);
    const lab = await createLab(host, { startsAt: startsAt.toISOString() });
    await p.runtime.events.settle();
    const first = [reminderJobId(lab.id, '24h', startsAt), reminderJobId(lab.id, '15m', startsAt)];
    for (const id of first) expect(id).not.toContain(':');
    expect(await delayedIds()).toEqual(expect.arrayContaining(first));
    const job = await p.runtime.queues.labs.getJob(first[0]!);
    expect(job?.data).toMatchObject({ kind: 'reminder', labId: lab.id, lead: '24h' });
    const delay = job!.opts.delay!;
    expect(Math.abs(job!.timestamp + delay - (startsAt.getTime() - 24 * 3600_000))).toBeLessThan(5_000);

    const moved = new Date(startsAt.getTime() + 3 * 3600_000);
    await host.c.patch(`/api/labs/${lab.id}`, { startsAt: moved.toISOString() });
    // Saving the same time again changes nothing.
    await host.c.patch(`/api/labs/${lab.id}`, { startsAt: moved.toISOString() });
    await p.runtime.events.settle();
    const second = [reminderJobId(lab.id, '24h', moved), reminderJobId(lab.id, '15m', moved)];
    const afterMove = await delayedIds();
    expect(afterMove).toEqual(expect.arrayContaining(second));
    for (const id of first) expect(afterMove).not.toContain(id);
    expect(afterMove.filter((id) => id?.startsWith(`lab-${lab.id}-`))).toHaveLength(2);

    await host.c.post(`/api/labs/${lab.id}/cancel`);
    await p.runtime.events.settle();
    expect((await delayedIds()).filter((id) => id?.startsWith(`lab-${lab.id}-`))).toEqual([]);
  });

  it('skips reminders whose time has passed', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(60) });
    await p.runtime.events.settle();
    const mine = (await delayedIds()).filter((id) => id?.startsWith(`lab-${lab.id}-`));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('-15m-');
  });

  it('mails each member who is going once, however often the reminder runs', async () => {
    const lab = await createLab(host, { capacity: 1 });
    await put(ana.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' });
    await put(ben.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' }); // waitlisted: no reminder
    const jobs = createLabJobs({
      forums: createForumService({ events: p.runtime.events }),
      outbox: p.runtime.outbox,
      publicUrl: p.url,
      log: p.runtime.log,
    });
    const payload = { kind: 'reminder' as const, labId: lab.id, lead: '24h' as const, startsAt: lab.startsAt };
    expect(await jobs.handlers.reminder(payload)).toEqual({ sent: 1 });
    expect(await jobs.handlers.reminder(payload)).toEqual({ sent: 0 });
    const mail = await p.sink.waitFor((m) => m.subject?.includes('Safe routes to school') ?? false);
    expect(mail.text).toContain('Ana Alvarez');
    const row = await LabParticipantModel.findOne({ labId: lab.id, memberId: ana.id }).lean();
    expect(row?.remindersSent).toHaveLength(1);
    // A reminder for a start the lab no longer has does nothing.
    expect(await jobs.handlers.reminder({ ...payload, startsAt: minutesFromNow(99) })).toEqual({
      skipped: 'lab was moved',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(p.sink.mails().filter((m) => m.subject?.includes('Safe routes to school'))).toHaveLength(1);
  });
});
