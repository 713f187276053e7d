import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import type { TestClient } from '../support/http.js';

let p: TestPlatform;
let ana: TestClient;
let anaId: string;
beforeAll(async () => {
  p = await startTestPlatform('members', { workers: false });
  ana = p.client();
  const res = await ana.post('/api/auth/register', {
    email: 'ana@example.org',
    password: 'maple-lantern-harbor-41',
    displayName: 'Ana',
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  anaId = res.body.user.id;
});
afterAll(async () => {
  await p?.close();
});

describe('profiles', () => {
  it('lets a member edit their profile and shows it to others without the email', async () => {
    const patch = {
      displayName: 'Ana López',
      bio: 'Parent leader in Mattapan.',
      communityRole: 'parent',
      organisation: 'Mattapan Family Network',
      community: 'Mattapan, Boston',
      interests: ['early childhood', 'data & storytelling'],
      locale: 'es',
      timeZone: 'America/New_York',
    };
    const res = await ana.patch('/api/members/me', patch);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject(patch);

    const ben = p.client();
    await ben.post('/api/auth/register', {
      email: 'ben@example.org',
      password: 'maple-lantern-harbor-42',
      displayName: 'Ben',
    });
    const seen = await ben.get(`/api/members/${anaId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.member).toMatchObject({
      id: anaId,
      displayName: 'Ana López',
      communityRole: 'parent',
      community: 'Mattapan, Boston',
    });
    expect(seen.body.member.email).toBeUndefined();
  });

  it('refuses unknown fields, a bad community role, a bad time zone and a role change', async () => {
    for (const body of [
      { role: 'admin' },
      { communityRole: 'mayor' },
      { timeZone: 'Mars/Olympus' },
      { interests: 'x' },
    ]) {
      const res = await ana.patch('/api/members/me', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const me = await ana.get('/api/auth/me');
    expect(me.body.user.role).toBe('member');
  });

  it('needs a session, and answers 404 for unknown or malformed ids', async () => {
    expect((await p.client().patch('/api/members/me', { bio: 'x' })).status).toBe(401);
    expect((await p.client().get(`/api/members/${anaId}`)).status).toBe(401);
    expect((await ana.get('/api/members/000000000000000000000000')).status).toBe(404);
    expect((await ana.get('/api/members/not-an-id')).status).toBe(404);
  });
});

describe('operator role command', () => {
  it('promotes a member by email through the member service', async () => {
    const { setRole } = await import('@commons/server/members/cli');
    const out = await setRole(p.runtime, 'ana@example.org', 'moderator');
    expect(out).toMatch(/moderator/);
    const me = await ana.get('/api/auth/me');
    expect(me.body.user.role).toBe('moderator');
    await expect(setRole(p.runtime, 'nobody@example.org', 'admin')).rejects.toThrow(/No member/);
  });
});
