import { AuditModel, SanctionModel } from '@commons/server/moderation/model';
import { standingChanged } from '@commons/server/moderation/standing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, newThread, PASSWORD, put, reply, signUp, type Someone } from '../forums/support.js';
import { nextEvent, socketFor, type ClientSocket } from './support.js';

let p: TestPlatform;
let mem: Someone;
let other: Someone;
let mod: Someone;
let mod2: Someone;
let admin: Someone;
let category: string;
let threadId: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('moderation-sanctions', { workers: false });
  [mem, other, mod, mod2, admin] = await Promise.all([
    signUp(p, 'Sam Member'),
    signUp(p, 'Olga Other'),
    signUp(p, 'Mae Mod', 'moderator'),
    signUp(p, 'Max Mod', 'moderator'),
    signUp(p, 'Ari Admin', 'admin'),
  ]);
  category = await categoryId(mem.c, 'introductions');
  threadId = (await newThread(other, category, 'Sanctions thread', 'A thread to post in.')).thread.id;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await p?.close();
});

const sanction = (by: Someone, body: Record<string, unknown>) => by.c.post('/api/moderation/sanctions', body);

describe('who may sanction whom', () => {
  it.each([
    ['a member', () => other, () => mem, 403],
    ['a moderator, themselves', () => mod, () => mod, 403],
    ['a moderator, another moderator', () => mod, () => mod2, 403],
    ['a moderator, a member', () => mod, () => other, 201],
    ['an admin, a moderator', () => admin, () => mod2, 201],
  ])('%s → %i', async (_label, by, target, status) => {
    const res = await sanction(by(), { memberId: target().id, kind: 'warn', reason: 'Please be kind.' });
    expect(res.status).toBe(status);
  });

  it('checks rank when lifting too: not one on yourself, not an administrator’s, not a moderator’s', async () => {
    const lift = (by: Someone, id: string) =>
      by.c.post(`/api/moderation/sanctions/${id}/lift`, { reason: 'Lifting it.' });
    const onMod = await sanction(admin, { memberId: mod.id, kind: 'silence', reason: 'Rude.', durationHours: 1 });
    expect(onMod.status).toBe(201);
    const onMod2 = await lift(mod, onMod.body.sanction.id);
    expect(onMod2.status).toBe(403);
    expect(onMod2.body.error.code).toBe('forbidden');
    expect((await lift(mod2, onMod.body.sanction.id)).status).toBe(403);
    const zed = await signUp(p, 'Zed Member');
    const byAdmin = await sanction(admin, { memberId: zed.id, kind: 'silence', reason: 'Spam.', durationHours: 1 });
    expect((await lift(mod, byAdmin.body.sanction.id)).status).toBe(403);
    expect((await lift(other, byAdmin.body.sanction.id)).status).toBe(403);
    // Refusals change nothing: both are still in force.
    for (const s of [onMod, byAdmin])
      expect((await SanctionModel.findById(s.body.sanction.id).lean())?.liftedAt).toBeNull();
    expect((await lift(admin, byAdmin.body.sanction.id)).status).toBe(200);
    expect((await lift(admin, onMod.body.sanction.id)).status).toBe(200);
    const byMod = await sanction(mod, { memberId: zed.id, kind: 'silence', reason: 'Again.', durationHours: 1 });
    expect((await lift(mod, byMod.body.sanction.id)).status).toBe(200);
    expect((await lift(mod, '0123456789abcdef01234567')).status).toBe(404);
  });

  it('needs a duration for silence and suspend, and an existing member', async () => {
    expect((await sanction(mod, { memberId: mem.id, kind: 'silence', reason: 'x' })).status).toBe(400);
    const ghost = await sanction(mod, {
      memberId: '0123456789abcdef01234567',
      kind: 'silence',
      reason: 'x',
      durationHours: 1,
    });
    expect(ghost.status).toBe(404);
  });

  it("shows a member's sanctions to moderators and to themselves only", async () => {
    expect((await mod.c.get(`/api/moderation/members/${other.id}`)).status).toBe(200);
    const own = await other.c.get(`/api/moderation/members/${other.id}`);
    expect(own.status).toBe(200);
    expect(own.body.sanctions[0]).toMatchObject({ kind: 'warn', reason: 'Please be kind.', active: false });
    expect((await mem.c.get(`/api/moderation/members/${other.id}`)).status).toBe(403);
  });
});

