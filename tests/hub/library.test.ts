import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ResourceModel } from '@commons/server/library/model';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { MISSING_ID, PDF, PNG, resourceBody, sendFile } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let mod: Someone;
let admin: Someone;
let uploadDir: string;

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(tmpdir(), 'commons-uploads-'));
  p = await startTestPlatform('hub_library', { workers: false, env: { UPLOAD_DIR: uploadDir } });
  [ana, ben, mod, admin] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Marcus Moderator', 'moderator'),
    signUp(p, 'Rosa Admin', 'admin'),
  ]);
});
afterAll(async () => {
  await p?.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

async function submit(who: Someone, over: Record<string, unknown> = {}) {
  const res = await who.c.post('/api/resources', resourceBody(over));
  expect(res.status).toBe(201);
  return res.body.resource;
}

async function approve(id: string) {
  const res = await mod.c.post(`/api/resources/${id}/review`, { decision: 'approve' });
  expect(res.status).toBe(200);
  return res.body.resource;
}

describe('submitting and reviewing', () => {
  it('keeps a submission pending and out of sight until a moderator approves it', async () => {
    const r = await submit(ana, { title: 'Pending asset toolkit' });
    expect(r).toMatchObject({ status: 'pending', type: 'link', threadId: null, saveCount: 0 });
    expect(r.submittedBy.id).toBe(ana.id);

    expect((await ben.c.get(`/api/resources/${r.id}`)).status).toBe(404);
    const benSearch = await ben.c.get('/api/resources?q=pending');
    expect(benSearch.body.resources).toEqual([]);
    expect((await ana.c.get(`/api/resources/${r.id}`)).status).toBe(200);
    const mine = await ana.c.get('/api/resources?scope=mine');
    expect(mine.body.resources.map((x: { id: string }) => x.id)).toContain(r.id);

    expect((await ben.c.get('/api/resources?scope=review')).status).toBe(403);
    const queue = await mod.c.get('/api/resources?scope=review');
    expect(queue.status).toBe(200);
    expect(queue.body.resources.map((x: { id: string }) => x.id)).toContain(r.id);

    for (const who of [ana, ben]) {
      const denied = await who.c.post(`/api/resources/${r.id}/review`, { decision: 'approve' });
      expect(denied.status).toBe(403);
    }

    const approved = await approve(r.id);
    expect(approved.status).toBe('approved');
    expect(approved.approvedAt).not.toBeNull();
    expect(approved.threadId).toMatch(/^[0-9a-f]{24}$/);
    const thread = await ben.c.get(`/api/threads/${approved.threadId}`);
    expect(thread.status).toBe(200);
    expect(thread.body.thread.title).toBe('Pending asset toolkit');
    expect(thread.body.thread.author.id).toBe(ana.id);

    expect((await ben.c.get(`/api/resources/${r.id}`)).status).toBe(200);
    expect((await mod.c.post(`/api/resources/${r.id}/review`, { decision: 'approve' })).status).toBe(409);
  });

  it('shows a rejection and its note to the submitter only', async () => {
    const r = await submit(ana, { title: 'Off-topic flyer' });
    const res = await mod.c.post(`/api/resources/${r.id}/review`, { decision: 'reject', note: 'Not a tool.' });
    expect(res.body.resource).toMatchObject({ status: 'rejected', reviewNote: 'Not a tool.', threadId: null });
    expect((await ana.c.get(`/api/resources/${r.id}`)).body.resource.reviewNote).toBe('Not a tool.');
    expect((await ben.c.get(`/api/resources/${r.id}`)).status).toBe(404);
  });

  it('rejects invalid submissions with field errors', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: undefined }, 'url'],
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ topics: ['astrology'] }, 'topics.0'],
      [{ topics: [] }, 'topics'],
      [{ language: 'klingon' }, 'language'],
      [{ title: 'x' }, 'title'],
      [{ title: { $gt: '' } }, 'title'],
      [{ fileId: MISSING_ID }, 'fileId'],
    ];
    for (const [over, field] of cases) {
      const res = await ana.c.post('/api/resources', resourceBody(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(Object.keys(res.body.error.details.fieldErrors)).toContain(field);
    }
    const extra = await ana.c.post('/api/resources', { ...resourceBody(), status: 'approved' });
    expect(extra.status).toBe(400);
    expect((await p.client().post('/api/resources', resourceBody())).status).toBe(401);
    expect((await ana.c.get(`/api/resources/${MISSING_ID}`)).status).toBe(404);
  });
});

