import { LabModel, LabParticipantModel } from '@commons/server/labs/model';
import type { LabState } from '@commons/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { startReceiver } from '../webhooks/receiver.js';
import { connectAs, createLab, minutesFromNow, waitUntil, type ClientSocket } from './support.js';

/*
 * Consensus checks as decisions (each check with its own proposal and settings, anonymity fixed
 * once answered), the room for confirmed participants only, action items for participants, and
 * the summary: decisions, both languages, the chosen category, a private coalition's lab kept
 * inside the coalition and out of webhooks.
 */

let p: TestPlatform;
let host: Someone;
let ana: Someone;
let ben: Someone;
let cy: Someone;
const sockets: ClientSocket[] = [];
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver(() => 200);
  p = await startTestPlatform('labs_decisions', { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
  [host, ana, ben, cy] = (await Promise.all(
    ['Hana Host', 'Ana Alvarez', 'Ben Brooks', 'Cy Chen'].map((n) => signUp(p, n)),
  )) as [Someone, Someone, Someone, Someone];
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
  await receiver?.close();
});

type Res = { ok: boolean; data?: unknown; error?: { code: string } };
const emit = (s: ClientSocket, event: string, payload: unknown) =>
  (s.emitWithAck as (e: string, p: unknown) => Promise<Res>)(event, payload);

const twoChecks = [
  { title: 'Welcome', minutes: 5, kind: 'discuss' as const },
  { title: 'Walking bus', minutes: 10, kind: 'consensus' as const },
  { title: 'Crossing guards', minutes: 10, kind: 'consensus' as const },
  { title: 'Who does what', minutes: 10, kind: 'actions' as const },
];

describe('consensus checks', () => {
  it('fixes the proposal and anonymity once answered, and keeps each check’s own settings', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10), agenda: twoChecks });
    const [h, a, b] = (await Promise.all([host, ana, ben].map((w) => connectAs(p, w, sockets)))) as [
      ClientSocket,
      ClientSocket,
      ClientSocket,
    ];
    for (const s of [h, a, b]) await s.emitWithAck('lab:join', { labId: lab.id });
    await h.emitWithAck('lab:start', { labId: lab.id });
    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // check 1: anonymous (the default)

    const proposal = 'Start a walking school bus on Mondays from the library.';
    expect(await emit(h, 'lab:consensus:set', { labId: lab.id, proposal })).toMatchObject({
      ok: true,
      data: { title: 'Walking bus', proposal, anonymous: true },
    });
    await a.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'block', reason: 'Not on Mondays' });
    // After the first answer, neither the proposal nor anonymity can change (who blocked stays unknown).
    expect(await emit(h, 'lab:consensus:set', { labId: lab.id, anonymous: false })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await emit(h, 'lab:consensus:set', { labId: lab.id, proposal: 'Something else' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await emit(h, 'lab:consensus:set', { labId: lab.id, quorum: 2 })).toMatchObject({
      ok: true,
      data: { anonymous: true, voters: [], quorum: 2, proposal },
    });

    await h.emitWithAck('lab:phase:advance', { labId: lab.id }); // check 2: named
    expect(await emit(h, 'lab:consensus:set', { labId: lab.id, anonymous: false })).toMatchObject({
      ok: true,
      data: { anonymous: false, proposal: '' },
    });
    await b.emitWithAck('lab:consensus:vote', { labId: lab.id, choice: 'agree' });

    // Re-entering: every check so far, each by its own settings; the first one is over (closed).
    const state = (await a.emitWithAck('lab:join', { labId: lab.id })) as { ok: true; data: LabState };
    expect(state.data.checks).toMatchObject([
      { phaseIndex: 1, anonymous: true, closed: true, voters: [], blockReasons: ['Not on Mondays'], proposal },
      { phaseIndex: 2, anonymous: false, closed: false, voters: [{ member: { id: ben.id }, choice: 'agree' }] },
    ]);
    expect(state.data.consensus).toMatchObject({ phaseIndex: 2 });

    await h.emitWithAck('lab:phase:advance', { labId: lab.id });
    await h.emitWithAck('lab:end', { labId: lab.id });
    await waitUntil(async () => Boolean((await LabModel.findById(lab.id).lean())?.summaryThreadId), 30_000);
    const threadId = (await LabModel.findById(lab.id).lean())!.summaryThreadId!.toHexString();
    const text = JSON.stringify((await host.c.get(`/api/threads/${threadId}`)).body);
    // The summary follows each check: the named check names Ben, the anonymous one names nobody.
    expect(text).toContain('Ben Brooks (Agree)');
    expect(text).not.toContain('Ana Alvarez (Block)');
    expect(text).toContain(proposal);
    expect(text).toContain('Not on Mondays');
  }, 60_000);
});

