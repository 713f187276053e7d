// Each member's record kept in Redis for the requests and sockets acting as them
// (server/src/members/kept.ts): a signed-in request reads no member from the store, and every
// kind of write to a member is seen by the very next request.
import { resetLinks } from '@commons/server/auth/reset-links';
import { ResetTokenModel } from '@commons/server/auth/reset-token.model';
import { storeCommandsOf, type StoreCounts } from '@commons/server/infra/store/index';
import { setRole } from '@commons/server/members/cli';
import { MemberModel } from '@commons/server/members/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let admin: Someone;

beforeAll(async () => {
  p = await startTestPlatform('members_kept', { workers: false });
  admin = await signUp(p, 'Ada Admin', 'admin');
});
afterAll(async () => {
  await p?.close();
});

/** Store commands on the members' collection. */
const memberReads = (c: StoreCounts) =>
  Object.entries(c.byShape)
    .filter(([shape]) => /^\w+ members\b/.test(shape))
    .reduce((n, [, k]) => n + k, 0);

const me = async (who: Someone) => (await who.c.get('/api/auth/me')).body.user;

describe("a member's kept record", () => {
  it('serves a signed-in request without reading the member from the store', async () => {
    const ana = await signUp(p, 'Ana Kept');
    expect((await ana.c.get('/api/auth/me')).status).toBe(200);
    const warm = await storeCommandsOf(() => ana.c.get('/api/auth/me'));
    expect(warm.result.status).toBe(200);
    expect(memberReads(warm.counts), JSON.stringify(warm.counts.byShape)).toBe(0);
  });

  it('is dropped by every kind of write, so the next request sees it', async () => {
    const ben = await signUp(p, 'Ben Kept');
    await me(ben);

    // A document saved by the member's own flow.
    expect((await ben.c.patch('/api/members/me', { bio: 'Parent educator in Lincoln.' })).status).toBe(200);
    expect((await me(ben)).bio).toBe('Parent educator in Lincoln.');

    // An update by id, by an admin in another request.
    expect((await admin.c.patch(`/api/admin/members/${ben.id}/role`, { role: 'moderator' })).status).toBe(200);
    expect((await me(ben)).role).toBe('moderator');

    // A find-and-update by address (the operator's command line).
    await setRole(p.runtime, ben.email, 'member');
    expect((await me(ben)).role).toBe('member');

    // A new address, confirmed with the password, which is read from the store, not the record.
    const refused = await ben.c.post('/api/members/me/email', { email: 'ben.new@example.org', password: 'wrong-one' });
    expect(refused.status).toBe(401);
    const moved = await ben.c.post('/api/members/me/email', { email: 'ben.new@example.org', password: PASSWORD });
    expect(moved.status, moved.text).toBe(200);
    expect((await me(ben)).email).toBe('ben.new@example.org');

    // A password changed by reset link ends every other session at their next request.
    expect((await p.client().post('/api/auth/password-reset', { email: 'ben.new@example.org' })).status).toBe(202);
    const request = await ResetTokenModel.findOne({ usedAt: null }).sort({ createdAt: -1 }).lean();
    const token = resetLinks(p.runtime.config.SESSION_SECRET, p.url).tokenFor(request!._id.toHexString());
    const reset = await p
      .client()
      .post('/api/auth/password-reset/confirm', { token, password: 'orchard-violet-canyon-77' });
    expect(reset.status).toBe(204);
    expect((await ben.c.get('/api/auth/me')).status).toBe(401);
    const again = p.client();
    const signedIn = await again.post('/api/auth/login', {
      email: 'ben.new@example.org',
      password: 'orchard-violet-canyon-77',
    });
    expect(signedIn.status).toBe(200);
  });

  it('keeps no password hash in Redis', async () => {
    const { redis, config } = p.runtime;
    const keys = (await redis.keys(`${config.REDIS_PREFIX}:member:*`)).filter((k) => !k.endsWith(':v'));
    expect(keys.length).toBeGreaterThan(0);
    for (const value of await redis.mget(keys)) {
      expect(value).not.toMatch(/passwordHash|\$argon2/);
    }
  });

  it('refuses, before it runs, a write to members that does not name them by id', async () => {
    const before = await MemberModel.countDocuments({ bio: 'everyone at once' });
    await expect(MemberModel.updateMany({ role: 'member' }, { $set: { bio: 'everyone at once' } })).rejects.toThrow(
      /name the members by _id/,
    );
    expect(await MemberModel.countDocuments({ bio: 'everyone at once' })).toBe(before);
  });
});