describe('uploads', () => {
  it('accepts a PDF or an image, checked by content, and serves it back', async () => {
    const pdf = await sendFile(ana.c, '/api/uploads', { data: PDF, name: 'Toolkit ✓.pdf', type: 'application/pdf' });
    expect(pdf.status).toBe(201);
    expect(pdf.body.upload).toMatchObject({ kind: 'pdf', mime: 'application/pdf', size: PDF.length });
    const png = await sendFile(ana.c, '/api/uploads', { data: PNG, name: 'map.txt', type: 'text/plain' });
    expect(png.body.upload).toMatchObject({ kind: 'image', mime: 'image/png' });

    const served = await fetch(p.url + pdf.body.upload.url, { headers: { cookie: ana.c.cookieHeader() } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await served.arrayBuffer()).equals(PDF)).toBe(true);
    // A visitor of the public face opens published files only: this one is in nothing yet.
    expect((await fetch(p.url + pdf.body.upload.url)).status).toBe(404);

    const r = await submit(ana, { url: undefined, fileId: pdf.body.upload.id, title: 'Governance charter PDF' });
    expect(r).toMatchObject({ type: 'pdf', url: null });
    expect(r.file).toMatchObject({ id: pdf.body.upload.id, mime: 'application/pdf' });
    // Until the resource is approved, only its submitter and moderators can read the file.
    const asBen = () => fetch(p.url + pdf.body.upload.url, { headers: { cookie: ben.c.cookieHeader() } });
    expect((await asBen()).status).toBe(404);
    expect((await fetch(p.url + pdf.body.upload.url, { headers: { cookie: mod.c.cookieHeader() } })).status).toBe(200);
    expect((await fetch(p.url + pdf.body.upload.url)).status).toBe(404);
    await approve(r.id);
    expect((await asBen()).status).toBe(200);
    expect((await fetch(p.url + pdf.body.upload.url)).status).toBe(200);
    // Someone else's upload cannot be attached.
    const stolen = await ben.c.post('/api/resources', resourceBody({ fileId: png.body.upload.id }));
    expect(stolen.status).toBe(400);
  });

  it('refuses other content whatever its name or declared type, and files over 20 MB', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const fake = await sendFile(ana.c, '/api/uploads', { data: html, name: 'tool.pdf', type: 'application/pdf' });
    expect(fake.status).toBe(415);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect((await sendFile(ana.c, '/api/uploads', { data: svg, name: 'a.svg', type: 'image/svg+xml' })).status).toBe(
      415,
    );
    const huge = Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]);
    const tooBig = await sendFile(ana.c, '/api/uploads', { data: huge, name: 'big.pdf', type: 'application/pdf' });
    expect(tooBig.status).toBe(413);
    const none = await sendFile(ana.c, '/api/uploads', null);
    expect(none.status).toBe(400);
  });

  it('applies the largest upload an administrator sets (site limit), at once', async () => {
    const file = { data: Buffer.concat([PDF, Buffer.alloc(1024 * 1024)]), name: 'mid.pdf', type: 'application/pdf' };
    expect((await admin.c.patch('/api/admin/site-settings', { limits: { libraryUploadMb: 1 } })).status).toBe(200);
    try {
      const refused = await sendFile(ana.c, '/api/uploads', file);
      expect(refused.status).toBe(413);
    } finally {
      await admin.c.patch('/api/admin/site-settings', { limits: { libraryUploadMb: 20 } });
    }
    expect((await sendFile(ana.c, '/api/uploads', file)).status).toBe(201);
  });

  it('keeps the CSRF check: multipart only on upload routes, and only from our origin', async () => {
    const file = { data: PDF, name: 'a.pdf', type: 'application/pdf' };
    const cross = await sendFile(ana.c, '/api/uploads', file, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    expect(cross.body.error.code).toBe('forbidden_origin');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PDF)]), 'a.pdf');
    const noOrigin = await fetch(`${p.url}/api/uploads`, {
      method: 'POST',
      headers: { cookie: ana.c.cookieHeader() },
      body: form,
    });
    expect(noOrigin.status).toBe(403);
    const elsewhere = await sendFile(ana.c, '/api/resources', file);
    expect(elsewhere.status).toBe(415);
    expect((await sendFile(p.client(), '/api/uploads', file)).status).toBe(401);
  });
});

