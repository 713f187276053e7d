import { MemberModel } from '@commons/server/members/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { MISSING_ID, resourceBody } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let cleo: Someone;
let mod: Someone;

beforeAll(async () => {
  p = await startTestPlatform('hub_directory', { workers: false });
  [ana, ben, cleo, mod] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Cleo Nguyen'),
    signUp(p, 'Marcus Moderator', 'moderator'),
  ]);
  await ana.c.patch('/api/members/me', {
    communityRole: 'parent',
    community: 'Mattapan',
    organisation: 'Vital Village Network',
    interests: ['early childhood', 'Housing'],
  });
  await ben.c.patch('/api/members/me', {
    communityRole: 'provider',
    community: 'Dorchester',
    organisation: 'Smart Start',
    interests: ['health'],
  });
  await cleo.c.patch('/api/members/me', {
    communityRole: 'parent',
    community: 'mattapan',
    organisation: 'Smart Start',
  });
});
afterAll(async () => {
  await p?.close();
});

const names = (res: { body: { members: Array<{ displayName: string }> } }) =>
  res.body.members.map((m) => m.displayName);

describe('member directory', () => {
  it('filters by community role, community, organisation and interest (letter case aside)', async () => {
    expect(names(await ben.c.get('/api/members?communityRole=parent'))).toEqual(['Ana López', 'Cleo Nguyen']);
    expect(names(await ben.c.get('/api/members?community=MATTAPAN'))).toEqual(['Ana López', 'Cleo Nguyen']);
    expect(names(await ben.c.get('/api/members?organisation=smart%20start'))).toEqual(['Ben Okafor', 'Cleo Nguyen']);
    expect(names(await ben.c.get('/api/members?interest=housing'))).toEqual(['Ana López']);
    expect(names(await ben.c.get('/api/members?communityRole=parent&organisation=Smart%20Start'))).toEqual([
      'Cleo Nguyen',
    ]);
  });

  it('finds members by the start of a word of their name, organisation or community', async () => {
    expect(names(await ana.c.get('/api/members?q=oka'))).toEqual(['Ben Okafor']);
    expect(names(await ana.c.get('/api/members?q=village'))).toEqual(['Ana López']);
    expect(names(await ana.c.get('/api/members?q=.*'))).toEqual(
      names(await ana.c.get('/api/members')), // punctuation only: no filter, never a regex
    );
  });

  it('pages with a cursor, never shows emails, and needs a session', async () => {
    const first = await ana.c.get('/api/members?limit=2');
    expect(first.body.members).toHaveLength(2);
    expect(first.body.members[0].email).toBeUndefined();
    const second = await ana.c.get(`/api/members?limit=2&cursor=${first.body.nextCursor}`);
    const all = [...names(first), ...names(second)];
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(4);
    expect((await p.client().get('/api/members')).status).toBe(401);
    expect((await ana.c.get('/api/members?communityRole=wizard')).status).toBe(400);
    expect((await ana.c.get('/api/members?email=x')).status).toBe(400);
  });
});

describe('following and profiles', () => {
  it('follows and unfollows, idempotently, never oneself', async () => {
    const res = await ana.c.request('PUT', `/api/members/${ben.id}/follow`);
    expect(res.body.follow).toEqual({ following: true, followerCount: 1, followingCount: 0 });
    expect((await ana.c.request('PUT', `/api/members/${ben.id}/follow`)).body.follow.followerCount).toBe(1);
    const listed = await ana.c.get('/api/members?q=ben');
    expect(listed.body.members[0].following).toBe(true);
    expect((await ana.c.request('PUT', `/api/members/${ana.id}/follow`)).status).toBe(409);
    expect((await ana.c.request('PUT', `/api/members/${MISSING_ID}/follow`)).status).toBe(404);
    const off = await cleo.c.request('PUT', `/api/members/${ben.id}/follow`);
    expect(off.body.follow.followerCount).toBe(2);
    expect((await cleo.c.delete(`/api/members/${ben.id}/follow`)).body.follow).toMatchObject({
      following: false,
      followerCount: 1,
    });
  });

  it("shows a member's threads and approved resources, and new ones on followers' home", async () => {
    const health = await categoryId(ben.c, 'health');
    const { thread } = await newThread(ben, health, 'Home visiting in Dorchester');
    const submitted = await ben.c.post('/api/resources', resourceBody({ title: 'Home visiting checklist' }));
    const pending = await ana.c.get(`/api/members/${ben.id}/activity`);
    expect(pending.body.threads.map((t: { id: string }) => t.id)).toContain(thread.id);
    expect(pending.body.resources).toEqual([]);
    expect(pending.body.follow.following).toBe(true);

    await mod.c.post(`/api/resources/${submitted.body.resource.id}/review`, { decision: 'approve' });
    const after = await ana.c.get(`/api/members/${ben.id}/activity`);
    expect(after.body.resources.map((r: { title: string }) => r.title)).toEqual(['Home visiting checklist']);
    const home = await ana.c.get('/api/hub/home');
    expect(home.body.fromFollowed.map((r: { title: string }) => r.title)).toEqual(['Home visiting checklist']);
    expect((await cleo.c.get('/api/hub/home')).body.fromFollowed).toEqual([]);
    expect(await MemberModel.countDocuments()).toBe(4);
  });
});
