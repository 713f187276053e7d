import { encodeCursor } from '@commons/server/http/cursor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/*
 * Bad input gets a clear 4xx and changes nothing: NUL characters anywhere, cursors the store
 * cannot cast, and Markdown that would overflow the parser's stack or hold a core.
 */
let p: TestPlatform;
let ana: Someone;
let admin: Someone;
let general: string;

beforeAll(async () => {
  p = await startTestPlatform('bad_input', { workers: false });
  [ana, admin] = await Promise.all([signUp(p, 'Ana Input'), signUp(p, 'Ada Input', 'admin')]);
  general = await categoryId(ana.c, 'introductions');
});
afterAll(async () => {
  await p?.close();
});

function expect400(res: { status: number; body: { error?: { code: string; message: string } } }) {
  expect(res.status).toBe(400);
  expect(res.body.error?.code).toBe('validation_failed');
  expect(res.body.error?.message.length).toBeGreaterThan(5);
}

describe('NUL characters', () => {
  it.each([
    '/api/members?community=a%00b',
    '/api/members?q=%00',
    '/api/stories?community=a%00b',
    '/api/search?q=ab%00c',
  ])('GET %s is a 400', async (path) => {
    expect400(await ana.c.get(path));
  });

  it('refuses them in bodies, nested or in keys, and writes nothing', async () => {
    const before = (await ana.c.get(`/api/threads?categoryId=${general}`)).body.threads.length;
    expect400(await ana.c.post('/api/threads', { categoryId: general, title: 'Null\u0000title', body: 'Body text.' }));
    expect400(
      await ana.c.post('/api/threads', { categoryId: general, title: 'Fine title', body: 'a\u0000', tags: [] }),
    );
    expect400(await ana.c.patch('/api/members/me', { interests: ['ok', 'b\u0000'] }));
    expect((await ana.c.get(`/api/threads?categoryId=${general}`)).body.threads.length).toBe(before);
  });
});

describe('cursors', () => {
  const outOfRange = encodeCursor({ p: false, t: 9e15, i: '0'.repeat(24) });
  const negative = encodeCursor({ t: -9e15, i: '0'.repeat(24) });
  const storyCursor = encodeCursor({ at: 9e15, id: '0'.repeat(24) });
  it.each([
    ['threads', () => `/api/threads?categoryId=${general}&cursor=${outOfRange}`],
    ['bookmarks', () => `/api/bookmarks?cursor=${encodeCursor({ t: 9e15, i: '0'.repeat(24) })}`],
    ['notifications', () => `/api/notifications?cursor=${negative}`],
    ['stories', () => `/api/stories?cursor=${storyCursor}`],
    ['members', () => `/api/members?cursor=${encodeCursor({ n: 'a\u0000', i: '0'.repeat(24) })}`],
    ['garbage', () => `/api/bookmarks?cursor=${encodeURIComponent('%%%not base64')}`],
  ])('an out-of-range or malformed %s cursor is a 400', async (_what, path) => {
    expect400(await ana.c.get(path()));
  });

  it('the mail failures cursor too (administrators)', async () => {
    expect400(await admin.c.get(`/api/admin/mail-failures?cursor=${encodeCursor({ t: 9e15, i: '0'.repeat(24) })}`));
  });
});

describe('Markdown bounds', () => {
  const deepQuotes = '> '.repeat(2500) + 'deep';
  const deepList = '1. '.repeat(3000) + 'deep';
  const stars = '*a'.repeat(10_000);

  it.each([
    ['2,500 nested quotes', deepQuotes],
    ['3,000 nested list items', deepList],
    ['20 KB of emphasis', stars],
  ])('%s: a clear 400 on preview, thread and story, and nothing written', async (_what, body) => {
    const threadsBefore = (await ana.c.get(`/api/threads?categoryId=${general}`)).body.threads.length;
    expect400(await ana.c.post('/api/posts/preview', { body }));
    expect400(await ana.c.post('/api/threads', { categoryId: general, title: 'Deep text', body }));
    expect400(
      await ana.c.post('/api/stories', { title: 'A deep story', body, community: 'Dorchester', topics: ['health'] }),
    );
    expect((await ana.c.get(`/api/threads?categoryId=${general}`)).body.threads.length).toBe(threadsBefore);
  });

  it('still renders ordinary nesting', async () => {
    const res = await ana.c.post('/api/posts/preview', { body: '> quoted\n> > twice\n\n- a\n  - b\n    - c' });
    expect(res.status).toBe(200);
    expect(res.body.html).toContain('<blockquote>');
  });

  it('rate limits previews (60 a minute per member)', async () => {
    const who = await signUp(p, 'Pia Preview');
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await who.c.post('/api/posts/preview', { body: `try ${i}` })).status);
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
  });
});
