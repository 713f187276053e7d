import type { LabCreateBody } from '@commons/shared';
import { createLabJobs } from '@commons/server/labs/jobs';
import { outcomeReviewJobId, phaseEndJobId } from '@commons/server/labs/listeners';
import { LabModel, LabParticipantModel } from '@commons/server/labs/model';
import type { DomainEventMap } from '@commons/server/infra/domain-events';
import { createForumService } from '@commons/server/forums/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { collect, connectAs, createLab, minutesFromNow, next, waitUntil, type ClientSocket } from './support.js';

let p: TestPlatform;
let host: Someone;
let cleo: Someone;
let ana: Someone;
let ben: Someone;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('labs_controls');
  [host, cleo, ana, ben] = (await Promise.all(
    ['Hana Host', 'Cleo Cofacilitator', 'Ana Alvarez', 'Ben Brooks'].map((n) => signUp(p, n)),
  )) as [Someone, Someone, Someone, Someone];
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

type Res = { ok: boolean; data?: unknown; error?: { code: string } };
const emit = (s: ClientSocket, event: string, payload: unknown) =>
  (s.emitWithAck as (e: string, p: unknown) => Promise<Res>)(event, payload);

/** A live lab (started) with host + co-facilitator Cleo, and Ana and Ben in the room. */
async function liveLab(agenda?: LabCreateBody['agenda']) {
  const lab = await createLab(host, {
    startsAt: minutesFromNow(10),
    facilitatorIds: [cleo.id],
    ...(agenda ? { agenda } : {}),
  });
  const [h, c, a, b] = (await Promise.all([host, cleo, ana, ben].map((who) => connectAs(p, who, sockets)))) as [
    ClientSocket,
    ClientSocket,
    ClientSocket,
    ClientSocket,
  ];
  for (const s of [h, c, a, b]) expect(await s.emitWithAck('lab:join', { labId: lab.id })).toMatchObject({ ok: true });
  expect(await h.emitWithAck('lab:start', { labId: lab.id })).toMatchObject({ ok: true });
  return { lab, h, c, a, b };
}

