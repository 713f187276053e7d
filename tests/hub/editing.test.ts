import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { MISSING_ID, resourceBody } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let mod: Someone;
let admin: Someone;

beforeAll(async () => {
  p = await startTestPlatform('hub_editing', { workers: false });
  [ana, ben, mod, admin] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Marcus Moderator', 'moderator'),
    signUp(p, 'Rosa Admin', 'admin'),
  ]);
});
afterAll(async () => {
  await p?.close();
});

async function approvedResource(title: string) {
  const res = await ana.c.post('/api/resources', resourceBody({ title }));
  expect(res.status).toBe(201);
  const approved = await mod.c.post(`/api/resources/${res.body.resource.id}/review`, { decision: 'approve' });
  expect(approved.body.resource.status).toBe('approved');
  return approved.body.resource.id as string;
}

const libraryTitles = async (who: Someone) =>
  ((await who.c.get('/api/resources?limit=50')).body.resources as Array<{ title: string }>).map((r) => r.title);

describe('editing and deleting resources', () => {
  it('the submitter’s edit of an approved resource goes back to review; a moderator’s does not', async () => {
    const id = await approvedResource('Family asset map');
    const edited = await ana.c.patch(`/api/resources/${id}`, { title: 'Family asset map, 2nd edition' });
    expect(edited.status).toBe(200);
    expect(edited.body.resource).toMatchObject({ title: 'Family asset map, 2nd edition', status: 'pending' });
    expect(await libraryTitles(ben)).not.toContain('Family asset map, 2nd edition');
    expect((await ben.c.get(`/api/resources/${id}`)).status).toBe(404);

    await mod.c.post(`/api/resources/${id}/review`, { decision: 'approve' });
    const byMod = await mod.c.patch(`/api/resources/${id}`, { summary: 'A map of what families bring.' });
    expect(byMod.body.resource).toMatchObject({ status: 'approved', summary: 'A map of what families bring.' });
    expect(await libraryTitles(ben)).toContain('Family asset map, 2nd edition');
    // The search terms follow the edit.
    const found = await ben.c.get('/api/resources?q=edition');
    expect(found.body.resources.map((r: { id: string }) => r.id)).toContain(id);
  });

  it('refuses other members and bad input, changing nothing', async () => {
    const id = await approvedResource('Trauma-informed meeting guide');
    expect((await ben.c.patch(`/api/resources/${id}`, { title: 'Mine now' })).status).toBe(403);
    for (const bad of [
      {},
      { title: 'x' },
      { topics: [] },
      { topics: ['astrology'] },
      { url: 'javascript:alert(1)' },
      { fileId: MISSING_ID },
      { status: 'approved' },
      { title: { $gt: '' } },
    ]) {
      const res = await ana.c.patch(`/api/resources/${id}`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    // A link-only resource cannot lose its link.
    const noLink = await ana.c.patch(`/api/resources/${id}`, { url: null });
    expect(noLink.status).toBe(400);
    expect(noLink.body.error.details.fieldErrors.url).toBeDefined();
    const after = await ana.c.get(`/api/resources/${id}`);
    expect(after.body.resource).toMatchObject({ title: 'Trauma-informed meeting guide', status: 'approved' });
    expect((await ana.c.patch(`/api/resources/${MISSING_ID}`, { title: 'Nothing here' })).status).toBe(404);
  });

  it('only moderators and administrators delete one', async () => {
    const id = await approvedResource('Old flyer');
    await ben.c.request('PUT', `/api/resources/${id}/save`);
    expect((await ana.c.delete(`/api/resources/${id}`)).status).toBe(403);
    expect((await ben.c.delete(`/api/resources/${id}`)).status).toBe(403);
    expect((await mod.c.delete(`/api/resources/${id}`)).status).toBe(204);
    expect((await ana.c.get(`/api/resources/${id}`)).status).toBe(404);
    expect((await admin.c.delete(`/api/resources/${id}`)).status).toBe(404);
    const saved = await ben.c.get('/api/resources?scope=saved');
    expect(saved.body.resources.map((r: { id: string }) => r.id)).not.toContain(id);
  });
});

const story = (over: Record<string, unknown> = {}) => ({
  title: 'How Mattapan parents built a play space',
  body: 'We started with **three families** and a borrowed lot.',
  community: 'Mattapan, Boston',
  topics: ['community-engagement-leadership'],
  ...over,
});

describe('editing and deleting stories', () => {
  it('its author edits it, re-rendered; others cannot; input is validated', async () => {
    const created = await ana.c.post('/api/stories', story());
    expect(created.status, created.text).toBe(201);
    const id = created.body.story.id;
    const edited = await ana.c.patch(`/api/stories/${id}`, { body: 'Now **twelve families** help.' });
    expect(edited.status).toBe(200);
    expect(edited.body.story.bodyHtml).toContain('<strong>twelve families</strong>');
    expect(edited.body.story.title).toBe('How Mattapan parents built a play space');
    expect((await ben.c.patch(`/api/stories/${id}`, { title: 'Hijacked story' })).status).toBe(403);
    expect((await mod.c.patch(`/api/stories/${id}`, { title: 'Moderated story' })).status).toBe(403);
    for (const bad of [{}, { title: 'x' }, { body: '   ' }, { topics: [] }, { featured: true }]) {
      expect((await ana.c.patch(`/api/stories/${id}`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const foreignImage = await ana.c.patch(`/api/stories/${id}`, { body: `![x](/api/uploads/${MISSING_ID})` });
    expect(foreignImage.status).toBe(400);
    const byAdmin = await admin.c.patch(`/api/stories/${id}`, { community: 'Mattapan' });
    expect(byAdmin.body.story.community).toBe('Mattapan');
    const now = await ben.c.get(`/api/stories/${id}`);
    expect(now.body.story.body).toBe('Now **twelve families** help.');
  });

  it('its author or an administrator deletes it', async () => {
    const one = (await ana.c.post('/api/stories', story({ title: 'First story to go' }))).body.story.id;
    const two = (await ana.c.post('/api/stories', story({ title: 'Second story to go' }))).body.story.id;
    expect((await ben.c.delete(`/api/stories/${one}`)).status).toBe(403);
    expect((await ana.c.delete(`/api/stories/${one}`)).status).toBe(204);
    expect((await admin.c.delete(`/api/stories/${two}`)).status).toBe(204);
    expect((await ben.c.get(`/api/stories/${one}`)).status).toBe(404);
    expect((await ana.c.delete(`/api/stories/${two}`)).status).toBe(404);
  });
});
