import { eventSeatingStore } from '@commons/server/events/seating';
import { EventAttendeeModel, EventSeatModel } from '@commons/server/events/model';
import { seating, type SeatingStore } from '@commons/server/infra/seating';
import { labSeatingStore } from '@commons/server/labs/seating';
import { LabParticipantModel, LabSeatModel } from '@commons/server/labs/model';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createLab, minutesFromNow } from './support.js';

/*
 * One capacity and waitlist module (infra/seating.ts) serves labs and events. The case that lost
 * a lab's seat for good: a waitlisted member leaves between being picked for a free seat and
 * being moved to "going". Each domain's own store is driven through that interleaving with a real
 * RSVP request at that moment.
 */

let p: TestPlatform;
let host: Someone;
let ana: Someone;
let ben: Someone;
let cy: Someone;

beforeAll(async () => {
  p = await startTestPlatform('labs_seating');
  [host, ana, ben, cy] = (await Promise.all(
    ['Hana Host', 'Ana Alvarez', 'Ben Brooks', 'Cy Chen'].map((n) => signUp(p, n)),
  )) as [Someone, Someone, Someone, Someone];
});
afterAll(async () => {
  await p?.close();
});

interface Gathering {
  rsvpPath: string;
  store: SeatingStore;
  seats(): Promise<number>;
  going(): Promise<number>;
  rsvpOf(who: Someone): Promise<string | null | undefined>;
  /** The member leaves their seat without the promotion that an RSVP runs. */
  leaveQuietly(who: Someone): Promise<void>;
}

async function labGathering(): Promise<Gathering> {
  const lab = await createLab(host, { capacity: 1, startsAt: minutesFromNow(48 * 60) });
  const labId = new Types.ObjectId(lab.id as string);
  return {
    rsvpPath: `/api/labs/${lab.id}/rsvp`,
    store: labSeatingStore(labId, () => new Date()),
    seats: () => LabSeatModel.countDocuments({ labId }),
    going: () => LabParticipantModel.countDocuments({ labId, rsvp: 'going' }),
    rsvpOf: async (who) => (await LabParticipantModel.findOne({ labId, memberId: who.id }).lean())?.rsvp,
    leaveQuietly: async (who) => {
      await LabParticipantModel.updateOne({ labId, memberId: who.id }, { $set: { rsvp: 'no' } });
      await LabSeatModel.deleteOne({ labId, memberId: who.id });
    },
  };
}

async function eventGathering(): Promise<Gathering> {
  const res = await host.c.post('/api/events', {
    title: 'Family resource fair planning',
    description: 'Bring ideas for the spring fair.',
    kind: 'meeting',
    startsAt: minutesFromNow(48 * 60),
    durationMinutes: 90,
    place: 'Dudley Library, room 2',
    capacity: 1,
  });
  expect(res.status).toBe(201);
  const eventId = new Types.ObjectId(res.body.event.id as string);
  return {
    rsvpPath: `/api/events/${res.body.event.id}/rsvp`,
    store: eventSeatingStore(eventId, () => new Date()),
    seats: () => EventSeatModel.countDocuments({ eventId }),
    going: () => EventAttendeeModel.countDocuments({ eventId, rsvp: 'going' }),
    rsvpOf: async (who) => (await EventAttendeeModel.findOne({ eventId, memberId: who.id }).lean())?.rsvp,
    leaveQuietly: async (who) => {
      await EventAttendeeModel.updateOne({ eventId, memberId: who.id }, { $set: { rsvp: 'no' } });
      await EventSeatModel.deleteOne({ eventId, memberId: who.id });
    },
  };
}

describe.each([
  ['a lab', labGathering],
  ['an event', eventGathering],
])('seats of %s', (_what, make) => {
  it('fills the seat from the waitlist, oldest first, and keeps the capacity', async () => {
    const g = await make();
    const answer = (who: Someone, status: string) => put(who.c, g.rsvpPath, { status });
    expect((await answer(ana, 'going')).status).toBe(200);
    await answer(ben, 'going');
    await answer(cy, 'going');
    expect([await g.rsvpOf(ana), await g.rsvpOf(ben), await g.rsvpOf(cy)]).toEqual([
      'going',
      'waitlisted',
      'waitlisted',
    ]);
    await answer(ana, 'no');
    expect([await g.rsvpOf(ben), await g.rsvpOf(cy)]).toEqual(['going', 'waitlisted']);
    expect(await g.seats()).toBe(1);
  });

  it('gives the seat back when the waitlisted member leaves while being promoted', async () => {
    const g = await make();
    const answer = (who: Someone, status: string) => put(who.c, g.rsvpPath, { status });
    await answer(ana, 'going');
    await answer(ben, 'going');
    expect(await g.rsvpOf(ben)).toBe('waitlisted');
    // Ana's seat frees up (written directly, so the promotion below is the only one running).
    await g.leaveQuietly(ana);
    // Ben answers "no" after the seat was taken for him and before he is moved to "going".
    const racing: SeatingStore = {
      ...g.store,
      moveToGoing: async (rowId) => {
        expect((await answer(ben, 'no')).status).toBe(200);
        return g.store.moveToGoing(rowId);
      },
    };
    expect(await seating(racing).promote()).toEqual([]);
    expect(await g.rsvpOf(ben)).toBe('no');
    expect(await g.seats()).toBe(0);
    // The seat is still there for the next member.
    expect((await answer(cy, 'going')).status).toBe(200);
    expect(await g.rsvpOf(cy)).toBe('going');
    expect(await g.seats()).toBe(await g.going());
  });
});
