import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let admin: Someone;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ids: Record<string, any> = {};

const search = async (q: string, type: 'threads' | 'posts' = 'threads', extra = '') => {
  const res = await ana.c.get(`/api/search?q=${encodeURIComponent(q)}&type=${type}${extra}`);
  expect(res.status, res.text).toBe(200);
  return res.body as { results: Array<Record<string, string>>; nextCursor: string | null; terms: string[] };
};
const titles = (body: { results: Array<Record<string, string>> }) => body.results.map((r) => r.threadTitle);

beforeAll(async () => {
  p = await startTestPlatform('search', { workers: false });
  [ana, ben, admin] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Rosa Admin', 'admin'),
  ]);
  const data = await categoryId(ana.c, 'data-storytelling');
  const sustain = await categoryId(ana.c, 'sustainability');
  const early = await categoryId(ana.c, 'early-childhood');

  // Oldest first: recency decides between equally good matches.
  ids.body = await newThread(
    ben,
    data,
    'Community meeting notes',
    'We shared data dashboards with residents at the library.',
  );
  ids.title = await newThread(ben, data, 'Data dashboards residents actually use', 'What worked for you?');
  ids.funding = await newThread(
    ana,
    sustain,
    'Sustaining funding after the grant ends',
    'Our grant ends in June; funders want a plan.',
  );
  ids.ninos = await newThread(
    ana,
    early,
    'Cuidado de niños en el barrio',
    'Las familias necesitan más opciones de cuidado infantil.',
  );
  ids.html = await newThread(
    ben,
    data,
    'Escaping <b>data</b> in titles',
    'Body with <script>alert(1)</script> and data & more.',
  );
  await resetPostingBudgets(p);
  ids.reply = await reply(ana, ids.funding.thread.id, 'We funded the coordinator through a partner budget.');
  ids.deleted = await reply(ben, ids.funding.thread.id, 'A secret budget spreadsheet, deleted later.');
  await ben.c.delete(`/api/posts/${ids.deleted.id}`);

  // An archived category never shows up in results.
  const archived = await admin.c.post('/api/categories', { name: 'Old archive', description: 'Archived things' });
  ids.archivedThread = await newThread(
    ana,
    archived.body.category.id,
    'Archived dashboards discussion',
    'Dashboards from long ago.',
  );
  await admin.c.patch(`/api/categories/${archived.body.category.id}`, { archived: true });
});
afterAll(async () => {
  await p?.close();
});

describe('search', () => {
  it('needs every term, matching stems ("dashboard" finds "dashboards")', async () => {
    const res = await search('residents dashboard');
    expect(titles(res)).toEqual(
      expect.arrayContaining(['Data dashboards residents actually use', 'Community meeting notes']),
    );
    expect(titles(res)).not.toContain('Sustaining funding after the grant ends');
    expect(titles(await search('dashboard june'))).toEqual([]);
  });

  it('treats the last term as a prefix (search as you type)', async () => {
    expect(titles(await search('sustain'))).toEqual(['Sustaining funding after the grant ends']);
    expect(titles(await search('grant fund'))).toEqual(['Sustaining funding after the grant ends']);
    expect(titles(await search('dashb'))).toEqual(expect.arrayContaining(['Data dashboards residents actually use']));
    expect(titles(await search('fund gra'))).toEqual(['Sustaining funding after the grant ends']);
  });

  it('folds case and accents, and drops stop words', async () => {
    expect(titles(await search('NINOS'))).toEqual(['Cuidado de niños en el barrio']);
    expect(titles(await search('the familias'))).toEqual(['Cuidado de niños en el barrio']);
    const empty = await search('the and of');
    expect(empty.results).toEqual([]);
  });

  it('ranks title hits above body hits, then newer first', async () => {
    const res = await search('dashboards residents');
    expect(titles(res).slice(0, 2)).toEqual(['Data dashboards residents actually use', 'Community meeting notes']);
    // Both only in titles or both only in bodies: the newer one first.
    const data = await search('data');
    expect(titles(data)[0]).toBe('Escaping <b>data</b> in titles');
  });

  it('highlights matches in escaped snippets and titles', async () => {
    const res = await search('data');
    const hit = res.results.find((r) => r.threadId === ids.html.thread.id)!;
    expect(hit.titleHtml).toBe('Escaping &lt;b&gt;<mark>data</mark>&lt;/b&gt; in titles');
    expect(hit.snippetHtml).toContain('<mark>data</mark>');
    expect(hit.snippetHtml).not.toMatch(/<script|<b>/);
    expect(hit.snippetHtml).toContain('&lt;script&gt;');
    const other = res.results.find((r) => r.threadId === ids.body.thread.id)!;
    expect(other.snippetHtml).toBe('We shared <mark>data</mark> dashboards with residents at the library.');
  });

  it('finds posts, never deleted ones', async () => {
    const res = await search('budget', 'posts');
    expect(res.results.map((r) => r.postId)).toEqual([ids.reply.id]);
    expect(res.results[0]).toMatchObject({ type: 'post', threadId: ids.funding.thread.id, seq: ids.reply.seq });
    expect(res.results[0]!.snippetHtml).toContain('<mark>budget</mark>');
    expect((await search('secret spreadsheet', 'posts')).results).toEqual([]);
  });

  it('never returns threads or posts of archived categories', async () => {
    expect(titles(await search('archived'))).toEqual([]);
    expect((await search('long ago', 'posts')).results).toEqual([]);
    expect(titles(await search('dashboards'))).not.toContain('Archived dashboards discussion');
  });

  it('follows edits and pages with a cursor', async () => {
    await ana.c.patch(`/api/posts/${ids.reply.id}`, { body: 'We kept the coordinator with a shared partner budget.' });
    expect((await search('funded coordinator', 'posts')).results).toEqual([]);
    expect((await search('shared coordinator', 'posts')).results.map((r) => r.postId)).toEqual([ids.reply.id]);

    const page1 = await search('data', 'threads', '&limit=1');
    expect(page1.results).toHaveLength(1);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = await search('data', 'threads', `&limit=1&cursor=${encodeURIComponent(page1.nextCursor!)}`);
    expect(page2.results).toHaveLength(1);
    expect(page2.results[0]!.threadId).not.toBe(page1.results[0]!.threadId);
  });

  it('validates the query and needs a session', async () => {
    for (const q of ['', '?q=', '?q=x&type=users', '?q=x&limit=0', '?q=x&cursor=%%%', '?q[$gt]=x']) {
      expect((await ana.c.get(`/api/search${q}`)).status, q).toBe(400);
    }
    expect((await p.client().get('/api/search?q=data')).status).toBe(401);
  });
});

