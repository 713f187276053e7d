import { trusted } from 'mongoose';
import { defaultNotificationPreferences } from '@commons/shared';
import { DigestMarkerModel } from '@commons/server/notifications/model';
import { createPendingDigests } from '@commons/server/notifications/digest-pending';
import { digestPeriod } from '@commons/server/notifications/digest';
import { readRecipients } from '@commons/server/notifications/digest-schedule';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { MemberModel } from '@commons/server/members/model';
import type { TestMail } from '../support/mail.js';
import { startDigestsWorker } from '@commons/workers/digests.worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';
import { digestEvening } from '../support/digest-time.js';

let p: TestPlatform;
let intro: string;
let equity: string;
let author: Someone;
const extraWorkers: { close(): Promise<void> }[] = [];

// A fixed evening in UTC: every member below (time zone UTC, send hour 8) is due for that day.
const at = digestEvening;

const isDigest = (m: TestMail) => /digest/i.test(m.subject);
const digestsTo = (who: Someone) => p.sink.mails().filter((m) => m.envelope.to.includes(who.email) && isDigest(m));

/** This file signs up more members than one address may in an hour: a fresh allowance. */
async function resetSignUpLimit(): Promise<void> {
  const keys = await p.runtime.redis.keys(`${p.runtime.config.REDIS_PREFIX}:rl:register*`);
  if (keys.length) await p.runtime.redis.del(...keys);
}

async function member(name: string): Promise<Someone> {
  const who = await signUp(p, name);
  await MemberModel.updateOne({ _id: who.id }, { $set: { timeZone: 'UTC', lastSeenAt: null } });
  return who;
}

/** Waits until screening and the fan-out of everything posted so far have run (entries exist). */
async function settleFanout(): Promise<void> {
  const idle = (q: { getJobCounts(...types: string[]): Promise<Record<string, number>> }) =>
    eventually(async () => {
      const c = await q.getJobCounts('waiting', 'active', 'prioritized');
      return c.waiting === 0 && c.active === 0 && c.prioritized === 0;
    });
  await idle(p.runtime.queues.moderation);
  await idle(p.runtime.queues.notifications);
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
    const eli = await member('Eli Active');
    await put(eli.c, `/api/categories/${equity}/subscription`, { level: 'watching' });
    await put(eli.c, '/api/members/me/preferences', {
      kinds: { thread_post: 'in_app' },
      digest: { frequency: 'daily', hour: 8 },
    });
    const mine = await newThread(dora, intro, 'Dora asks about budgets');
    await reply(author, mine.thread.id, 'Here is how we plan our budget.', { parentId: mine.post.id });
    const gone = await newThread(dora, intro, 'Dora thread with a removed answer');
    const removed = await reply(author, gone.thread.id, 'An answer that will be deleted.', { parentId: gone.post.id });
    const active = await newThread(author, equity, 'Equity toolkit review');
    const second = await reply(author, active.thread.id, 'Second post in the toolkit thread.');
    // The newest post of the active thread goes before the digest: the excerpt is the newest left.
    const withdrawn = await reply(author, active.thread.id, 'Withdrawn words nobody may read.');
    await settleFanout();
    expect((await author.c.delete(`/api/posts/${removed.id}`)).status).toBeLessThan(300);
    expect((await author.c.delete(`/api/posts/${withdrawn.id}`)).status).toBeLessThan(300);
    await MemberModel.updateMany({ _id: trusted({ $in: [dora.id, eli.id] }) }, { $set: { lastSeenAt: null } });

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
    // The active thread quotes its newest post Dora may read, and links to it.
    expect(mail.text).not.toContain('Withdrawn words');
    // Eli keeps watched threads in the app: the digest lists the thread as active, quoting its
    // newest post he may read (not the deleted one), and links to that post.
    const eliMail = await p.sink.waitFor((m) => m.envelope.to.includes(eli.email) && isDigest(m), 15_000);
    const activeSection = eliMail.text!.slice(eliMail.text!.indexOf('Active discussions'));
    expect(activeSection).toContain('Equity toolkit review');
    expect(activeSection).toContain('“Second post in the toolkit thread.”');
    expect(eliMail.html).toContain(`href="${p.url}/forums/t/${active.thread.id}#post-${second.seq}"`);
    expect(eliMail.text).not.toContain('Withdrawn words');
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

  it('is skipped when empty or when the member saw everything since, and never sent twice for a period', async () => {
    await resetPostingBudgets(p);
    const fay = await member('Fay Nothing');
    const gus = await member('Gus Seen');
    const gt = await newThread(gus, intro, 'Gus thread');
    await reply(author, gt.thread.id, 'A reply Gus already saw.', { parentId: gt.post.id });
    await settleFanout();
    // Gus came back after the reply, before the digest's evening.
    await MemberModel.updateOne({ _id: gus.id }, { $set: { lastSeenAt: new Date() } });

    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(at);
    await eventually(async () => {
      const rows = await DigestMarkerModel.find({ memberId: trusted({ $in: [fay.id, gus.id] }) }).lean();
      return rows.length === 2 && rows.every((r) => r.status === 'skipped') ? rows : undefined;
    });
    const reasons = Object.fromEntries(
      (await DigestMarkerModel.find({ memberId: trusted({ $in: [fay.id, gus.id] }) }).lean()).map((r) => [
        r.memberId.toHexString(),
        r.reason,
      ]),
    );
    expect(reasons).toEqual({ [fay.id]: 'empty', [gus.id]: 'empty' });
    expect(digestsTo(fay)).toHaveLength(0);
    expect(digestsTo(gus)).toHaveLength(0);
    // The same period again: nothing new is enqueued for anyone who already has a marker.
    const again = await digests.enqueueDue(at);
    expect(again.jobIds.filter((id) => id.includes(fay.id) || id.includes(gus.id) || id.includes(dora.id))).toEqual([]);
  });
});

