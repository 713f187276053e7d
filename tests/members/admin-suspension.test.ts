import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// Suspending and lifting a suspension from the administrators' member list.
let p: TestPlatform;
let admin: Someone;
let mod: Someone;
let kim: Someone;

beforeAll(async () => {
  p = await startTestPlatform('admin_suspension', { workers: false });
  admin = await signUp(p, 'Ada Admin', 'admin');
  mod = await signUp(p, 'Moe Moderator', 'moderator');
  kim = await signUp(p, 'Kim Troublesome');
});
afterAll(async () => {
  await p?.close();
});

const login = (who: Someone) => p.client().post('/api/auth/login', { email: who.email, password: PASSWORD });

describe('suspension from the admin console', () => {
  it('refuses bad input, other roles and oneself, changing nothing', async () => {
    const path = `/api/admin/members/${kim.id}/suspension`;
    for (const bad of [
      {},
      { reason: '', durationHours: 24 },
      { reason: 'Spam', durationHours: 0 },
      { reason: 'Spam', durationHours: 24 * 366 },
      { reason: 'Spam', durationHours: 24, kind: 'warn' },
      { reason: { $ne: '' }, durationHours: 24 },
    ]) {
      const res = await admin.c.post(path, bad);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await mod.c.post(path, { reason: 'Spam', durationHours: 24 })).status).toBe(403);
    expect((await kim.c.post(path, { reason: 'Spam', durationHours: 24 })).status).toBe(403);
    expect(
      (await admin.c.post(`/api/admin/members/${admin.id}/suspension`, { reason: 'Test', durationHours: 1 })).status,
    ).toBe(400);
    expect(
      (await admin.c.post('/api/admin/members/0123456789abcdef01234567/suspension', { reason: 'x', durationHours: 1 }))
        .status,
    ).toBe(404);
    expect((await admin.c.request('DELETE', path, { reason: 'Not suspended' })).status).toBe(409);
    expect((await kim.c.get('/api/auth/me')).status).toBe(200);
    const listed = await admin.c.get('/api/admin/members?q=troublesome');
    expect(listed.body.members[0]).toMatchObject({ sanction: null, suspendedUntil: null });
  });

  it('suspends with a reason and duration: sessions end, sign-in is refused, the list and audit log show it', async () => {
    const before = Date.now();
    const res = await admin.c.post(`/api/admin/members/${kim.id}/suspension`, {
      reason: 'Repeated personal attacks',
      durationHours: 72,
    });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({ id: kim.id, sanction: 'suspend' });
    const until = Date.parse(res.body.member.suspendedUntil);
    expect(until).toBeGreaterThanOrEqual(before + 72 * 3600_000 - 5_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 72 * 3600_000);

    expect((await kim.c.get('/api/auth/me')).status).toBe(401);
    const refused = await login(kim);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'member_suspended',
      details: { reason: 'Repeated personal attacks' },
    });

    const suspended = await admin.c.get('/api/admin/members?sanctioned=true');
    expect(suspended.body.members.map((m: { id: string }) => m.id)).toEqual([kim.id]);
    const audit = await admin.c.get('/api/moderation/audit?action=sanction.create');
    expect(audit.body.entries[0]).toMatchObject({
      actor: { id: admin.id },
      targetId: kim.id,
      reason: 'Repeated personal attacks',
      details: { kind: 'suspend' },
    });
  });

  it('lifts the suspension with a reason: the member signs in again, and the lift is audited', async () => {
    expect((await admin.c.request('DELETE', `/api/admin/members/${kim.id}/suspension`, {})).status).toBe(400);
    const lifted = await admin.c.request('DELETE', `/api/admin/members/${kim.id}/suspension`, { reason: 'Apologised' });
    expect(lifted.status).toBe(200);
    expect(lifted.body.member).toMatchObject({ sanction: null, suspendedUntil: null });
    expect((await login(kim)).status).toBe(200);
    const audit = await admin.c.get('/api/moderation/audit?action=sanction.lift');
    expect(audit.body.entries[0]).toMatchObject({ actor: { id: admin.id }, reason: 'Apologised' });
    expect(
      (await admin.c.request('DELETE', `/api/admin/members/${kim.id}/suspension`, { reason: 'Again' })).status,
    ).toBe(409);
  });
});
