import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { storeCommandsOf } from '@commons/server/infra/store/index';
import { createForumService } from '@commons/server/forums/service';
import { createLabJobs } from '@commons/server/labs/jobs';
import { LabModel, LabParticipantModel } from '@commons/server/labs/model';
import { SeatBatches, type SeatRow } from '@commons/server/labs/seat-batch';
import { Types } from 'mongoose';
import { LabPresence } from '@commons/server/labs/presence';
import { LabRoomModel, roomPart, type RoomBuilt } from '@commons/server/labs/room-model';
import type { RoomEmitter } from '@commons/server/realtime/types';
import type { LabPresenceEvent, LabState } from '@commons/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { startReceiver } from '../webhooks/receiver.js';
import { collect, connectAs, createLab, minutesFromNow, next, waitUntil, type ClientSocket } from './support.js';

let p: TestPlatform;
let host: Someone;
let ana: Someone;
let ben: Someone;
const sockets: ClientSocket[] = [];
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver(() => 200);
  // Store commands are counted (the store budget below) on a client that monitors them.
  process.env.COMMONS_DB_PROFILE ??= path.join(mkdtempSync(path.join(tmpdir(), 'labs-live-')), 'db');
  // The webhook receiver listens on loopback, which production refuses.
  p = await startTestPlatform('labs_live', { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
  [host, ana, ben] = (await Promise.all(['Hana Host', 'Ana Alvarez', 'Ben Brooks'].map((n) => signUp(p, n)))) as [
    Someone,
    Someone,
    Someone,
  ];
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
  await receiver?.close();
});

/** A lab whose room is open: it starts in 10 minutes. */
const soonLab = () => createLab(host, { startsAt: minutesFromNow(10) });

describe('entering the room', () => {
  it('opens 15 minutes before the start, not earlier', async () => {
    const later = await createLab(host, { startsAt: minutesFromNow(120) });
    const s = await connectAs(p, ana, sockets);
    const refused = await s.emitWithAck('lab:join', { labId: later.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'lab_closed' } });
    const bad = await s.emitWithAck('lab:join', { labId: 'nope' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });

    const lab = await soonLab();
    const ack = await s.emitWithAck('lab:join', { labId: lab.id });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    expect(ack.data.phase).toMatchObject({ labId: lab.id, status: 'scheduled', index: -1, endsAt: null });
    expect(ack.data.participants.map((m) => m.id)).toEqual([ana.id]);
    expect(ack.data.messages).toEqual([]);
    expect(ack.data.lastSeq).toBe(0);
    expect(ack.data.dotsLeft).toBe(3);
  });

  it('counts a member with two tabs once and batches presence changes', async () => {
    const lab = await soonLab();
    const watcher = await connectAs(p, host, sockets);
    await watcher.emitWithAck('lab:join', { labId: lab.id });
    const presence = collect(watcher, 'lab:presence');

    const tab1 = await connectAs(p, ben, sockets);
    const tab2 = await connectAs(p, ben, sockets);
    await Promise.all([
      tab1.emitWithAck('lab:join', { labId: lab.id }),
      tab2.emitWithAck('lab:join', { labId: lab.id }),
    ]);
    await waitUntil(() => presence.seen.some((e) => e.joined.some((m) => m.id === ben.id)));
    await new Promise((r) => setTimeout(r, 400));
    const joins = presence.seen.flatMap((e) => e.joined).filter((m) => m.id === ben.id);
    expect(joins).toHaveLength(1);
    expect(presence.seen.at(-1)?.count).toBe(2);

    // Closing one tab: Ben is still here.
    tab1.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(presence.seen.flatMap((e) => e.left)).not.toContain(ben.id);
    const again = await watcher.emitWithAck('lab:join', { labId: lab.id });
    expect(again.ok && again.data.participants.map((m) => m.id).sort()).toEqual([host.id, ben.id].sort());

    // Leaving from the last tab: Ben has left.
    await tab2.emitWithAck('lab:leave', { labId: lab.id });
    await waitUntil(() => presence.seen.some((e) => e.left.includes(ben.id)));
    expect(presence.seen.at(-1)?.count).toBe(1);
    presence.stop();
  });

  it('turns 500 joins into a few presence broadcasts, each member once', async () => {
    const emitted: LabPresenceEvent[] = [];
    const emitter = {
      to: () => ({
        emit: (_event: string, e: LabPresenceEvent) => {
          emitted.push(e);
          return true;
        },
      }),
    } as unknown as RoomEmitter;
    const presence = new LabPresence(p.runtime.redis, `${p.runtime.config.REDIS_PREFIX}:bulk`, emitter, p.runtime.log);
    const labId = 'a'.repeat(24);
    const members = Array.from({ length: 500 }, (_, i) => ({ id: String(i).padStart(24, '0'), displayName: `M${i}` }));
    // Every member joins from two tabs.
    await Promise.all(
      members.flatMap((m) => [presence.join(labId, m, `${m.id}-1`), presence.join(labId, m, `${m.id}-2`)]),
    );
    await presence.flush();
    expect(emitted.length).toBeLessThanOrEqual(2);
    expect(emitted.flatMap((e) => e.joined)).toHaveLength(500);
    expect(emitted.at(-1)?.count).toBe(500);
    expect(await presence.members(labId)).toHaveLength(500);

    emitted.length = 0;
    await Promise.all(members.map((m) => presence.leave(labId, m.id, `${m.id}-1`)));
    await presence.flush();
    expect(emitted).toEqual([]); // everyone still has a tab open
    await Promise.all(members.map((m) => presence.leave(labId, m.id, `${m.id}-2`)));
    await presence.flush();
    expect(emitted.flatMap((e) => e.left)).toHaveLength(500);
    expect(emitted.at(-1)?.count).toBe(0);
    presence.close();
  });
});