const DAY = 86_400_000;
const dayKey = (d: Date) => `d-${d.toISOString().slice(0, 10)}`;

/** The member's marker of a period once it is final. */
async function finalMarker(who: Someone, period: string) {
  return eventually(async () => {
    const row = await DigestMarkerModel.findOne({ memberId: who.id, period }).lean();
    return row && row.status !== 'claimed' ? row : undefined;
  }, 20_000);
}

describe('the window: what the member has not seen', () => {
  beforeAll(resetSignUpLimit);
  it('a reply after a visit is in the next digest, and nothing is in two digests', async () => {
    await resetPostingBudgets(p);
    const poster = await signUp(p, 'Pia Window');
    const vic = await member('Vic Window');
    const first = await newThread(vic, intro, 'Vic first question');
    await reply(poster, first.thread.id, 'An answer before the first digest.', { parentId: first.post.id });
    const second = await newThread(vic, intro, 'Vic second question');
    await settleFanout();
    await MemberModel.updateOne({ _id: vic.id }, { $set: { lastSeenAt: null } });
    const { digests } = createNotificationWorkerServices(p.runtime);

    // Day 1: the digest has the first answer.
    await digests.enqueueDue(at);
    const one = await eventually(async () => digestsTo(vic)[0]);
    expect(one.text).toContain('Vic first question');
    expect((await finalMarker(vic, dayKey(at))).status).toBe('sent');
    // Vic visits after that digest, then a reply comes, and Vic does not come back.
    await new Promise((r) => setTimeout(r, 50));
    await MemberModel.updateOne({ _id: vic.id }, { $set: { lastSeenAt: new Date() } });
    await new Promise((r) => setTimeout(r, 20));
    await reply(poster, second.thread.id, 'An answer after the visit.', { parentId: second.post.id });
    await settleFanout();

    // Day 2: the reply that came after the visit is there; what day 1 told is not.
    await digests.enqueueDue(new Date(at.getTime() + DAY));
    const two = await eventually(async () => digestsTo(vic)[1], 20_000);
    expect(two.text).toContain('Vic second question');
    expect(two.text).not.toContain('Vic first question');
    expect((await finalMarker(vic, dayKey(new Date(at.getTime() + DAY)))).status).toBe('sent');

    // Day 3: nothing new, so no digest: nothing is told twice.
    await digests.enqueueDue(new Date(at.getTime() + 2 * DAY));
    expect(await finalMarker(vic, dayKey(new Date(at.getTime() + 2 * DAY)))).toMatchObject({
      status: 'skipped',
      reason: 'empty',
    });
    expect(digestsTo(vic)).toHaveLength(2);
  });

  it('weekly digests cover the week since the last one', async () => {
    await resetPostingBudgets(p);
    const poster = await signUp(p, 'Wanda Weekly Poster');
    const wil = await member('Wil Weekly');
    const prefs = (await wil.c.get('/api/members/me/preferences')).body.preferences;
    await put(wil.c, '/api/members/me/preferences', { ...prefs, digest: { frequency: 'weekly', hour: 8 } });
    const first = await newThread(wil, intro, 'Wil question of week one');
    await reply(poster, first.thread.id, 'Week one answer.', { parentId: first.post.id });
    await settleFanout();
    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(at);
    const one = await eventually(async () => digestsTo(wil)[0]);
    expect(one.subject).toBe('Your weekly digest from Commons');
    expect(one.text).toContain('Wil question of week one');

    const second = await newThread(wil, intro, 'Wil question of week two');
    await reply(poster, second.thread.id, 'Week two answer.', { parentId: second.post.id });
    await settleFanout();
    const nextWeek = new Date(at.getTime() + 7 * DAY);
    expect(digestPeriod(nextWeek, 'UTC', 'weekly', 8).key).not.toBe(digestPeriod(at, 'UTC', 'weekly', 8).key);
    await digests.enqueueDue(nextWeek);
    const two = await eventually(async () => digestsTo(wil)[1], 20_000);
    expect(two.subject).toBe('Your weekly digest from Commons');
    expect(two.text).toContain('Wil question of week two');
    expect(two.text).not.toContain('Wil question of week one');
  });

  it('the long-absent member’s last digest holds the last 30 days, no older', async () => {
    await resetPostingBudgets(p);
    const poster = await signUp(p, 'Otto Old Poster');
    const zed = await member('Zed Away');
    const recent = await newThread(zed, intro, 'Zed recent question');
    await reply(poster, recent.thread.id, 'A recent answer.', { parentId: recent.post.id });
    const old = await newThread(poster, intro, 'Old news from last season');
    const oldReply = await reply(poster, old.thread.id, 'Old reply.', { parentId: old.post.id });
    await settleFanout();
    // As the fan-out would have left it 40 days ago: an entry older than the window.
    await createPendingDigests(p.runtime.redis, p.runtime.config.REDIS_PREFIX).append([
      {
        memberId: zed.id,
        entry: { k: 'reply', t: old.thread.id, p: oldReply.id, s: 2, a: poster.id, c: at.getTime() - 40 * DAY },
      },
    ]);
    await MemberModel.updateOne(
      { _id: zed.id },
      { $set: { lastSeenAt: new Date(at.getTime() - 200 * DAY), createdAt: new Date(at.getTime() - 400 * DAY) } },
    );
    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(at);
    const last = await eventually(async () => digestsTo(zed)[0]);
    expect(last.text).toContain('We have not seen you for 180 days, so this is your last digest for now.');
    expect(last.text).toContain('Zed recent question');
    expect(last.text).not.toContain('Old news from last season');
    expect(await finalMarker(zed, dayKey(at))).toMatchObject({ status: 'sent', reason: 'last_for_inactive' });
  });
});