describe('the room for confirmed participants', () => {
  it('lets a waitlisted member follow the room but not chat, vote, add ideas or raise a hand', async () => {
    const lab = await createLab(host, {
      startsAt: minutesFromNow(10),
      capacity: 1,
      agenda: [
        { title: 'Ideas', minutes: 10, kind: 'ideas' },
        { title: 'Agree?', minutes: 10, kind: 'consensus' },
      ],
    });
    expect((await put(ana.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).body.lab.myRsvp).toBe('going');
    expect((await put(ben.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).body.lab.myRsvp).toBe('waitlisted');
    const [h, a, b] = (await Promise.all([host, ana, ben].map((w) => connectAs(p, w, sockets)))) as [
      ClientSocket,
      ClientSocket,
      ClientSocket,
    ];
    const seated = (await a.emitWithAck('lab:join', { labId: lab.id })) as { ok: true; data: LabState };
    const waiting = (await b.emitWithAck('lab:join', { labId: lab.id })) as { ok: true; data: LabState };
    await h.emitWithAck('lab:join', { labId: lab.id });
    expect(seated.data.takingPart).toBe(true);
    expect(waiting.data.takingPart).toBe(false);
    await h.emitWithAck('lab:start', { labId: lab.id });

    const refused = { ok: false, error: { code: 'forbidden' } };
    expect(await emit(b, 'lab:message:send', { labId: lab.id, body: 'Hello' })).toMatchObject(refused);
    expect(await emit(b, 'lab:idea:add', { labId: lab.id, text: 'Mine' })).toMatchObject(refused);
    expect(await emit(b, 'lab:hand:raise', { labId: lab.id })).toMatchObject(refused);
    expect(await emit(a, 'lab:message:send', { labId: lab.id, body: 'Hello' })).toMatchObject({ ok: true });
    const idea = await emit(a, 'lab:idea:add', { labId: lab.id, text: 'Walk together' });
    expect(
      await emit(b, 'lab:idea:dot', { labId: lab.id, ideaId: (idea.data as { id: string }).id, on: true }),
    ).toMatchObject(refused);
    await h.emitWithAck('lab:phase:advance', { labId: lab.id });
    expect(await emit(b, 'lab:consensus:vote', { labId: lab.id, choice: 'agree' })).toMatchObject(refused);
    expect(await emit(a, 'lab:consensus:vote', { labId: lab.id, choice: 'agree' })).toMatchObject({ ok: true });
    // Following is not attending: no action items, no summary mail for Ben.
    const row = await LabParticipantModel.findOne({ labId: lab.id, memberId: ben.id }).lean();
    expect(row).toMatchObject({ attended: false, contributed: false });
    expect((await ben.c.post(`/api/labs/${lab.id}/actions`, { title: 'Mine too' })).status).toBe(403);

    // Once Ana gives her seat up, Ben takes part.
    await put(ana.c, `/api/labs/${lab.id}/rsvp`, { status: 'no' });
    expect(await emit(b, 'lab:consensus:vote', { labId: lab.id, choice: 'abstain' })).toMatchObject({ ok: true });
  }, 60_000);
});

describe('action items', () => {
  it('go only to participants who have not blocked the giver, within a budget', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10) });
    const [h, a, c] = (await Promise.all([host, ana, cy].map((w) => connectAs(p, w, sockets)))) as [
      ClientSocket,
      ClientSocket,
      ClientSocket,
    ];
    for (const s of [h, a, c]) await s.emitWithAck('lab:join', { labId: lab.id });
    const stranger = await signUp(p, 'Sam Stranger');
    const give = (ownerId: string | null, title = 'Map the routes') =>
      host.c.post(`/api/labs/${lab.id}/actions`, { title, ownerId });

    const notThere = await give(stranger.id);
    expect(notThere.status).toBe(400);
    expect(notThere.body.error.details.fieldErrors.ownerId).toBeDefined();
    expect((await give(ana.id)).status).toBe(201);

    expect((await put(cy.c, `/api/members/${host.id}/block`)).status).toBe(200);
    expect((await give(cy.id)).status).toBe(403);
    // Nor handed over later.
    const mine = await give(null, 'Unowned');
    expect((await host.c.patch(`/api/labs/${lab.id}/actions/${mine.body.action.id}`, { ownerId: cy.id })).status).toBe(
      403,
    );

    // 30 an hour per member, refused attempts included (five above): the budget runs out, with a 429.
    const statuses: number[] = [];
    for (let i = 0; i < 26; i++) statuses.push((await give(null, `Item ${i}`)).status);
    expect(statuses.slice(0, 25).every((s) => s === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  }, 60_000);
});