describe('chat', () => {
  it('numbers messages per lab, broadcasts them and catches up after a reconnect', async () => {
    const lab = await soonLab();
    const a = await connectAs(p, ana, sockets);
    const b = await connectAs(p, ben, sockets);
    expect(await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Before joining' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await a.emitWithAck('lab:join', { labId: lab.id });
    await b.emitWithAck('lab:join', { labId: lab.id });

    const heard = next(b, 'lab:message', (m) => m.body === 'Hello all');
    const first = await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Hello all' });
    expect(first).toMatchObject({ ok: true, data: { seq: 1, body: 'Hello all', author: { id: ana.id } } });
    expect((await heard).seq).toBe(1);

    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).emitWithAck('lab:message:send', { labId: lab.id, body: `Message ${i}`, replyTo: 1 }),
      ),
    );
    const seqs = burst.map((r) => (r.ok ? r.data.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

    const since = await b.emitWithAck('lab:messages:since', { labId: lab.id, seq: 8 });
    expect(since.ok && since.data.messages.map((m) => m.seq)).toEqual([9, 10, 11]);
    expect(since.ok && since.data.lastSeq).toBe(11);

    const rejoin = await b.emitWithAck('lab:join', { labId: lab.id });
    expect(rejoin.ok && rejoin.data.lastSeq).toBe(11);
    expect(rejoin.ok && rejoin.data.messages.at(-1)?.seq).toBe(11);
    expect(await a.emitWithAck('lab:message:send', { labId: lab.id, body: '   ' })).toMatchObject({ ok: false });

    // The counter lives in Redis; if its key is lost, numbering carries on after the stored messages.
    await p.runtime.redis.del(`${p.runtime.config.REDIS_PREFIX}:lab:${lab.id}:seq`);
    const after = await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Still in order' });
    expect(after).toMatchObject({ ok: true, data: { seq: 12 } });
  });
});