describe('read rules when the digest is made', () => {
  beforeAll(resetSignUpLimit);
  it('leaves out what the member may no longer read: an archived category, a private coalition left', async () => {
    await resetPostingBudgets(p);
    const admin = await signUp(p, 'Ari Admin', 'admin');
    const cora = await signUp(p, 'Cora Circle');
    const poster = await signUp(p, 'Pat Rules');
    const kit = await member('Kit Reader');
    const archivedCategory = (await admin.c.post('/api/categories', { name: 'Soon archived circle' })).body.category
      .id as string;
    const coalition = (
      await cora.c.post('/api/coalitions', { name: 'Grove Digest Circle', joinPolicy: 'open', visibility: 'private' })
    ).body.coalition.id as string;
    expect((await kit.c.post(`/api/coalitions/${coalition}/membership`)).status).toBeLessThan(300);
    const circleCategory = (await cora.c.post('/api/categories', { name: 'Circle planning', coalitionId: coalition }))
      .body.category.id as string;
    for (const id of [archivedCategory, circleCategory, equity])
      await put(kit.c, `/api/categories/${id}/subscription`, { level: 'watching' });
    await newThread(poster, archivedCategory, 'Thread of an archived category');
    await newThread(cora, circleCategory, 'Circle members-only plans');
    // Another poster: two new threads in a row from a new member are held for review.
    await newThread(await signUp(p, 'Quin Open'), equity, 'Open thread Kit may read');
    await settleFanout();
    // After the fan-out told Kit: the category is archived and Kit leaves the coalition.
    expect((await admin.c.patch(`/api/categories/${archivedCategory}`, { archived: true })).status).toBe(200);
    expect((await kit.c.delete(`/api/coalitions/${coalition}/membership`)).status).toBeLessThan(300);
    await MemberModel.updateOne({ _id: kit.id }, { $set: { lastSeenAt: null } });

    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(new Date(at.getTime() + 3 * DAY));
    const mail = await eventually(async () => digestsTo(kit)[0], 20_000);
    expect(mail.text).toContain('Open thread Kit may read');
    expect(mail.text).not.toContain('Thread of an archived category');
    expect(mail.text).not.toContain('Circle members-only plans');
  });
});