describe('warn, silence and suspend', () => {
  it('tells a warned member live', async () => {
    const socket = await socketFor(p.url, mem, sockets);
    const notice = nextEvent(socket, 'moderation:notice');
    await sanction(mod, { memberId: mem.id, kind: 'warn', reason: 'Mind the tone.' });
    expect(await notice).toMatchObject({ kind: 'warn', reason: 'Mind the tone.' });
  });

  it('silences until expiry: no posts or edits, then posting works again', async () => {
    const mine = await reply(mem, threadId, 'Before the silence.');
    const res = await sanction(mod, { memberId: mem.id, kind: 'silence', reason: 'Cool down.', durationHours: 2 });
    expect(res.status).toBe(201);
    expect(res.body.sanction).toMatchObject({ kind: 'silence', active: true, createdBy: { id: mod.id } });
    const blocked = await mem.c.post(`/api/threads/${threadId}/posts`, { body: 'Silenced?' });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('member_silenced');
    expect((await mem.c.post('/api/threads', { categoryId: category, title: 'New one', body: 'Hi' })).status).toBe(403);
    expect((await mem.c.patch(`/api/posts/${mine.id}`, { body: 'Edited while silenced' })).status).toBe(403);
    // Time passes: the expiry is checked at use, before any job has run.
    await SanctionModel.updateOne({ _id: res.body.sanction.id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    // Written behind the service's back, as no process does: what Redis keeps of it is dropped by hand.
    await standingChanged(mem.id);
    expect((await mem.c.post(`/api/threads/${threadId}/posts`, { body: 'Back again.' })).status).toBe(201);
    // The expiry job then records it as lifted, in the audit log with no actor.
    expect(await p.api.services.moderation.expireSanctions()).toBe(1);
    expect(await p.api.services.moderation.expireSanctions()).toBe(0);
    const lifted = await SanctionModel.findById(res.body.sanction.id).lean();
    expect(lifted?.liftedAt).not.toBeNull();
    const entry = await AuditModel.findOne({ action: 'sanction.lift', targetId: res.body.sanction.id }).lean();
    expect(entry).toMatchObject({ actorId: null, reason: 'expired' });
  });

  it('suspends: sessions end, live sockets drop, sign-in is refused until lifted', async () => {
    const socket = await socketFor(p.url, other, sockets);
    const ended = nextEvent(socket, 'session:ended');
    const dropped = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    const res = await sanction(mod, { memberId: other.id, kind: 'suspend', reason: 'Spamming.', durationHours: 24 });
    expect(res.status).toBe(201);
    expect(await ended).toMatchObject({ code: 'member_suspended', message: 'Spamming.' });
    await dropped;
    expect((await other.c.get('/api/auth/me')).status).toBe(401);
    const login = await other.c.post('/api/auth/login', { email: other.email, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('member_suspended');

    const lift = await mod2.c.post(`/api/moderation/sanctions/${res.body.sanction.id}/lift`, { reason: 'Appealed.' });
    expect(lift.status).toBe(200);
    expect(lift.body.sanction.active).toBe(false);
    expect(
      (await mod2.c.post(`/api/moderation/sanctions/${res.body.sanction.id}/lift`, { reason: 'Again' })).status,
    ).toBe(409);
    expect((await other.c.post('/api/auth/login', { email: other.email, password: PASSWORD })).status).toBe(200);
  });

  it('audits every sanction with who, what and why', async () => {
    const res = await admin.c.get('/api/moderation/audit?action=sanction.create');
    const kinds = res.body.entries.map((e: { details: { kind: string } }) => e.details.kind);
    expect(kinds).toEqual(expect.arrayContaining(['warn', 'silence', 'suspend']));
    const lifts = await admin.c.get(`/api/moderation/audit?action=sanction.lift&actorId=${mod2.id}`);
    expect(lifts.body.entries).toHaveLength(1);
    expect(lifts.body.entries[0]).toMatchObject({
      actor: { id: mod2.id },
      reason: 'Appealed.',
      targetType: 'sanction',
    });
  });
});

describe('blocking', () => {
  it('blocks and unblocks another member', async () => {
    expect((await put(mem.c, `/api/members/${other.id}/block`)).body).toEqual({ memberId: other.id, blocked: true });
    expect((await put(mem.c, `/api/members/${other.id}/block`)).status).toBe(200);
    expect((await mem.c.get('/api/members/me/blocks')).body.memberIds).toEqual([other.id]);
    const blocking = await p.api.services.moderation.recipientsBlocking(other.id, [mem.id, mod.id]);
    expect([...blocking]).toEqual([mem.id]);
    expect((await put(mem.c, `/api/members/${mem.id}/block`)).status).toBe(400);
    expect((await put(mem.c, '/api/members/0123456789abcdef01234567/block')).status).toBe(404);
    expect((await mem.c.delete(`/api/members/${other.id}/block`)).body.blocked).toBe(false);
    expect((await mem.c.get('/api/members/me/blocks')).body.memberIds).toEqual([]);
  });

  it('mutes a member (silenced, posts still shown), lists them with names, and undoes it', async () => {
    expect((await put(mem.c, `/api/members/${other.id}/mute`)).body).toEqual({ memberId: other.id, muted: true });
    let list = (await mem.c.get('/api/members/me/blocks')).body;
    expect(list).toMatchObject({ memberIds: [], mutedIds: [other.id] });
    expect(list.members).toEqual([
      { member: { id: other.id, displayName: expect.any(String) }, kind: 'mute', since: expect.any(String) },
    ]);
    expect([...(await p.api.services.moderation.recipientsBlocking(other.id, [mem.id]))]).toEqual([mem.id]);
    // A block replaces the mute; unmuting then leaves the block in place.
    await put(mem.c, `/api/members/${other.id}/block`);
    expect((await mem.c.delete(`/api/members/${other.id}/mute`)).body.muted).toBe(false);
    list = (await mem.c.get('/api/members/me/blocks')).body;
    expect(list).toMatchObject({ memberIds: [other.id], mutedIds: [] });
    await mem.c.delete(`/api/members/${other.id}/block`);
    expect((await put(mem.c, `/api/members/${mem.id}/mute`)).status).toBe(400);
    expect((await mem.c.get('/api/members/me/blocks')).body.members).toEqual([]);
  });
});

describe('permission matrix of the moderator endpoints', () => {
  const missing = '0123456789abcdef01234567';
  const endpoints: Array<[string, string, unknown?]> = [
    ['GET', '/api/moderation/queue'],
    ['GET', `/api/moderation/items/${missing}`],
    ['POST', `/api/moderation/items/${missing}/claim`],
    ['POST', `/api/moderation/items/${missing}/resolve`, { action: 'keep', note: 'n', notifyAuthor: false }],
    ['POST', '/api/moderation/items/resolve', { itemIds: [missing], action: 'keep', note: 'n', notifyAuthor: false }],
    ['POST', `/api/moderation/sanctions/${missing}/lift`, { reason: 'r' }],
    ['GET', '/api/moderation/audit'],
  ];
  it.each(endpoints)(
    '%s %s: 401 signed out, 403 for members, allowed for moderators and admins',
    async (m, path, body) => {
      expect((await p.client().request(m, path, body)).status).toBe(401);
      expect((await mem.c.request(m, path, body)).status).toBe(403);
      for (const who of [mod, admin]) expect([200, 404]).toContain((await who.c.request(m, path, body)).status);
    },
  );
});