describe('facilitation', () => {
  it('lets only facilitators run the lab; others get an error and nothing changes', async () => {
    const lab = await soonLab();
    const h = await connectAs(p, host, sockets);
    const a = await connectAs(p, ana, sockets);
    await h.emitWithAck('lab:join', { labId: lab.id });
    await a.emitWithAck('lab:join', { labId: lab.id });

    for (const [event, payload] of [
      ['lab:start', { labId: lab.id }],
      ['lab:end', { labId: lab.id }],
      ['lab:chat:set', { labId: lab.id, open: false }],
    ] as const) {
      const res = await (
        a.emitWithAck as (e: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string } }>
      )(event, payload);
      expect(res, event).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect((await LabModel.findById(lab.id).lean())?.status).toBe('scheduled');

    const phase = next(a, 'lab:phase', (e) => e.status === 'live');
    const started = await h.emitWithAck('lab:start', { labId: lab.id });
    expect(started).toMatchObject({ ok: true, data: { status: 'live', index: 0, kind: 'discuss' } });
    const seen = await phase;
    expect(new Date(seen.endsAt!).getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);

    expect(await a.emitWithAck('lab:phase:advance', { labId: lab.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await a.emitWithAck('lab:phase:extend', { labId: lab.id, minutes: 5 })).toMatchObject({ ok: false });
    const extended = await h.emitWithAck('lab:phase:extend', { labId: lab.id, minutes: 5 });
    expect(extended.ok && new Date(extended.data.endsAt!).getTime() - new Date(seen.endsAt!).getTime()).toBe(
      5 * 60_000,
    );
    expect(await h.emitWithAck('lab:phase:extend', { labId: lab.id, minutes: 500 })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });

    // Chat closed: members cannot post, facilitators can.
    await h.emitWithAck('lab:chat:set', { labId: lab.id, open: false });
    expect(await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Hi' })).toMatchObject({
      ok: false,
      error: { code: 'lab_closed' },
    });
    expect((await h.emitWithAck('lab:message:send', { labId: lab.id, body: 'One moment' })).ok).toBe(true);
    await h.emitWithAck('lab:chat:set', { labId: lab.id, open: true });

    // Speaking queue and who has not contributed.
    const quiet = await h.emitWithAck('lab:quiet', { labId: lab.id });
    expect(quiet.ok && quiet.data.members.map((m) => m.id)).toEqual([ana.id]);
    expect(await a.emitWithAck('lab:quiet', { labId: lab.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const raised = await a.emitWithAck('lab:hand:raise', { labId: lab.id });
    expect(raised.ok && raised.data.hands.map((m) => m.id)).toEqual([ana.id]);
    expect(await a.emitWithAck('lab:hand:next', { labId: lab.id })).toMatchObject({ ok: false });
    const called = await h.emitWithAck('lab:hand:next', { labId: lab.id });
    expect(called).toMatchObject({ ok: true, data: { hands: [], speaking: { id: ana.id } } });
    const quietAfter = await h.emitWithAck('lab:quiet', { labId: lab.id });
    expect(quietAfter.ok && quietAfter.data.members).toEqual([]);
  });

  it('runs ideas with dots, a consensus check and action items, then posts the summary', async () => {
    const lab = await soonLab();
    const h = await connectAs(p, host, sockets);
    const a = await connectAs(p, ana, sockets);
    const b = await connectAs(p, ben, sockets);
    for (const s of [h, a, b]) await s.emitWithAck('lab:join', { labId: lab.id });
    expect(await a.emitWithAck('lab:idea:add', { labId: lab.id, text: 'Too early' })).toMatchObject({
      ok: false,
      error: { code: 'lab_closed' },
    });
    await h.emitWithAck('lab:start', { labId: lab.id });
    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // ideas

    const walking = await a.emitWithAck('lab:idea:add', { labId: lab.id, text: 'Walking school bus' });
    const crossing = await b.emitWithAck('lab:idea:add', { labId: lab.id, text: 'Crossing guards', anonymous: true });
    const lights = await b.emitWithAck('lab:idea:add', { labId: lab.id, text: 'Better lights' });
    const extra = await b.emitWithAck('lab:idea:add', { labId: lab.id, text: 'Bike racks' });
    if (!walking.ok || !crossing.ok || !lights.ok || !extra.ok) throw new Error('idea refused');
    expect(crossing.data.author).toBeNull();

    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // vote
    const tally = next(h, 'lab:idea', (i) => i.id === walking.data.id && i.dots === 2);
    // Ana's first dot goes on the walking bus; the other three race for her two dots left.
    const first = await a.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: walking.data.id, on: true });
    const dots = [
      first,
      ...(await Promise.all(
        [crossing, lights, extra].map((i) =>
          a.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: i.data.id, on: true }),
        ),
      )),
    ];
    expect(first.ok).toBe(true);
    expect(dots.filter((d) => d.ok)).toHaveLength(3); // three dots each
    expect(dots.filter((d) => !d.ok)[0]).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await b.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: walking.data.id, on: true });
    expect((await tally).dots).toBe(2);
    const twice = await b.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: walking.data.id, on: true });
    expect(twice).toMatchObject({ ok: true, data: { idea: { dots: 2, mine: true }, dotsLeft: 2 } });
    const undo = await b.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: walking.data.id, on: false });
    expect(undo).toMatchObject({ ok: true, data: { idea: { dots: 1, mine: false }, dotsLeft: 3 } });
    await b.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: walking.data.id, on: true });

    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // consensus
    expect(await b.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'block' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    await a.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'agree' });
    const blocked = await b.emitWithAck('lab:consensus:vote', {
      labId: lab.id,
      choice: 'block',
      reason: 'Parents were not asked',
    });
    expect(blocked).toMatchObject({
      ok: true,
      data: { outcome: 'blocked', counts: { agree: 1, block: 1 }, blockReasons: ['Parents were not asked'] },
    });
    const changed = await b.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'abstain' });
    expect(changed).toMatchObject({
      ok: true,
      data: { outcome: 'agreed', counts: { agree: 1, abstain: 1, block: 0 } },
    });

    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // actions
    const action = await ana.c.post(`/api/labs/${lab.id}/actions`, {
      title: 'Map the routes',
      ownerId: ana.id,
      dueDate: '2030-05-01',
    });
    expect(action.status).toBe(201);
    expect(action.body.action).toMatchObject({ owner: { id: ana.id, displayName: 'Ana Alvarez' }, status: 'open' });
    expect(await h.emitWithAck('lab:phase:advance', { labId: lab.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    const admin = await signUp(p, 'Wes Webhooks', 'admin');
    const hook = await admin.c.post('/api/webhooks', { url: `${receiver.url}/labs`, events: ['lab.ended'] });
    expect(hook.status).toBe(201);

    const ended = next(a, 'lab:phase', (e) => e.status === 'ended');
    await h.emitWithAck('lab:end', { labId: lab.id });
    await ended;
    expect(await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'After' })).toMatchObject({ ok: false });

    // Action items stay editable after the lab.
    const done = await ana.c.patch(`/api/labs/${lab.id}/actions/${action.body.action.id}`, { status: 'done' });
    expect(done.body.action.status).toBe('done');
    const stranger = await signUp(p, 'Sam Stranger');
    expect((await stranger.c.post(`/api/labs/${lab.id}/actions`, { title: 'Nope' })).status).toBe(403);

    // The summary job posts a forum thread and mails those who took part.
    await waitUntil(async () => Boolean((await LabModel.findById(lab.id).lean())?.summaryThreadId), 30_000);
    const threadId = (await LabModel.findById(lab.id).lean())!.summaryThreadId!.toHexString();
    const thread = await host.c.get(`/api/threads/${threadId}`);
    expect(thread.status).toBe(200);
    const text = JSON.stringify(thread.body);
    for (const s of ['Walking school bus', 'Map the routes', 'Agreed', 'Attendance']) expect(text).toContain(s);
    const mail = await p.sink.waitFor((m) => (m.subject ?? '').startsWith('Summary: Safe routes to school'), 30_000);
    expect(mail.text).toContain('Walking school bus');
    // The summary dropped the room's live model (the lab shows its summary from now on).
    expect(await p.runtime.redis.exists(`${p.runtime.config.REDIS_PREFIX}:lab:${lab.id}:room:state`)).toBe(0);
    const lab2 = await host.c.get(`/api/labs/${lab.id}`);
    expect(lab2.body.lab).toMatchObject({ status: 'ended', summaryThreadId: threadId });

    // Webhook receivers get lab.ended once the summary exists, with the summary in it.
    const [delivery] = await receiver.waitFor((r) => r.path === '/labs', 1, 30_000);
    expect(delivery!.headers['x-commons-event']).toBe('lab.ended');
    const payload = JSON.parse(delivery!.body) as { data: { lab: { id: string }; summary: Record<string, unknown> } };
    expect(payload.data.lab.id).toBe(lab.id);
    expect(payload.data.summary).toMatchObject({
      threadId,
      topIdeas: expect.arrayContaining([{ text: 'Walking school bus', dots: 2 }]),
      actionItems: [expect.objectContaining({ title: 'Map the routes', ownerId: ana.id })],
    });

    // Running the summary job again posts nothing twice and mails nobody twice.
    const jobs = createLabJobs({
      forums: createForumService({ events: p.runtime.events }),
      outbox: p.runtime.outbox,
      publicUrl: p.url,
      log: p.runtime.log,
    });
    expect(await jobs.handlers.summary({ kind: 'summary', labId: lab.id })).toEqual({ threadId, mailed: 0 });
  }, 90_000);
});