describe('searching the library', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const made = await Promise.all([
      submit(ana, {
        title: 'Racial equity impact assessment',
        summary: 'Questions a coalition asks before a decision.',
        topics: ['equity-tools'],
        audiences: ['coalition_leaders'],
        language: 'en',
      }),
      submit(ben, {
        title: 'Herramienta de equidad para padres',
        summary: 'Guía de conversación sobre equidad con familias.',
        topics: ['equity-tools', 'early-childhood'],
        audiences: ['parents'],
        language: 'es',
      }),
      submit(ben, {
        title: 'Trauma-informed meeting practices',
        summary: 'Running coalition meetings that feel safe.',
        topics: ['trauma-informed-practice'],
        audiences: ['providers', 'coalition_leaders'],
        language: 'en',
      }),
    ]);
    for (const r of made) await approve(r.id);
    ids = { equity: made[0].id, equidad: made[1].id, trauma: made[2].id };
  });

  it('finds approved resources by words, accents folded, the last word as a prefix', async () => {
    const res = await ben.c.get('/api/resources?q=equity%20assess');
    expect(res.status).toBe(200);
    expect(res.body.resources.map((r: { id: string }) => r.id)).toEqual([ids.equity]);
    const es = await ana.c.get(`/api/resources?q=${encodeURIComponent('guia equid')}`);
    expect(es.body.resources.map((r: { id: string }) => r.id)).toEqual([ids.equidad]);
    const meetings = await ana.c.get('/api/resources?q=meeting');
    expect(meetings.body.resources.map((r: { id: string }) => r.id)).toEqual([ids.trauma]);
  });

  it('filters by facets and counts each facet under the other filters', async () => {
    const res = await ana.c.get('/api/resources?topic=equity-tools');
    expect(res.body.resources.map((r: { id: string }) => r.id).sort()).toEqual([ids.equity, ids.equidad].sort());
    const count = (facet: string, value: string) =>
      res.body.facets[facet].find((f: { value: string }) => f.value === value).count;
    // Topic counts ignore the topic filter itself; the others apply it.
    expect(count('topic', 'trauma-informed-practice')).toBe(1);
    expect(count('language', 'es')).toBe(1);
    expect(count('language', 'en')).toBeGreaterThanOrEqual(1);
    expect(count('type', 'link')).toBe(res.body.total);

    const both = await ana.c.get('/api/resources?topic=equity-tools&language=es&audience=parents,providers');
    expect(both.body.resources.map((r: { id: string }) => r.id)).toEqual([ids.equidad]);
    const pdfs = await ana.c.get('/api/resources?type=pdf');
    expect(pdfs.body.resources.map((r: { type: string }) => r.type)).toEqual(['pdf']);
    expect((await ana.c.get('/api/resources?topic=astrology')).status).toBe(400);
    expect((await ana.c.get('/api/resources?sort=random')).status).toBe(400);
  });

  it('saves to my library and marks useful once per member, and sorts by both', async () => {
    const saved = await ana.c.request('PUT', `/api/resources/${ids.trauma}/save`);
    expect(saved.body.resource).toMatchObject({ saved: true, saveCount: 1 });
    const again = await ana.c.request('PUT', `/api/resources/${ids.trauma}/save`);
    expect(again.body.resource.saveCount).toBe(1);
    await ben.c.request('PUT', `/api/resources/${ids.trauma}/save`);
    await ben.c.request('PUT', `/api/resources/${ids.equidad}/useful`);
    const useful = await ana.c.request('PUT', `/api/resources/${ids.equidad}/useful`);
    expect(useful.body.resource).toMatchObject({ markedUseful: true, usefulCount: 2, saved: false });

    const mine = await ana.c.get('/api/resources?scope=saved');
    expect(mine.body.resources.map((r: { id: string }) => r.id)).toEqual([ids.trauma]);
    const bySaved = await ana.c.get('/api/resources?sort=saved&limit=1');
    expect(bySaved.body.resources[0].id).toBe(ids.trauma);
    expect(bySaved.body.nextCursor).not.toBeNull();
    const next = await ana.c.get(`/api/resources?sort=saved&limit=1&cursor=${bySaved.body.nextCursor}`);
    expect(next.body.resources[0].id).not.toBe(ids.trauma);
    const byUseful = await ana.c.get('/api/resources?sort=useful');
    expect(byUseful.body.resources[0].id).toBe(ids.equidad);

    const removed = await ana.c.delete(`/api/resources/${ids.trauma}/save`);
    expect(removed.body.resource).toMatchObject({ saved: false, saveCount: 1 });
    expect((await ana.c.get('/api/resources?scope=saved')).body.resources).toEqual([]);

    const pending = await submit(ana, { title: 'Not yet reviewed' });
    expect((await ana.c.request('PUT', `/api/resources/${pending.id}/save`)).status).toBe(409);
  });

  it('lets administrators feature approved resources for the home page', async () => {
    expect((await mod.c.patch(`/api/resources/${ids.equity}/featured`, { featured: true })).status).toBe(403);
    const res = await admin.c.patch(`/api/resources/${ids.equity}/featured`, { featured: true });
    expect(res.body.resource.featured).toBe(true);
    const home = await ben.c.get('/api/hub/home');
    expect(home.body.featured.map((r: { id: string }) => r.id)).toEqual([ids.equity]);
  });
});

