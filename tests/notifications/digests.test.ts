import { defaultNotificationPreferences } from '@commons/shared';
import { DigestMarkerModel } from '@commons/server/notifications/model';
import { digestPeriod } from '@commons/server/notifications/digest';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { MemberModel } from '@commons/server/members/model';
import type { TestMail } from '../support/mail.js';
import { startDigestsWorker } from '@commons/workers/digests.worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';

let p: TestPlatform;
let intro: string;
let equity: string;
let author: Someone;
const extraWorkers: { close(): Promise<void> }[] = [];

// A fixed evening in UTC: every member below (time zone UTC, send hour 8) is due for that day.
const today = new Date().toISOString().slice(0, 10);
const at = new Date(`${today}T23:30:00Z`);

const isDigest = (m: TestMail) => /digest/i.test(m.subject);
const digestsTo = (who: Someone) => p.sink.mails().filter((m) => m.envelope.to.includes(who.email) && isDigest(m));

async function member(name: string): Promise<Someone> {
  const who = await signUp(p, name);
  await MemberModel.updateOne({ _id: who.id }, { $set: { timeZone: 'UTC', lastSeenAt: null } });
  return who;
}

/** Waits until the fan-out of everything posted so far has run (notifications exist). */
async function settleFanout(): Promise<void> {
  await eventually(
    async () => (await p.runtime.queues.notifications.getJobCounts('waiting', 'active', 'delayed')).waiting === 0,
  );
  await eventually(async () => (await p.runtime.queues.notifications.getJobCounts('active')).active === 0);
}

beforeAll(async () => {
  p = await startTestPlatform('digests');
  author = await signUp(p, 'Ada Poster');
  intro = await categoryId(author.c, 'introductions');
  equity = await categoryId(author.c, 'equity-tools');
});
afterAll(async () => {
  for (const w of extraWorkers) await w.close();
  await p?.close();
});

describe('digest periods', () => {
  it('computes the period in the member’s time zone and when its send hour has come', () => {
    const t = new Date('2026-03-02T13:30:00Z'); // a Monday; 08:30 in New York
    expect(digestPeriod(t, 'America/New_York', 'daily', 8)).toEqual({ key: 'd-2026-03-02', due: true });
    expect(digestPeriod(t, 'America/New_York', 'daily', 9)).toEqual({ key: 'd-2026-03-02', due: false });
    expect(digestPeriod(t, 'Asia/Tokyo', 'daily', 8)).toEqual({ key: 'd-2026-03-02', due: true });
    expect(digestPeriod(t, 'America/New_York', 'weekly', 9)).toEqual({ key: 'w-2026-03-02', due: false });
    expect(digestPeriod(new Date('2026-03-04T01:00:00Z'), 'UTC', 'weekly', 9)).toEqual({
      key: 'w-2026-03-02',
      due: true,
    });
  });
});