/** Store commands per room entry and per chat message (README, Store budgets), counted as COMMONS_DB_PROFILE counts them. */
const BUDGET = { join: 2, message: 1 };
/** The collections a join or a message may touch; in-process workers write others meanwhile (mail, outbox). */
const ROOM_PATH = /^\w+ (lab\w*|members|moderation_\w+|coalitions|coalitionmemberships) /;

describe('store budget', () => {
  it(`enters the room in at most ${BUDGET.join} store commands and sends a message in at most ${BUDGET.message}`, async () => {
    const lab = await soonLab();
    const crowd = await Promise.all(['Cora One', 'Dan Two', 'Eve Three', 'Fay Four'].map((n) => signUp(p, n)));
    const hostSocket = await connectAs(p, host, sockets);
    // The first entry builds the room's live model; the budget is for everyone after.
    const first = await hostSocket.emitWithAck('lab:join', { labId: lab.id });
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const socketsOf = await Promise.all(crowd.map((who) => connectAs(p, who, sockets)));
    const count = async (what: string, run: () => Promise<unknown>) => {
      const { counts } = await storeCommandsOf(run);
      const shapes = Object.fromEntries(Object.entries(counts.byShape).filter(([shape]) => ROOM_PATH.test(shape)));
      const perOne = Object.values(shapes).reduce((a, b) => a + b, 0) / crowd.length;
      console.log(`${what}: ${perOne} store commands each`, shapes);
      return { perOne, shapes: JSON.stringify(shapes, null, 1) };
    };
    const joins = await count('lab:join', async () => {
      for (const s of socketsOf) {
        const ack = await s.emitWithAck('lab:join', { labId: lab.id });
        if (!ack.ok) throw new Error(JSON.stringify(ack.error));
        expect(ack.data.phase).toMatchObject({ labId: lab.id, status: 'scheduled' });
      }
    });
    const send = async (round: number) => {
      for (const [i, s] of socketsOf.entries()) {
        const ack = await s.emitWithAck('lab:message:send', { labId: lab.id, body: `Budget message ${round}.${i}` });
        if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      }
    };
    // A member's first message also records that they spoke (once); the budget is per message after.
    await send(1);
    const messages = await count('lab:message:send', () => send(2));
    // What the room shows after the counted writes: every message, in order.
    const late = await hostSocket.emitWithAck('lab:join', { labId: lab.id });
    if (!late.ok) throw new Error(JSON.stringify(late.error));
    expect(late.data.messages.map((m) => m.body)).toEqual(
      [1, 2].flatMap((round) => crowd.map((_, i) => `Budget message ${round}.${i}`)),
    );
    expect(late.data.lastSeq).toBe(2 * crowd.length);
    expect(late.data.participants.map((m) => m.id).sort()).toEqual([host.id, ...crowd.map((c) => c.id)].sort());
    expect(joins.perOne, joins.shapes).toBeLessThanOrEqual(BUDGET.join);
    expect(messages.perOne, messages.shapes).toBeLessThanOrEqual(BUDGET.message);
  });
});