describe('spotlight, mute and remove', () => {
  it('spotlights a message for everyone; only facilitators may, and only a message of the lab', async () => {
    const { lab, h, a, b } = await liveLab();
    const sent = await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Could we meet at the library?' });
    if (!sent.ok) throw new Error('send failed');
    expect(await emit(a, 'lab:spotlight', { labId: lab.id, seq: sent.data.seq })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await emit(h, 'lab:spotlight', { labId: lab.id, seq: 99 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await emit(h, 'lab:spotlight', { labId: lab.id, seq: 'one' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect((await LabModel.findById(lab.id).lean())?.spotlightSeq).toBeNull();

    const seen = next(b, 'lab:phase', (e) => e.spotlightSeq === sent.data.seq);
    expect(await emit(h, 'lab:spotlight', { labId: lab.id, seq: sent.data.seq })).toMatchObject({
      ok: true,
      data: { spotlightSeq: sent.data.seq },
    });
    await seen;
    expect(await emit(h, 'lab:spotlight', { labId: lab.id, seq: null })).toMatchObject({
      ok: true,
      data: { spotlightSeq: null },
    });
  });

  it('mutes a participant (no chat, no ideas) until unmuted; facilitators cannot be muted', async () => {
    const { lab, h, c, a } = await liveLab();
    expect(await emit(a, 'lab:mute', { labId: lab.id, memberId: ben.id, muted: true })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await emit(h, 'lab:mute', { labId: lab.id, memberId: cleo.id, muted: true })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const muted = await emit(h, 'lab:mute', { labId: lab.id, memberId: ana.id, muted: true });
    expect(muted).toMatchObject({ ok: true, data: { mutedIds: [ana.id] } });
    expect(await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Can you hear me?' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await c.emitWithAck('lab:message:send', { labId: lab.id, body: 'Facilitators still talk' })).toMatchObject({
      ok: true,
    });
    await emit(h, 'lab:mute', { labId: lab.id, memberId: ana.id, muted: false });
    expect(await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Back again' })).toMatchObject({
      ok: true,
    });
  });

  it('removes a participant: they leave the room, stop receiving and cannot come back', async () => {
    const { lab, h, a, b } = await liveLab();
    const presence = collect(h, 'lab:presence');
    expect(await emit(a, 'lab:remove', { labId: lab.id, memberId: ben.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const told = next(b, 'lab:removed', (e) => e.memberId === ben.id);
    expect(await emit(h, 'lab:remove', { labId: lab.id, memberId: ben.id })).toMatchObject({
      ok: true,
      data: { labId: lab.id, memberId: ben.id },
    });
    await told;
    await waitUntil(() => presence.seen.some((e) => e.left.includes(ben.id)));
    presence.stop();

    const missed = collect(b, 'lab:message');
    await a.emitWithAck('lab:message:send', { labId: lab.id, body: 'Ben should not see this' });
    await new Promise((r) => setTimeout(r, 500));
    expect(missed.seen).toEqual([]);
    expect(await b.emitWithAck('lab:message:send', { labId: lab.id, body: 'Let me in' })).toMatchObject({
      ok: false,
    });
    expect(await b.emitWithAck('lab:join', { labId: lab.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await LabParticipantModel.findOne({ labId: lab.id, memberId: ben.id }).lean())?.removed).toBe(true);
  });
});

describe('the idea board by phase', () => {
  it('facilitators close and reopen ideas and voting, and allow anonymous ideas or not', async () => {
    const { lab, h, a } = await liveLab();
    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // ideas
    expect(await emit(a, 'lab:board:set', { labId: lab.id, ideasOpen: false })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await emit(h, 'lab:board:set', { labId: lab.id })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await emit(h, 'lab:board:set', { labId: lab.id, ideasOpen: false })).toMatchObject({
      ok: true,
      data: { ideasOpen: false, votingOpen: true },
    });
    expect(await a.emitWithAck('lab:idea:add', { labId: lab.id, text: 'A bike bus' })).toMatchObject({
      ok: false,
      error: { code: 'lab_closed' },
    });
    await emit(h, 'lab:board:set', { labId: lab.id, ideasOpen: true, anonymousIdeas: false });
    expect(await a.emitWithAck('lab:idea:add', { labId: lab.id, text: 'A quiet idea', anonymous: true })).toMatchObject(
      { ok: false, error: { code: 'forbidden' } },
    );
    const idea = await a.emitWithAck('lab:idea:add', { labId: lab.id, text: 'A bike bus' });
    if (!idea.ok) throw new Error('idea refused');

    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // vote
    await emit(h, 'lab:board:set', { labId: lab.id, votingOpen: false });
    expect(await a.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: idea.data.id, on: true })).toMatchObject({
      ok: false,
      error: { code: 'lab_closed' },
    });
    await emit(h, 'lab:board:set', { labId: lab.id, votingOpen: true });
    expect(await a.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: idea.data.id, on: true })).toMatchObject({
      ok: true,
      data: { dotsLeft: 2 },
    });
    // A new phase opens the board again.
    await emit(h, 'lab:board:set', { labId: lab.id, votingOpen: false });
    const advanced = await h.emitWithAck('lab:phase:advance', { labId: lab.id });
    expect(advanced).toMatchObject({ ok: true, data: { votingOpen: true, ideasOpen: true } });
  });
});

describe('merging and grouping ideas', () => {
  it('moves the dots of a merged idea (one per member) and groups ideas; only facilitators may', async () => {
    const { lab, h, a, b } = await liveLab();
    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // ideas
    const add = async (s: ClientSocket, text: string) => {
      const r = await s.emitWithAck('lab:idea:add', { labId: lab.id, text });
      if (!r.ok) throw new Error('idea refused');
      return r.data.id;
    };
    const buses = await add(a, 'Walking buses');
    const busesToo = await add(b, 'Walking school bus with parents');
    const lights = await add(b, 'Better street lights');
    for (const id of [buses, busesToo]) await a.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: id, on: true });
    await b.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: busesToo, on: true });

    expect(await emit(a, 'lab:idea:merge', { labId: lab.id, fromId: busesToo, intoId: buses })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await emit(h, 'lab:idea:merge', { labId: lab.id, fromId: buses, intoId: buses })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    const heard = next(b, 'lab:idea', (i) => i.id === busesToo && i.mergedIntoId === buses);
    // Ana had a dot on both (she keeps one); Ben's dot moves over.
    expect(await emit(h, 'lab:idea:merge', { labId: lab.id, fromId: busesToo, intoId: buses })).toMatchObject({
      ok: true,
      data: { id: buses, dots: 2 },
    });
    await heard;
    expect(await emit(h, 'lab:idea:merge', { labId: lab.id, fromId: busesToo, intoId: lights })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await a.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: busesToo, on: true })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    // Ana got her second dot back: two left of three.
    expect(await a.emitWithAck('lab:idea:dot', { labId: lab.id, ideaId: lights, on: true })).toMatchObject({
      ok: true,
      data: { dotsLeft: 1 },
    });

    expect(await emit(b, 'lab:idea:group', { labId: lab.id, ideaId: lights, group: 'Safety' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await emit(h, 'lab:idea:group', { labId: lab.id, ideaId: lights, group: 'Safety' })).toMatchObject({
      ok: true,
      data: { id: lights, group: 'Safety' },
    });
    const joined = await a.emitWithAck('lab:join', { labId: lab.id });
    if (!joined.ok) throw new Error('join failed');
    const byId = new Map(joined.data.ideas.map((i) => [i.id, i]));
    expect(byId.get(busesToo)).toMatchObject({ mergedIntoId: buses, dots: 0 });
    expect(byId.get(lights)).toMatchObject({ group: 'Safety', dots: 1 });
  });
});

describe('consensus check settings', () => {
  it('hides results until closed, names answers when not anonymous, and needs its quorum', async () => {
    const { lab, h, c, a, b } = await liveLab();
    expect(await emit(h, 'lab:consensus:set', { labId: lab.id, hideResults: true })).toMatchObject({
      ok: false,
      error: { code: 'lab_closed' },
    });
    for (let i = 0; i < 3; i++) await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // consensus
    expect(await emit(a, 'lab:consensus:set', { labId: lab.id, hideResults: true })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await emit(h, 'lab:consensus:set', { labId: lab.id })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await emit(h, 'lab:consensus:set', { labId: lab.id, quorum: 0 })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(
      await emit(h, 'lab:consensus:set', { labId: lab.id, hideResults: true, anonymous: false, quorum: 3 }),
    ).toMatchObject({ ok: true, data: { hidden: true, anonymous: false, quorum: 3, closed: false } });

    const hidden = await a.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'agree' });
    expect(hidden).toMatchObject({
      ok: true,
      data: { outcome: 'pending', total: 1, counts: { agree: 0 }, voters: [] },
    });
    await b.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'block', reason: 'Too costly' });

    // Closed with two answers of three needed: no result, but the answers show now, with names.
    const closed = await emit(h, 'lab:consensus:set', { labId: lab.id, closed: true });
    expect(closed).toMatchObject({
      ok: true,
      data: { outcome: 'no_quorum', total: 2, counts: { agree: 1, block: 1 }, blockReasons: ['Too costly'] },
    });
    const voters = (closed.data as { voters: Array<{ member: { id: string }; choice: string }> }).voters;
    expect(voters.map((v) => [v.member.id, v.choice]).sort()).toEqual(
      [
        [ana.id, 'agree'],
        [ben.id, 'block'],
      ].sort(),
    );
    expect(await c.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'agree' })).toMatchObject({
      ok: false,
      error: { code: 'lab_closed' },
    });

    await emit(h, 'lab:consensus:set', { labId: lab.id, closed: false, hideResults: false });
    await b.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'agree' });
    const third = await c.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'agree' });
    expect(third).toMatchObject({ ok: true, data: { outcome: 'agreed', total: 3, counts: { agree: 3 } } });
    // Once its phase is over, the check is closed for good.
    expect(await h.emitWithAck('lab:phase:advance', { labId: lab.id })).toMatchObject({ ok: true });
    expect(await c.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'block', reason: 'Late' })).toMatchObject(
      {
        ok: false,
        error: { code: 'lab_closed' },
      },
    );
  });
});

