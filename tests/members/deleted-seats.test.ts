import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, put, signUp, type Someone } from '../forums/support.js';
import { createLab, minutesFromNow } from '../labs/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// A member who deletes their account gives their lab and event seats to the waitlist.
let p: TestPlatform;
let host: Someone;

beforeAll(async () => {
  p = await startTestPlatform('deleted_seats', { workers: false });
  host = await signUp(p, 'Hana Host');
});
afterAll(async () => {
  await p?.close();
});

const remove = (who: Someone) => who.c.request('DELETE', '/api/members/me', { password: PASSWORD });

describe('seats of a deleted account', () => {
  it('go to the first waitlisted member of a lab, who is told live (lab.seated)', async () => {
    const ana = await signUp(p, 'Ana Seated');
    const ben = await signUp(p, 'Ben Waiting');
    const lab = await createLab(host, { capacity: 1, startsAt: minutesFromNow(48 * 60) });
    expect((await put(ana.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).body.lab.myRsvp).toBe('going');
    expect((await put(ben.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).body.lab.myRsvp).toBe('waitlisted');
    const seated: { labId: string; memberIds: string[] }[] = [];
    p.runtime.events.on('lab.seated', (e) => void seated.push(e));

    expect((await remove(ana)).status).toBe(204);
    expect((await ben.c.get(`/api/labs/${lab.id}`)).body.lab.myRsvp).toBe('going');
    expect(seated).toContainEqual({ labId: lab.id, memberIds: [ben.id] });
  });

  it('go to the first waitlisted member of an event', async () => {
    const cy = await signUp(p, 'Cy Seated');
    const dee = await signUp(p, 'Dee Waiting');
    const created = await host.c.post('/api/events', {
      title: 'Kinship carers meet-up',
      description: 'An evening for kinship carers.',
      kind: 'meeting',
      startsAt: minutesFromNow(72 * 60),
      durationMinutes: 60,
      timeZone: 'America/New_York',
      place: 'Dudley Library',
      capacity: 1,
    });
    expect(created.status).toBe(201);
    const id = created.body.event.id;
    expect((await put(cy.c, `/api/events/${id}/rsvp`, { status: 'going' })).body.event.myRsvp).toBe('going');
    expect((await put(dee.c, `/api/events/${id}/rsvp`, { status: 'going' })).body.event.myRsvp).toBe('waitlisted');

    expect((await remove(cy)).status).toBe(204);
    expect((await dee.c.get(`/api/events/${id}`)).body.event).toMatchObject({ myRsvp: 'going', goingCount: 1 });
  });
});
