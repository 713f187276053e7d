import { LabMessageModel, LabParticipantModel } from '@commons/server/labs/model';
import { LabRoomModel } from '@commons/server/labs/room-model';
import { redisLabSequence } from '@commons/server/labs/sequence';
import { UNPUSHED_GRACE_MS } from '@commons/server/labs/unpushed';
import { labsForWorkers } from '@commons/server/labs/worker-support';
import type { LabService } from '@commons/server/labs/service';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { collect, connectAs, createLab, minutesFromNow, next, type ClientSocket } from './support.js';

/*
 * A lab chat message saved by a sender that died before pushing it: the members in the room hear
 * of it from the workers' sweep (server/src/labs/unpushed.ts), not only with the next message.
 */

let p: TestPlatform;
let host: Someone;
let ana: Someone;
let ben: Someone;
let workerLabs: LabService;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('labs_unpushed', { workers: false });
  [host, ana, ben] = (await Promise.all(['Uma Host', 'Ana Unpushed', 'Ben Unpushed'].map((n) => signUp(p, n)))) as [
    Someone,
    Someone,
    Someone,
  ];
  // The labs service as the workers process runs it: it pushes through the Redis emitter.
  workerLabs = labsForWorkers(p.runtime);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

const sequence = () => redisLabSequence(p.runtime.redis, p.runtime.config.REDIS_PREFIX);

/** What a sender that died between its save and its push leaves: a number taken, a row saved. */
async function savedButNeverPushed(labId: string, who: Someone, body: string): Promise<number> {
  const seq = await sequence().next(labId, async () => 0);
  await LabMessageModel.create({
    labId: new Types.ObjectId(labId),
    seq,
    authorId: new Types.ObjectId(who.id),
    authorName: who.name,
    body,
    replyTo: null,
    createdAt: new Date(),
  });
  return seq;
}

describe('a lab chat message whose sender died before pushing it', () => {
  it('reaches the members in the room from the sweep, once, and the room shows it', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10) });
    const a = await connectAs(p, ana, sockets);
    const b = await connectAs(p, ben, sockets);
    await a.emitWithAck('lab:join', { labId: lab.id });
    await b.emitWithAck('lab:join', { labId: lab.id });
    const sent = await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Pushed by its sender.' });
    expect(sent).toMatchObject({ ok: true, data: { seq: 1 } });

    const seq = await savedButNeverPushed(lab.id, ana, 'The last word before the sender died.');
    expect(seq).toBe(2);
    const heard = collect(b, 'lab:message');
    // Within the grace a sender may still be on its way: nothing is pushed for it.
    expect(await workerLabs.pushOverdue(0)).toBe(0);
    // Past it, the saved message goes to the room; a message its sender pushed is not owed.
    const arrives = next(b, 'lab:message', (m) => m.seq === 2);
    expect(await workerLabs.pushOverdue(UNPUSHED_GRACE_MS + 1_000)).toBe(1);
    expect(await arrives).toMatchObject({
      labId: lab.id,
      seq: 2,
      body: 'The last word before the sender died.',
      author: { id: ana.id, displayName: ana.name },
    });
    // Once: a second sweep, here or in another workers process, has nothing left to push.
    expect(await workerLabs.pushOverdue(UNPUSHED_GRACE_MS + 1_000)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(heard.seen.map((m) => m.seq)).toEqual([2]);
    // Someone entering now finds it in the room.
    const c = await connectAs(p, host, sockets);
    const entered = await c.emitWithAck('lab:join', { labId: lab.id });
    expect(entered.ok && entered.data.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(entered.ok && entered.data.lastSeq).toBe(2);
  });

  it('is shown once in the room when its sender confirms after the sweep pushed it', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10) });
    const a = await connectAs(p, ana, sockets);
    await a.emitWithAck('lab:join', { labId: lab.id });
    const seq = await savedButNeverPushed(lab.id, ana, 'A sender that was only slow.');
    expect(await workerLabs.pushOverdue(UNPUSHED_GRACE_MS + 1_000)).toBe(1);
    const swept = await a.emitWithAck('lab:join', { labId: lab.id });
    const message = swept.ok ? swept.data.messages.find((m) => m.seq === seq) : undefined;
    expect(message?.body).toBe('A sender that was only slow.');
    // The slow sender's own confirmation comes after: the room model holds the message once.
    await new LabRoomModel(p.runtime.redis, p.runtime.config.REDIS_PREFIX).appended(lab.id, message!);
    const again = await a.emitWithAck('lab:join', { labId: lab.id });
    expect(again.ok && again.data.messages.map((m) => m.seq)).toEqual([seq]);
    // What the sender would have noted: its author spoke in the lab.
    const seat = await LabParticipantModel.findOne({ labId: lab.id, memberId: ana.id }).lean();
    expect(seat?.contributed).toBe(true);
  });

  it('leaves a number whose message was never saved, and forgets it once its save is surely over', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10) });
    const owed = async () =>
      (await sequence().overdue(-600_000, { after: 0, limit: 1_000 })).owed
        .filter((o) => o.labId === lab.id)
        .map((o) => o.seq);
    const seq = await sequence().next(lab.id, async () => 0);
    expect(await owed()).toEqual([seq]);
    // A save still under way (a store that stalled) may land: the number stays owed.
    expect(await workerLabs.pushOverdue(UNPUSHED_GRACE_MS + 1_000)).toBe(0);
    expect(await owed()).toEqual([seq]);
    // Two minutes on, nothing was saved under it: its save failed, nothing is owed.
    expect(await workerLabs.pushOverdue(121_000)).toBe(0);
    expect(await owed()).toEqual([]);
  });

  it('owes nothing for the messages their senders pushed', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10) });
    const a = await connectAs(p, ana, sockets);
    await a.emitWithAck('lab:join', { labId: lab.id });
    for (const body of ['One.', 'Two.', 'Three.'])
      expect(await a.emitWithAck('lab:message:send', { labId: lab.id, body })).toMatchObject({ ok: true });
    const owed = (await sequence().overdue(-600_000, { after: 0, limit: 1_000 })).owed.filter(
      (o) => o.labId === lab.id,
    );
    expect(owed).toEqual([]);
  });

  it('are not kept waiting behind a page of numbers whose saves are still under way', async () => {
    const stalled = await createLab(host, { startsAt: minutesFromNow(10) });
    const lab = await createLab(host, { startsAt: minutesFromNow(10) });
    const a = await connectAs(p, ana, sockets);
    await a.emitWithAck('lab:join', { labId: lab.id });
    // A store that stalled under a hundred sends: their numbers stay owed for two minutes.
    for (let i = 0; i < 100; i++) await sequence().next(stalled.id, async () => 0);
    await savedButNeverPushed(lab.id, ana, 'Saved after the stalled ones.');
    const arrives = next(a, 'lab:message', (m) => m.labId === lab.id);
    let pushed = 0;
    for (let sweep = 0; sweep < 3 && pushed === 0; sweep++)
      pushed = await workerLabs.pushOverdue(UNPUSHED_GRACE_MS + 1_000);
    expect(pushed).toBe(1);
    expect((await arrives).body).toBe('Saved after the stalled ones.');
    // Once their saves are surely over, nothing is owed for them.
    await workerLabs.pushOverdue(121_000);
    await workerLabs.pushOverdue(121_000);
    const owed = (await sequence().overdue(-600_000, { after: 0, limit: 1_000 })).owed;
    expect(owed.filter((o) => o.labId === stalled.id)).toEqual([]);
  });
});