describe('digest content', () => {
  let dora: Someone;
  let mail: TestMail;

  it('holds unread replies and active threads of followed categories, never deleted posts', async () => {
    await resetPostingBudgets(p);
    dora = await member('Dora Digest');
    await put(dora.c, `/api/categories/${equity}/subscription`, { level: 'watching' });
    const mine = await newThread(dora, intro, 'Dora asks about budgets');
    await reply(author, mine.thread.id, 'Here is how we plan our budget.', { parentId: mine.post.id });
    const gone = await newThread(dora, intro, 'Dora thread with a removed answer');
    const removed = await reply(author, gone.thread.id, 'An answer that will be deleted.', { parentId: gone.post.id });
    const active = await newThread(author, equity, 'Equity toolkit review');
    await reply(author, active.thread.id, 'Second post in the toolkit thread.');
    await settleFanout();
    expect((await author.c.delete(`/api/posts/${removed.id}`)).status).toBeLessThan(300);
    await MemberModel.updateOne({ _id: dora.id }, { $set: { lastSeenAt: null } });

    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(at);
    mail = await p.sink.waitFor((m) => m.envelope.to.includes(dora.email) && isDigest(m), 15_000);
    expect(mail.subject).toBe('Your daily digest from Commons');
    expect(mail.text).toContain('Dora asks about budgets');
    expect(mail.text).toContain('Equity toolkit review');
    expect(mail.text).toContain(`${p.url}/forums/t/${mine.thread.id}`);
    expect(mail.text).not.toContain('Dora thread with a removed answer');
    expect(mail.html).toContain(`href="${p.url}/forums/t/${active.thread.id}`);
    expect(mail.html).not.toContain('removed answer');
  });

  it('carries one-click unsubscribe headers and a signed link', async () => {
    // Raw header lines (mailparser folds List-* headers into a structured `list` value).
    const raw = (name: string) =>
      mail.headerLines
        .find((h) => h.key === name)
        ?.line.replace(/^[^:]+:\s*/, '')
        .replace(/\r?\n\s+/g, '') ?? '';
    const header = raw('list-unsubscribe');
    expect(header).toMatch(
      new RegExp(`^<${p.url}/api/notifications/unsubscribe/one-click\\?token=[0-9a-f]{24}\\.[A-Za-z0-9_-]+>$`),
    );
    expect(raw('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = /\/unsubscribe\?token=([^\s]+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeTruthy();
    const token = decodeURIComponent(link!);

    const anon = p.client();
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect((await anon.post('/api/notifications/unsubscribe', { token: tampered })).status).toBe(400);
    const res = await anon.post('/api/notifications/unsubscribe', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ digest: 'off' });
    const prefs = (await dora.c.get('/api/members/me/preferences')).body.preferences;
    expect(prefs.digest.frequency).toBe('off');
    expect(prefs.kinds).toEqual(defaultNotificationPreferences.kinds);
    // Nobody else's setting moved.
    expect((await author.c.get('/api/members/me/preferences')).body.preferences.digest.frequency).toBe('daily');

    // RFC 8058: a form POST from the mail provider, no session, no Origin.
    await put(dora.c, '/api/members/me/preferences', { ...prefs, digest: { frequency: 'daily', hour: 8 } });
    const url = header.slice(1, -1);
    const oneClick = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await dora.c.get('/api/members/me/preferences')).body.preferences.digest.frequency).toBe('off');
  });

  it('is skipped when empty or when the member was seen since, and never sent twice for a period', async () => {
    await resetPostingBudgets(p);
    const fay = await member('Fay Nothing');
    const gus = await member('Gus Seen');
    const gt = await newThread(gus, intro, 'Gus thread');
    await reply(author, gt.thread.id, 'A reply Gus already saw.', { parentId: gt.post.id });
    await settleFanout();
    await MemberModel.updateOne({ _id: gus.id }, { $set: { lastSeenAt: new Date(at.getTime() - 3600_000) } });

    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(at);
    await eventually(async () => {
      const rows = await DigestMarkerModel.find({ memberId: { $in: [fay.id, gus.id] } }).lean();
      return rows.length === 2 && rows.every((r) => r.status === 'skipped') ? rows : undefined;
    });
    const reasons = Object.fromEntries(
      (await DigestMarkerModel.find({ memberId: { $in: [fay.id, gus.id] } }).lean()).map((r) => [
        r.memberId.toHexString(),
        r.reason,
      ]),
    );
    expect(reasons).toEqual({ [fay.id]: 'empty', [gus.id]: 'seen' });
    expect(digestsTo(fay)).toHaveLength(0);
    expect(digestsTo(gus)).toHaveLength(0);
    // The same period again: nothing new is enqueued for anyone who already has a marker.
    const again = await digests.enqueueDue(at);
    expect(again.jobIds.filter((id) => id.includes(fay.id) || id.includes(gus.id) || id.includes(dora.id))).toEqual([]);
  });
});

describe('exactly once', () => {
  it('two workers and two schedulers at once: every member gets exactly one digest', async () => {
    await resetPostingBudgets(p);
    const cast: Someone[] = [];
    for (const name of ['Hal One', 'Ivy Two', 'Jon Three', 'Kim Four', 'Lou Five']) cast.push(await member(name));
    for (const who of cast) await put(who.c, `/api/categories/${equity}/subscription`, { level: 'watching' });
    await newThread(author, equity, 'Something for everyone this week');
    await settleFanout();

    const a = createNotificationWorkerServices(p.runtime);
    const b = createNotificationWorkerServices(p.runtime);
    extraWorkers.push(startDigestsWorker(p.runtime, b.digests, { concurrency: 4 }));
    await Promise.all([a.digests.enqueueDue(at), b.digests.enqueueDue(at), a.digests.enqueueDue(at)]);
    await eventually(async () => cast.every((who) => digestsTo(who).length >= 1) || undefined, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    for (const who of cast) expect(digestsTo(who)).toHaveLength(1);
  });

  it('a second send of a claimed period does nothing, whoever runs it', async () => {
    await resetPostingBudgets(p);
    const mo = await member('Mo Direct');
    await put(mo.c, `/api/categories/${equity}/subscription`, { level: 'watching' });
    await newThread(author, equity, 'A thread for Mo');
    const { digests } = createNotificationWorkerServices(p.runtime);
    const job = {
      kind: 'digest' as const,
      memberId: mo.id,
      periodKey: 'd-2099-01-01',
      frequency: 'daily' as const,
      at: at.toISOString(),
    };
    const outcomes = await Promise.all([
      digests.send(job, 'owner-a'),
      digests.send(job, 'owner-b'),
      digests.send(job, 'owner-c'),
    ]);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(2);
    expect(await digests.send(job, 'owner-a')).toBe('duplicate');
    await new Promise((r) => setTimeout(r, 500));
    expect(digestsTo(mo)).toHaveLength(1);
  });
});