describe('handing over the controls', () => {
  it('gives the controls to a co-facilitator; the others are refused until it comes back', async () => {
    const { lab, h, c, a } = await liveLab();
    expect(await emit(h, 'lab:handoff', { labId: lab.id, memberId: ana.id })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await emit(a, 'lab:handoff', { labId: lab.id, memberId: ana.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const told = next(a, 'lab:phase', (e) => e.lead?.id === cleo.id);
    expect(await emit(h, 'lab:handoff', { labId: lab.id, memberId: cleo.id })).toMatchObject({
      ok: true,
      data: { lead: { id: cleo.id, displayName: 'Cleo Cofacilitator' } },
    });
    await told;
    expect(await h.emitWithAck('lab:phase:advance', { labId: lab.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await LabModel.findById(lab.id).lean())?.phaseIndex).toBe(0);
    expect(await c.emitWithAck('lab:phase:advance', { labId: lab.id })).toMatchObject({ ok: true, data: { index: 1 } });
    expect(await emit(c, 'lab:handoff', { labId: lab.id, memberId: host.id })).toMatchObject({ ok: true });
    expect(await h.emitWithAck('lab:phase:advance', { labId: lab.id })).toMatchObject({ ok: true, data: { index: 2 } });
  });

  it('two facilitators clicking "next phase" at once never lose or double a step', async () => {
    const { lab, h, c } = await liveLab();
    let expected = 0;
    for (let round = 0; round < 3; round++) {
      const acks = await Promise.all([
        h.emitWithAck('lab:phase:advance', { labId: lab.id }),
        c.emitWithAck('lab:phase:advance', { labId: lab.id }),
      ]);
      const oks = acks.filter((r) => r.ok).length;
      expect(oks).toBeGreaterThanOrEqual(1);
      for (const r of acks) if (!r.ok) expect(r.error.code).toBe('conflict');
      expected += oks;
      expect((await LabModel.findById(lab.id).lean())?.phaseIndex).toBe(Math.min(expected, 4));
      if (expected >= 3) break;
    }
  });
});

describe('phases advance on their own', () => {
  it('when the countdown ends, once, and not when the phase was extended meanwhile', async () => {
    const { lab, h, a } = await liveLab();
    // Bring the countdown close, then publish the phase (toggling chat) so its job is scheduled.
    const endsAt = new Date(Date.now() + 1500);
    await LabModel.updateOne({ _id: lab.id }, { $set: { phaseEndsAt: endsAt } });
    const advanced = next(a, 'lab:phase', (e) => e.index === 1, 15_000);
    await h.emitWithAck('lab:chat:set', { labId: lab.id, open: true });
    await waitUntil(async () => Boolean(await p.runtime.queues.labs.getJob(phaseEndJobId(lab.id, 0, endsAt))));
    const phase = await advanced;
    expect(phase).toMatchObject({ index: 1, kind: 'ideas', status: 'live' });
    expect(Date.now()).toBeGreaterThanOrEqual(endsAt.getTime());
    expect((await LabModel.findById(lab.id).lean())?.phaseIndex).toBe(1);

    // A stale job (the phase moved on, or was extended) does nothing.
    const labs = p.api.services.labs;
    expect(await labs.advanceIfDue(lab.id, 0, endsAt)).toBeNull();
    const current = (await LabModel.findById(lab.id).lean())!;
    await h.emitWithAck('lab:phase:extend', { labId: lab.id, minutes: 5 });
    expect(await labs.advanceIfDue(lab.id, 1, current.phaseEndsAt!)).toBeNull();
    expect((await LabModel.findById(lab.id).lean())?.phaseIndex).toBe(1);
  });
});

describe('outcomes and their review', () => {
  it('records a decision with a review date and publishes the reminder once, when it comes', async () => {
    const { lab, a } = await liveLab();
    const due: DomainEventMap['lab.outcomeReviewDue'][] = [];
    p.runtime.events.on('lab.outcomeReviewDue', (e) => void due.push(e));

    const bad = await host.c.post(`/api/labs/${lab.id}/outcomes`, { title: '', reviewAt: 'soon' });
    expect(bad.status).toBe(400);
    const past = await host.c.post(`/api/labs/${lab.id}/outcomes`, {
      title: 'Crossing guard',
      reviewAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.status).toBe(400);
    expect((await ana.c.post(`/api/labs/${lab.id}/outcomes`, { title: 'Not mine to decide' })).status).toBe(403);
    expect((await host.c.get(`/api/labs/${lab.id}/outcomes`)).body.outcomes).toEqual([]);

    const heard = next(a, 'lab:outcome');
    const reviewAt = new Date(Date.now() + 2000);
    const res = await host.c.post(`/api/labs/${lab.id}/outcomes`, {
      title: 'Ask the city for a crossing guard',
      text: 'Agreed by all; review whether it happened.',
      reviewAt: reviewAt.toISOString(),
    });
    expect(res.status).toBe(201);
    const outcome = res.body.outcome;
    expect(outcome).toMatchObject({ title: 'Ask the city for a crossing guard', createdBy: { id: host.id } });
    expect((await heard).outcome.id).toBe(outcome.id);
    // Scheduled through the outbox by the outcome's listener, moments after the answer.
    const reviewJob = outcomeReviewJobId(lab.id, outcome.id, reviewAt);
    await waitUntil(async () => Boolean(await p.runtime.queues.labs.getJob(reviewJob)), 10_000);

    await waitUntil(() => due.length > 0, 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(reviewAt.getTime());
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ labId: lab.id, outcomeId: outcome.id, title: outcome.title });
    expect(due[0]!.reviewAt.getTime()).toBe(reviewAt.getTime());
    expect(due[0]!.memberIds.sort()).toEqual([host.id, cleo.id, ana.id, ben.id].sort());

    // The same job again (a retry) reminds nobody twice.
    const jobs = createLabJobs({
      forums: createForumService({ events: p.runtime.events, log: p.runtime.log }),
      outbox: p.runtime.outbox,
      publicUrl: p.url,
      log: p.runtime.log,
      events: p.runtime.events,
    });
    const again = await jobs.handlers.outcome_review({
      kind: 'outcome_review',
      labId: lab.id,
      outcomeId: outcome.id,
      reviewAt: reviewAt.toISOString(),
    });
    expect(again).toEqual({ skipped: 'already reminded' });
    expect(due).toHaveLength(1);
    expect((await ana.c.get(`/api/labs/${lab.id}/outcomes`)).body.outcomes).toHaveLength(1);
    const joined = await a.emitWithAck('lab:join', { labId: lab.id });
    expect(joined.ok && joined.data.outcomes.map((o) => o.id)).toEqual([outcome.id]);
  });
});