describe('the room model through a live lab', () => {
  it('keeps ideas, dots and answers in the model: entering after them costs at most 2 store commands, quiet none', async () => {
    const lab = await soonLab();
    const crowd = await Promise.all(['Gil One', 'Hal Two', 'Ida Three', 'Jo Four'].map((n) => signUp(p, n)));
    const late = await Promise.all(['Kim Late', 'Lou Late'].map((n) => signUp(p, n)));
    const h = await connectAs(p, host, sockets);
    const acting = await Promise.all(crowd.map((who) => connectAs(p, who, sockets)));
    const lateSockets = await Promise.all(late.map((who) => connectAs(p, who, sockets)));
    const ok = async <T>(ack: Promise<{ ok: true; data: T } | { ok: false; error: unknown }>): Promise<T> => {
      const res = await ack;
      if (!res.ok) throw new Error(JSON.stringify(res.error));
      return res.data;
    };
    for (const s of [h, ...acting]) await ok(s.emitWithAck('lab:join', { labId: lab.id }));
    await ok(h.emitWithAck('lab:start', { labId: lab.id }));
    await ok(h.emitWithAck('lab:phase:advance', { labId: lab.id })); // ideas
    const ideas = [];
    for (const [i, s] of acting.entries())
      ideas.push(await ok(s.emitWithAck('lab:idea:add', { labId: lab.id, text: `Idea ${i}` })));
    await ok(h.emitWithAck('lab:phase:advance', { labId: lab.id })); // vote
    // Member i dots ideas 0..i (three at most): 4, 3, 2 and 0 dots.
    for (const [i, s] of acting.entries())
      for (const idea of ideas.slice(0, Math.min(i, 2) + 1))
        await ok(s.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: idea.id, on: true }));
    // A dot taken back and placed again: the count follows.
    await ok(acting[3]!.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: ideas[0]!.id, on: false }));
    await ok(acting[3]!.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: ideas[0]!.id, on: true }));
    await ok(h.emitWithAck('lab:phase:advance', { labId: lab.id })); // consensus
    const choices = ['agree', 'agree', 'disagree', 'abstain'] as const;
    for (const [i, s] of acting.entries())
      await ok(s.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: i === 2 ? 'agree' : choices[i]! }));
    // An answer changed: the room keeps the latest.
    await ok(acting[2]!.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'disagree' }));
    await ok(acting[0]!.emitWithAck('lab:hand:raise', { labId: lab.id }));

    const count = async (run: () => Promise<unknown>) => {
      const { counts } = await storeCommandsOf(run);
      const shapes = Object.fromEntries(Object.entries(counts.byShape).filter(([shape]) => ROOM_PATH.test(shape)));
      return { total: Object.values(shapes).reduce((a, b) => a + b, 0), shapes: JSON.stringify(shapes, null, 1) };
    };
    const states: LabState[] = [];
    const joinAll = (list: ClientSocket[]) => async () => {
      for (const s of list) states.push(await ok(s.emitWithAck('lab:join', { labId: lab.id })));
    };
    const firstEntries = await count(joinAll(lateSockets));
    const reEntries = await count(joinAll(acting));
    console.log('first entries after the board filled:', firstEntries.shapes, 're-entries:', reEntries.shapes);
    expect(firstEntries.total / late.length, firstEntries.shapes).toBeLessThanOrEqual(BUDGET.join);
    expect(reEntries.total / crowd.length, reEntries.shapes).toBeLessThanOrEqual(BUDGET.join);

    for (const state of states) {
      expect(state.ideas.map((i) => [i.text, i.dots])).toEqual([
        ['Idea 0', 4],
        ['Idea 1', 3],
        ['Idea 2', 2],
        ['Idea 3', 0],
      ]);
      expect(state.phase).toMatchObject({ kind: 'consensus', status: 'live' });
      expect(state.consensus).toMatchObject({ counts: { agree: 2, disagree: 1, abstain: 1, block: 0 }, total: 4 });
      expect(state.queue.hands.map((m) => m.id)).toEqual([crowd[0]!.id]);
    }
    // Each member's own dots and answer.
    const mine = states.slice(late.length);
    for (const [i, state] of mine.entries()) {
      expect(state.ideas.filter((idea) => idea.mine).map((idea) => idea.text)).toEqual(
        ideas.slice(0, Math.min(i, 2) + 1).map((idea) => idea.text),
      );
      expect(state.dotsLeft).toBe(3 - (Math.min(i, 2) + 1));
      expect(state.myConsensus).toBe(choices[i]);
    }
    expect(states[0]!.myConsensus).toBeNull();
    expect(states[0]!.dotsLeft).toBe(3);

    // Who has not spoken: the late members, from the model and presence alone.
    let quiet: string[] = [];
    const quietCost = await count(async () => {
      quiet = (await ok(h.emitWithAck('lab:quiet', { labId: lab.id }))).members.map((m) => m.id);
    });
    expect(quiet.sort()).toEqual(late.map((m) => m.id).sort());
    expect(quietCost.total, quietCost.shapes).toBe(0);
  });
});

