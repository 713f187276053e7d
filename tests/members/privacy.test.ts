import { defaultPrivacy, type PrivacySettings } from '@commons/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, reply, signUp, type Someone } from '../forums/support.js';
import { createLab } from '../labs/support.js';
import { eventually } from '../notifications/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// Members' privacy settings, enforced by the server: directory, profile, mentions, invitations.
let p: TestPlatform;
let rosa: Someone; // the private one
let pia: Someone; // shares a coalition with Rosa
let otto: Someone; // shares nothing with Rosa
let cat: string;

const profile = {
  bio: 'Grandmother raising two boys.',
  communityRole: 'parent',
  organisation: 'Roxbury Kin Circle',
  community: 'Roxbury',
  interests: ['kinship care'],
};

function settings(over: Partial<PrivacySettings>): PrivacySettings {
  return { ...defaultPrivacy, ...over, fields: { ...defaultPrivacy.fields, ...(over.fields ?? {}) } };
}

async function setPrivacy(who: Someone, body: unknown) {
  return put(who.c, '/api/members/me/privacy', body);
}

beforeAll(async () => {
  p = await startTestPlatform('privacy');
  rosa = await signUp(p, 'Rosa Quiet');
  pia = await signUp(p, 'Pia Peer');
  otto = await signUp(p, 'Otto Outside');
  expect((await rosa.c.patch('/api/members/me', profile)).status).toBe(200);
  const coalition = await rosa.c.post('/api/coalitions', { name: 'Roxbury Kinship Coalition', joinPolicy: 'open' });
  expect(coalition.status).toBe(201);
  expect((await pia.c.post(`/api/coalitions/${coalition.body.coalition.id}/membership`)).status).toBe(200);
  cat = await categoryId(rosa.c, 'introductions');
});
afterAll(async () => {
  await p?.close();
});

