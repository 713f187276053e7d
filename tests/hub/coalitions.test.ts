import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { MISSING_ID } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let cleo: Someone;
let admin: Someone;

beforeAll(async () => {
  p = await startTestPlatform('hub_coalitions', { workers: false });
  [ana, ben, cleo, admin] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Cleo Nguyen'),
    signUp(p, 'Rosa Admin', 'admin'),
  ]);
});
afterAll(async () => {
  await p?.close();
});

const names = (res: { body: { members: Array<{ member: { displayName: string } }> } }) =>
  res.body.members.map((m) => m.member.displayName);

describe('coalitions', () => {
  it('makes the creator its admin; open coalitions are joined at once', async () => {
    const res = await ana.c.post('/api/coalitions', {
      name: 'Mattapan Family Network',
      description: 'Parents and providers in Mattapan.',
      community: 'Mattapan, Boston',
      joinPolicy: 'open',
    });
    expect(res.status).toBe(201);
    expect(res.body.coalition).toMatchObject({ memberCount: 1, myMembership: { role: 'admin', status: 'active' } });
    const id = res.body.coalition.id;
    const joined = await ben.c.post(`/api/coalitions/${id}/membership`);
    expect(joined.body.coalition).toMatchObject({ memberCount: 2, myMembership: { role: 'member', status: 'active' } });
    expect(names(joined)).toEqual(['Ana López', 'Ben Okafor']);
    expect((await ben.c.post(`/api/coalitions/${id}/membership`)).status).toBe(409);

    const dup = await cleo.c.post('/api/coalitions', { name: 'mattapan family  network', joinPolicy: 'open' });
    expect(dup.status).toBe(409);

    // The last admin cannot leave while others remain; a member can.
    expect((await ana.c.delete(`/api/coalitions/${id}/membership`)).status).toBe(409);
    const left = await ben.c.delete(`/api/coalitions/${id}/membership`);
    expect(left.body.coalition).toMatchObject({ memberCount: 1, myMembership: null });
  });

  it('holds requests to join until a coalition admin approves or declines them', async () => {
    const res = await ana.c.post('/api/coalitions', { name: 'Dudley Steering Committee', joinPolicy: 'request' });
    const id = res.body.coalition.id;
    const asked = await ben.c.post(`/api/coalitions/${id}/membership`);
    expect(asked.body.coalition).toMatchObject({ memberCount: 1, myMembership: { status: 'pending' } });
    expect(asked.body.requests).toEqual([]); // only admins see requests
    await cleo.c.post(`/api/coalitions/${id}/membership`);

    const seen = await ana.c.get(`/api/coalitions/${id}`);
    expect(seen.body.requests.map((r: { member: { id: string } }) => r.member.id)).toEqual([ben.id, cleo.id]);
    expect(names(seen)).toEqual(['Ana López']);

    // Members who are not coalition admins cannot decide.
    expect((await cleo.c.post(`/api/coalitions/${id}/requests/${ben.id}`, { decision: 'approve' })).status).toBe(403);
    const approved = await ana.c.post(`/api/coalitions/${id}/requests/${ben.id}`, { decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(names(approved)).toEqual(['Ana López', 'Ben Okafor']);
    expect(approved.body.coalition.memberCount).toBe(2);
    // Ben, now a plain member, still cannot decide; a site administrator can.
    expect((await ben.c.post(`/api/coalitions/${id}/requests/${cleo.id}`, { decision: 'approve' })).status).toBe(403);
    const declined = await admin.c.post(`/api/coalitions/${id}/requests/${cleo.id}`, { decision: 'decline' });
    expect(declined.body.requests).toEqual([]);
    expect((await ana.c.post(`/api/coalitions/${id}/requests/${cleo.id}`, { decision: 'approve' })).status).toBe(404);
    expect((await cleo.c.get(`/api/coalitions/${id}`)).body.coalition.myMembership).toBeNull();
  });

  it('lists by name, mine only, and validates input', async () => {
    const all = await cleo.c.get('/api/coalitions?q=dud');
    expect(all.body.coalitions.map((c: { name: string }) => c.name)).toEqual(['Dudley Steering Committee']);
    const mine = await ben.c.get('/api/coalitions?mine=true');
    expect(mine.body.coalitions.map((c: { name: string }) => c.name)).toEqual(['Dudley Steering Committee']);
    const page = await cleo.c.get('/api/coalitions?limit=1');
    expect(page.body.nextCursor).not.toBeNull();
    const next = await cleo.c.get(`/api/coalitions?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.coalitions[0].id).not.toBe(page.body.coalitions[0].id);
    expect((await ana.c.post('/api/coalitions', { name: 'X', joinPolicy: 'open' })).status).toBe(400);
    expect((await ana.c.post('/api/coalitions', { name: 'Valid name', joinPolicy: 'secret' })).status).toBe(400);
    expect((await ana.c.get(`/api/coalitions/${MISSING_ID}`)).status).toBe(404);
    expect((await p.client().get('/api/coalitions')).status).toBe(401);
  });
});