describe('the room model under racing writers', () => {
  it('keeps the newest value of a part in whatever order writers land, and a build that raced a change stores nothing', async () => {
    const prefix = `${p.runtime.config.REDIS_PREFIX}:race`;
    const model = new LabRoomModel(p.runtime.redis, prefix);
    const labId = 'b'.repeat(24);
    const ideaId = 'c'.repeat(24);
    const member = 'd'.repeat(24);
    const room = (dots: number) =>
      ({
        lab: {},
        presented: {},
        waits: [],
        phase: {},
        lastSeq: 0,
        queue: { labId, hands: [], speaking: null },
        ideas: [{ id: ideaId, labId, text: 'An idea', dots, mine: false, createdAt: new Date(0).toISOString() }],
        actions: [],
        outcomes: [],
        checks: [],
        messages: [],
        dots: new Map([[member, [ideaId]]]),
        votes: new Map(),
        spoke: [],
      }) as unknown as RoomBuilt;
    const dotsNow = async () => (await model.shared(labId, async () => room(-1), member)).room.ideas[0]!.dots;

    expect(await dotsNow()).toBe(-1); // built
    // Two writers: the one that read later (newer ticket) lands first; the older value is refused.
    const older = await model.ticket(labId);
    const newer = await model.ticket(labId);
    await model.update(labId, newer, [roomPart.dots(ideaId, 5)]);
    await model.update(labId, older, [roomPart.dots(ideaId, 4)]);
    expect(await dotsNow()).toBe(5);
    expect((await model.shared(labId, async () => room(-1), member)).mine.dots).toEqual([ideaId]);

    // A build that read the store before a change, and would store after it, stores nothing.
    await model.changed(labId);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const racing = model.shared(labId, async () => (await held, room(5)), member);
    await new Promise((r) => setTimeout(r, 50));
    await model.update(labId, await model.ticket(labId), [roomPart.dots(ideaId, 6)]);
    release();
    expect((await racing).room.ideas[0]!.dots).toBe(5); // its own caller gets what it read
    expect(await p.runtime.redis.exists(`${prefix}:lab:${labId}:room:state`)).toBe(0);
    expect(await dotsNow()).toBe(-1); // built again from the store (here: the fake)
  });
});