describe('one search over everything a member may read', () => {
  it('finds posts by default, and resources, stories, events and members each through its own read rule', async () => {
    await resetPostingBudgets(p);
    const sustain = await categoryId(ana.c, 'sustainability');
    const { thread } = await newThread(ana, sustain, 'Paying parent leaders', 'How do you budget for it?');
    await reply(ben, thread.id, 'We give stipends to every parent on the council.');
    const resource = await ana.c.post('/api/resources', {
      title: 'Stipends policy template',
      summary: 'A policy for paying community members for their time and expertise.',
      url: 'https://example.org/stipends',
      topics: ['community-engagement-leadership'],
      audiences: ['residents'],
      language: 'en',
      organisation: 'Vital Village Network',
    });
    expect(resource.status, resource.text).toBe(201);
    // Not yet approved: only the library's reviewers and its submitter see it; Ben finds nothing.
    const benSees = await ben.c.get('/api/search?q=stipends&type=resources');
    expect(benSees.body.items).toEqual([]);
    await admin.c.post(`/api/resources/${resource.body.resource.id as string}/review`, { decision: 'approve' });
    const story = await ben.c.post('/api/stories', {
      title: 'Our first stipends',
      body: 'Parents were paid for their time from the **first** meeting.',
      community: 'Mattapan, Boston',
      topics: ['community-engagement-leadership'],
    });
    expect(story.status, story.text).toBe(201);
    const event = await ben.c.post('/api/events', {
      title: 'Stipends office hours',
      description: 'Questions about paying parent leaders.',
      kind: 'meeting',
      startsAt: new Date(Date.now() + 48 * 3_600_000).toISOString(),
      durationMinutes: 60,
      timeZone: 'America/Chicago',
      place: 'Dudley Library, room 2',
    });
    expect(event.status, event.text).toBe(201);

    const all = await ben.c.get('/api/search?q=stipends');
    expect(all.status, all.text).toBe(200);
    expect(all.body.results.map((r: Record<string, string>) => r.type)).toContain('post');
    expect(all.body.items.map((i: Record<string, string>) => `${i.type}:${i.title}`).sort()).toEqual([
      'event:Stipends office hours',
      'resource:Stipends policy template',
      'story:Our first stipends',
    ]);
    const people = await ben.c.get('/api/search?q=ana&type=members');
    expect(people.body.items).toContainEqual(
      expect.objectContaining({ type: 'member', title: 'Ana López', path: `/members/${ana.id}` }),
    );
    expect(people.body.results).toEqual([]);
    expect((await ben.c.get('/api/search?q=stipends&type=places')).status).toBe(400);
  });
});