/** Starts and ends a lab through its room. */
async function runToEnd(labId: string, who: Someone = host): Promise<void> {
  const s = await connectAs(p, who, sockets);
  await s.emitWithAck('lab:join', { labId });
  await s.emitWithAck('lab:start', { labId });
  await s.emitWithAck('lab:end', { labId });
}

const summaryOf = async (labId: string, reader: Someone = host) => {
  await waitUntil(async () => Boolean((await LabModel.findById(labId).lean())?.summaryThreadId), 30_000);
  const threadId = (await LabModel.findById(labId).lean())!.summaryThreadId!.toHexString();
  const res = await reader.c.get(`/api/threads/${threadId}`);
  return { threadId, thread: res.body.thread, text: JSON.stringify(res.body) };
};

describe('the summary', () => {
  it('holds the decisions, in both languages, in the category chosen when scheduling', async () => {
    const admin = await signUp(p, 'Ada Admin', 'admin');
    const chosen = await admin.c.post('/api/categories', { name: 'Safer streets' });
    expect(chosen.status).toBe(201);
    const lab = await createLab(host, { startsAt: minutesFromNow(10), summaryCategoryId: chosen.body.category.id });
    const s = await connectAs(p, host, sockets);
    await s.emitWithAck('lab:join', { labId: lab.id });
    await s.emitWithAck('lab:start', { labId: lab.id });
    const decision = await host.c.post(`/api/labs/${lab.id}/outcomes`, {
      title: 'Pilot the walking bus in May',
      text: 'Two routes, parents take turns.',
    });
    expect(decision.status).toBe(201);
    await s.emitWithAck('lab:end', { labId: lab.id });

    const { thread, text } = await summaryOf(lab.id);
    expect(thread.categoryId).toBe(chosen.body.category.id);
    expect(thread.title).toBe('Summary · Resumen: Safe routes to school');
    for (const part of ['Pilot the walking bus in May', 'Two routes, parents take turns.', 'Decisions', 'Decisiones'])
      expect(text).toContain(part);
    expect(text).toContain('Propósito');
    // The mail to those who took part lists the decisions too.
    const mail = await p.sink.waitFor((m) => (m.text ?? '').includes('Pilot the walking bus in May'), 30_000);
    expect(mail.text).toContain('Decisions:');
  }, 60_000);

  it('keeps a private coalition’s lab in the coalition’s own category (made for it) and out of webhooks', async () => {
    const admin = await signUp(p, 'Wes Webhooks', 'admin');
    const hook = await admin.c.post('/api/webhooks', {
      url: `${receiver.url}/hooks`,
      events: ['lab.ended', 'thread.created'],
    });
    expect(hook.status).toBe(201);
    const coalition = await ana.c.post('/api/coalitions', {
      name: 'Grove Hall Parents',
      joinPolicy: 'request',
      visibility: 'private',
    });
    expect(coalition.status).toBe(201);
    const coalitionId = coalition.body.coalition.id as string;
    const secret = await createLab(ana, { title: 'Zephyrine planning lab', startsAt: minutesFromNow(10), coalitionId });
    await runToEnd(secret.id, ana);
    const { thread } = await summaryOf(secret.id, ana);
    const category = await ana.c.get(`/api/categories/${thread.categoryId}`);
    expect(category.body.category).toMatchObject({ coalitionId, name: 'Lab summaries' });
    // Outsiders neither read nor find it.
    expect((await ben.c.get(`/api/threads/${thread.id}`)).status).toBe(404);

    // A public lab ended afterwards is delivered; the private one never was.
    const open = await createLab(host, { title: 'Open streets lab', startsAt: minutesFromNow(10) });
    await runToEnd(open.id);
    await receiver.waitFor((r) => r.headers['x-commons-event'] === 'lab.ended' && r.body.includes(open.id), 1, 30_000);
    await receiver.waitFor(
      (r) => r.headers['x-commons-event'] === 'thread.created' && r.body.includes('Open streets'),
      1,
      30_000,
    );
    const leaked = receiver.received.filter((r) => r.body.includes(secret.id) || r.body.includes('Zephyrine'));
    expect(leaked).toEqual([]);
  }, 60_000);
});