describe('seats of a storm of entries', () => {
  it('reads, makes and marks 50 entering members’ rows in a few store commands, each row as it is', async () => {
    const batches = new SeatBatches();
    const labId = new Types.ObjectId();
    const ids = Array.from({ length: 50 }, () => new Types.ObjectId().toHexString());
    // One was removed before, one has a row not yet attended.
    await LabParticipantModel.insertMany([
      { labId, memberId: ids[0], removed: true },
      { labId, memberId: ids[1], rsvp: 'going' },
    ]);
    let rows: (SeatRow | null)[] = [];
    const { counts } = await storeCommandsOf(async () => {
      rows = await Promise.all(ids.map((id) => batches.row(labId.toHexString(), id, true, true)));
    });
    const shapes = Object.entries(counts.byShape).filter(([shape]) => shape.includes('labparticipants'));
    expect(
      shapes.reduce((sum, [, n]) => sum + n, 0),
      JSON.stringify(shapes),
    ).toBeLessThanOrEqual(6);
    expect(rows[0]).toMatchObject({ removed: true, attended: false });
    expect(rows[1]).toMatchObject({ rsvp: 'going', attended: true });
    expect(rows.slice(2).every((r) => r?.attended === true)).toBe(true);
    const stored = await LabParticipantModel.find({ labId, attended: true }).lean();
    expect(stored).toHaveLength(49);
  });
});