describe('exactly once', () => {
  beforeAll(resetSignUpLimit);
  it('two workers and two schedulers at once: every member gets exactly one digest', async () => {
    await resetPostingBudgets(p);
    const cast: Someone[] = [];
    for (const name of ['Hal One', 'Ivy Two', 'Jon Three', 'Kim Four', 'Lou Five']) cast.push(await member(name));
    for (const who of cast) await put(who.c, `/api/categories/${equity}/subscription`, { level: 'watching' });
    // A fresh author: the file's main author has posted enough to be held as a burst.
    await newThread(await signUp(p, 'Ann Everyone'), equity, 'Something for everyone this week');
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
    await newThread(await signUp(p, 'Max Poster'), equity, 'A thread for Mo');
    await settleFanout();
    const { digests } = createNotificationWorkerServices(p.runtime);
    const job = {
      kind: 'digest_batch' as const,
      periodKey: 'd-2099-01-01',
      frequency: 'daily' as const,
      at: at.toISOString(),
      readAt: new Date().toISOString(),
      recipients: await readRecipients([mo.id]),
    };
    const outcomes = await Promise.all([
      digests.sendBatch(job, 'owner-a'),
      digests.sendBatch(job, 'owner-b'),
      digests.sendBatch(job, 'owner-c'),
    ]);
    expect(outcomes.map((o) => o.sent).reduce((a, b) => a + b)).toBe(1);
    expect(outcomes.map((o) => o.duplicate).reduce((a, b) => a + b)).toBe(2);
    const owners = ['owner-a', 'owner-b', 'owner-c'];
    const winner = owners[outcomes.findIndex((o) => o.sent === 1)]!;
    const loser = owners.find((o) => o !== winner)!;
    expect(await digests.sendBatch(job, loser)).toMatchObject({ sent: 0, duplicate: 1 });
    // A retry of the job that sent it finds it sent and sends nothing again.
    expect(await digests.sendBatch(job, winner)).toMatchObject({ sent: 1, duplicate: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(digestsTo(mo)).toHaveLength(1);
  });
});