describe('CSV import', () => {
  const header = 'title,summary,url,topics,audiences,language,organisation';
  const csv = (...rows: string[]) => Buffer.from([header, ...rows].join('\n'));
  const send = (who: Someone, data: Buffer) =>
    sendFile(who.c, '/api/resources/import', { data, name: 'r.csv', type: 'text/csv' });

  it('is for administrators', async () => {
    const res = await send(mod, csv('"A title",Summary,https://example.org/a,health,parents,en,'));
    expect(res.status).toBe(403);
  });

  it('validates every row first and imports nothing when any row is wrong', async () => {
    const before = await ResourceModel.countDocuments();
    const res = await send(
      admin,
      csv(
        '"Good one","Fine, with a comma",https://example.org/good,health;education,parents,en,Smart Start',
        'x,Summary,https://example.org/x,health,parents,en,',
        '"Bad topic",Summary,https://example.org/b,astrology,parents,en,',
        '"Same link","Again",https://example.org/good,health,parents,en,',
      ),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.rows).toEqual([
      { row: 3, fieldErrors: { title: [expect.any(String)] } },
      { row: 4, fieldErrors: { topics: [expect.any(String)] } },
      { row: 5, fieldErrors: { url: ['same link as row 2'] } },
    ]);
    expect(await ResourceModel.countDocuments()).toBe(before);

    const badHeader = await send(admin, Buffer.from('name,url\nA,https://example.org'));
    expect(badHeader.status).toBe(400);
  });

  it('imports all rows as approved, searchable resources', async () => {
    const res = await send(
      admin,
      csv(
        '"Family resource map","Where families find help, by county",https://example.org/map,health|early-childhood,parents;providers,en,Smart Start',
        '"Guía de sostenibilidad","Cómo financiar una coalición",https://example.org/sostenible,sustainability,coalition_leaders,es,',
      ),
    );
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(2);
    const found = await ben.c.get('/api/resources?q=county');
    expect(found.body.resources).toHaveLength(1);
    expect(found.body.resources[0]).toMatchObject({ status: 'approved', topics: ['health', 'early-childhood'] });
    // The discussion thread opens on first view.
    const detail = await ben.c.get(`/api/resources/${found.body.resources[0].id}`);
    expect(detail.body.resource.threadId).toMatch(/^[0-9a-f]{24}$/);

    const dup = await send(admin, csv('"Family resource map","Again",https://example.org/map,health,parents,en,'));
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.rows[0].fieldErrors.url).toEqual(['already in the library']);
  });

  it('rolls the whole batch back when an insert fails part-way', async () => {
    const rows = Array.from(
      { length: 250 },
      (_, i) => `"Rollback tool ${i}","Summary ${i}",https://example.org/rollback/${i},health,parents,en,`,
    );
    const real = ResourceModel.insertMany.bind(ResourceModel);
    let calls = 0;
    const spy = vi.spyOn(ResourceModel, 'insertMany').mockImplementation(((docs: unknown, opts: unknown) => {
      calls += 1;
      if (calls === 2) return Promise.reject(new Error('disk full'));
      return (real as (d: unknown, o: unknown) => Promise<unknown>)(docs, opts);
    }) as never);
    try {
      const res = await send(admin, csv(...rows));
      expect(res.status).toBe(503);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(2);
    expect(await ResourceModel.countDocuments({ title: /^Rollback tool/ })).toBe(0);
  });
});