describe('privacy settings', () => {
  it('start open, and refuse a malformed or partial set without changing anything', async () => {
    expect((await rosa.c.get('/api/auth/me')).body.user.privacy).toEqual(defaultPrivacy);
    for (const bad of [
      { ...defaultPrivacy, mentions: 'friends' },
      { ...defaultPrivacy, extra: true },
      { listedInDirectory: false },
      { ...defaultPrivacy, fields: { ...defaultPrivacy.fields, email: 'nobody' } },
      { ...defaultPrivacy, listedInDirectory: { $ne: true } },
    ]) {
      const res = await setPrivacy(rosa, bad);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await rosa.c.get('/api/auth/me')).body.user.privacy).toEqual(defaultPrivacy);
  });

  it('keep an opted-out member out of the directory, but not their profile', async () => {
    const listed = await otto.c.get('/api/members?q=rosa');
    expect(listed.body.members.map((m: { id: string }) => m.id)).toEqual([rosa.id]);
    const saved = await setPrivacy(rosa, settings({ listedInDirectory: false }));
    expect(saved.status).toBe(200);
    expect(saved.body.privacy.listedInDirectory).toBe(false);
    expect((await otto.c.get('/api/members?q=rosa')).body.members).toEqual([]);
    expect((await otto.c.get('/api/members')).body.members.map((m: { id: string }) => m.id)).not.toContain(rosa.id);
    expect((await otto.c.get(`/api/members/${rosa.id}`)).status).toBe(200);
  });

  it('show each profile field only to its audience, in the profile, the directory and its filters', async () => {
    await setPrivacy(
      rosa,
      settings({
        fields: { ...defaultPrivacy.fields, bio: 'nobody', community: 'coalitions', interests: 'coalitions' },
      }),
    );
    const seenByOtto = (await otto.c.get(`/api/members/${rosa.id}`)).body.member;
    expect(seenByOtto).toMatchObject({ bio: '', community: '', interests: [], organisation: 'Roxbury Kin Circle' });
    const seenByPia = (await pia.c.get(`/api/members/${rosa.id}`)).body.member;
    expect(seenByPia).toMatchObject({ bio: '', community: 'Roxbury', interests: ['kinship care'] });
    // Rosa sees all of her own profile.
    expect((await rosa.c.get(`/api/members/${rosa.id}`)).body.member).toMatchObject(profile);

    // A filter or search word on a hidden field finds nothing; on a shown one, it finds Rosa.
    const ids = async (who: Someone, query: string) =>
      ((await who.c.get(`/api/members?${query}`)).body.members as { id: string }[]).map((m) => m.id);
    expect(await ids(otto, 'community=Roxbury')).toEqual([]);
    expect(await ids(otto, 'interest=kinship%20care')).toEqual([]);
    expect(await ids(otto, 'q=roxbury%20kin')).toEqual([rosa.id]); // the organisation is shown
    expect(await ids(pia, 'community=Roxbury')).toEqual([rosa.id]);
    const row = (await otto.c.get('/api/members?organisation=Roxbury%20Kin%20Circle')).body.members[0];
    expect(row).toMatchObject({ id: rosa.id, bio: '', community: '', interests: [] });
  });

  it('show coalition badges to whom the member allows, a private coalition only to its members', async () => {
    const circle = await rosa.c.post('/api/coalitions', {
      name: 'Roxbury Safety Circle',
      joinPolicy: 'open',
      visibility: 'private',
    });
    expect(circle.status).toBe(201);
    expect((await pia.c.post(`/api/coalitions/${circle.body.coalition.id}/membership`)).status).toBe(200);
    const badges = async (who: Someone, ids: string[]) => {
      const res = await who.c.get(`/api/members/badges?ids=${ids.join(',')}`);
      expect(res.status).toBe(200);
      return Object.fromEntries(
        (res.body.members as { memberId: string; coalitions: { name: string }[] }[]).map((m) => [
          m.memberId,
          m.coalitions.map((c) => c.name),
        ]),
      );
    };
    const both = ['Roxbury Kinship Coalition', 'Roxbury Safety Circle'];
    // Everyone: Otto sees the public coalition only; Pia, a member of the private one, both.
    await setPrivacy(rosa, settings({}));
    expect(await badges(otto, [rosa.id, otto.id])).toEqual({
      [rosa.id]: ['Roxbury Kinship Coalition'],
      [otto.id]: [],
    });
    expect((await badges(pia, [rosa.id]))[rosa.id]).toEqual(both);
    // Members of my coalitions: Otto sees none; Pia still both; Rosa always her own.
    await setPrivacy(rosa, settings({ fields: { ...defaultPrivacy.fields, coalitions: 'coalitions' } }));
    expect((await badges(otto, [rosa.id]))[rosa.id]).toEqual([]);
    expect((await badges(pia, [rosa.id]))[rosa.id]).toEqual(both);
    await setPrivacy(rosa, settings({ fields: { ...defaultPrivacy.fields, coalitions: 'nobody' } }));
    expect((await badges(pia, [rosa.id]))[rosa.id]).toEqual([]);
    expect((await badges(rosa, [rosa.id]))[rosa.id]).toEqual(both);
    // Bad input changes nothing and says so; visitors get no badges.
    expect((await otto.c.get('/api/members/badges?ids=nope')).status).toBe(400);
    expect((await otto.c.get('/api/members/badges')).status).toBe(400);
    expect((await p.client().get(`/api/members/badges?ids=${rosa.id}`)).status).toBe(401);
    await setPrivacy(rosa, settings({}));
  });

  it('offer a member for mentions, and tell them of one, only from whom they allow', async () => {
    await setPrivacy(rosa, settings({ mentions: 'coalitions' }));
    const suggested = async (who: Someone) =>
      ((await who.c.get('/api/mentions?q=rosa')).body.members as { id: string }[]).map((m) => m.id);
    expect(await suggested(pia)).toEqual([rosa.id]);
    expect(await suggested(otto)).toEqual([]);

    const { thread, post } = await newThread(pia, cat, 'Kinship care resources in Roxbury');
    // Otto's mention tells Rosa nothing; Pia's does (and arrives after Otto's was fanned out).
    await reply(otto, thread.id, 'Worth asking @rosa-quiet about this.', { parentId: post.id });
    await reply(pia, thread.id, 'Thoughts, @rosa-quiet?', { parentId: post.id });
    const told = await eventually(async () => {
      const res = await rosa.c.get('/api/notifications');
      return (res.body.notifications as { kind: string; actor?: { id: string } }[]).length > 0 ? res.body : undefined;
    });
    const mentions = (
      told.notifications as { kind: string; actors?: { id: string }[]; actor?: { id: string } }[]
    ).filter((n) => n.kind === 'mention');
    expect(mentions).toHaveLength(1);
    expect(JSON.stringify(mentions[0])).toContain(pia.id);
    expect(JSON.stringify(told.notifications)).not.toContain(otto.id);

    await setPrivacy(rosa, settings({ mentions: 'nobody' }));
    expect(await suggested(pia)).toEqual([]);
  });

  it('let only whom the member allows invite them to a lab, and a refusal invites nobody', async () => {
    await setPrivacy(rosa, settings({ invitations: 'coalitions' }));
    const byOtto = await createLab(otto, { visibility: 'invite', title: 'Kin care circle planning' });
    const refused = await otto.c.post(`/api/labs/${byOtto.id}/invitations`, { memberIds: [pia.id, rosa.id] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', details: { memberIds: [rosa.id] } });
    // Nobody was invited: the lab stays invisible to both.
    expect((await pia.c.get(`/api/labs/${byOtto.id}`)).status).toBe(404);
    expect((await rosa.c.get(`/api/labs/${byOtto.id}`)).status).toBe(404);

    const byPia = await createLab(pia, { visibility: 'invite', title: 'Roxbury kin care lab' });
    const invited = await pia.c.post(`/api/labs/${byPia.id}/invitations`, { memberIds: [rosa.id] });
    expect(invited.status).toBe(200);
    expect((await rosa.c.get(`/api/labs/${byPia.id}`)).status).toBe(200);

    await setPrivacy(rosa, settings({ invitations: 'nobody' }));
    const again = await createLab(pia, { visibility: 'invite', title: 'Second kin care lab' });
    expect((await pia.c.post(`/api/labs/${again.id}/invitations`, { memberIds: [rosa.id] })).status).toBe(403);
  });
});
