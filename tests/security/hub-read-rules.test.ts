import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, MISSING_ID, newThread, signUp, type Someone } from '../forums/support.js';
import { labBody } from '../labs/support.js';
import { socketFor, type ClientSocket } from '../moderation/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/*
 * The hub's read rules (labs/read-rule.ts, forums/read-rule.ts as the directory uses it) hold on
 * every path: an invite-only lab is for nobody else by page, list, calendar file, actions,
 * outcomes or live room, answering exactly as a lab that does not exist; and a profile's activity
 * lists only what the viewer could open by its link (no hidden thread, no private coalition's,
 * no archived category's).
 */
let p: TestPlatform;
let ana: Someone; // hosts the lab, writes the threads
let ben: Someone; // invited to nothing, in no coalition
let cleo: Someone; // invited
let mod: Someone;
let admin: Someone;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('hub_read_rules', { workers: false });
  [ana, ben, cleo, mod, admin] = await Promise.all([
    signUp(p, 'Ana Host'),
    signUp(p, 'Ben Outside'),
    signUp(p, 'Cleo Invited'),
    signUp(p, 'Mo Mod', 'moderator'),
    signUp(p, 'Ada Admin', 'admin'),
  ]);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await p?.close();
});

const answer = async (who: Someone, path: string) => {
  const res = await who.c.get(path);
  return { status: res.status, code: res.body?.error?.code, message: res.body?.error?.message };
};

describe('an invite-only lab', () => {
  it('does not exist for the uninvited by any path, and is there for the invited and its runners', async () => {
    const created = await ana.c.post('/api/labs', labBody({ title: 'Quiet zephyr lab', visibility: 'invite' }));
    expect(created.status).toBe(201);
    const lab = created.body.lab.id as string;
    expect((await ana.c.post(`/api/labs/${lab}/invitations`, { memberIds: [cleo.id] })).status).toBe(200);

    for (const suffix of ['', '/calendar.ics', '/actions', '/outcomes']) {
      const missing = await answer(ben, `/api/labs/${MISSING_ID}${suffix}`);
      expect(await answer(ben, `/api/labs/${lab}${suffix}`), suffix).toEqual(missing);
      expect(missing.status).toBe(404);
    }
    for (const when of ['upcoming', 'past'])
      expect(JSON.stringify((await ben.c.get(`/api/labs?when=${when}`)).body)).not.toContain('zephyr');
    expect(JSON.stringify((await ben.c.get('/api/events?when=upcoming')).body)).not.toContain('zephyr');
    const socket = await socketFor(p.url, ben, sockets);
    const joined = await socket.timeout(10_000).emitWithAck('lab:join', { labId: lab });
    expect(joined).toMatchObject({ ok: false, error: { code: 'not_found' } });

    for (const who of [cleo, ana, admin]) expect((await who.c.get(`/api/labs/${lab}`)).status).toBe(200);
    expect((await cleo.c.get('/api/labs?when=upcoming')).body.labs.map((l: { id: string }) => l.id)).toContain(lab);
  });
});

describe('a profile’s activity', () => {
  it('lists only threads the viewer may read', async () => {
    const open = await categoryId(ana.c, 'introductions');
    await newThread(ana, open, 'Zephyr open thread');
    const hidden = await newThread(ana, open, 'Zephyr hidden thread');
    const flag = await mod.c.post(`/api/posts/${hidden.post.id}/flags`, { reason: 'harassment', note: 'No.' });
    expect(flag.body.postStatus).toBe('hidden');

    const coalition = await ana.c.post('/api/coalitions', {
      name: 'Zephyr Parents',
      joinPolicy: 'request',
      visibility: 'private',
    });
    const own = await ana.c.post('/api/categories', { name: 'Plans', coalitionId: coalition.body.coalition.id });
    await newThread(ana, own.body.category.id, 'Zephyr coalition thread');

    const old = await admin.c.post('/api/categories', { name: 'Zephyr old room' });
    await newThread(ana, old.body.category.id, 'Zephyr archived thread');
    expect((await admin.c.patch(`/api/categories/${old.body.category.id}`, { archived: true })).status).toBe(200);

    const titles = async (who: Someone) =>
      ((await who.c.get(`/api/members/${ana.id}/activity`)).body.threads as Array<{ title: string }>)
        .map((t) => t.title)
        .sort();
    expect(await titles(ben)).toEqual(['Zephyr open thread']);
    // Its author reads their own hidden thread and their coalition's; never the archived one.
    expect(await titles(ana)).toEqual(['Zephyr coalition thread', 'Zephyr hidden thread', 'Zephyr open thread']);
    // Moderators read all of it.
    expect(await titles(mod)).toEqual([
      'Zephyr archived thread',
      'Zephyr coalition thread',
      'Zephyr hidden thread',
      'Zephyr open thread',
    ]);
  });
});
