import type { MailFailure } from '@commons/shared';
import { MailDeliveryModel } from '@commons/server/mail/delivery.model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';

/**
 * Permanent (and temporary) mail failures are recorded and listed to administrators. The SMTP
 * sink is real and refuses some recipients at RCPT TO, as a receiving server does.
 */
let p: TestPlatform;
let admin: Someone;
let moderator: Someone;
let member: Someone;
let dead: Someone;
let busy: Someone;

beforeAll(async () => {
  p = await startTestPlatform('mail_failures', {
    env: { NOTIFY_EMAIL_WINDOW_MS: '300' },
    refuseRecipient: (address) =>
      address.startsWith('dead.letter.')
        ? { code: 550, message: '5.1.1 mailbox unavailable' }
        : address.startsWith('busy.box.')
          ? { code: 451, message: '4.3.2 try again later' }
          : null,
  });
  [admin, moderator, member] = await Promise.all([
    signUp(p, 'Ada Admin', 'admin'),
    signUp(p, 'Mo Moderator', 'moderator'),
    signUp(p, 'Mina Member'),
  ]);
  // Each sign-up queues a welcome mail; these two addresses are refused (for good, and for now).
  dead = await signUp(p, 'Dead Letter');
  busy = await signUp(p, 'Busy Box');
});
afterAll(async () => {
  await p?.close();
});

async function failures(): Promise<MailFailure[]> {
  const res = await admin.c.get('/api/admin/mail-failures');
  expect(res.status).toBe(200);
  return res.body.failures;
}

describe('mail failures', () => {
  it('records a 5xx refusal of an account mail as permanent, with its member', async () => {
    const row = await eventually(async () =>
      (await failures()).find((f) => f.to === dead.email && f.kind === 'welcome'),
    );
    expect(row).toMatchObject({
      member: { id: dead.id, displayName: 'Dead Letter' },
      permanent: true,
      attempts: 1,
    });
    expect(row.error).toMatch(/mailbox unavailable/);
    expect(Number.isNaN(Date.parse(row.failedAt))).toBe(false);
  });

  it('records a 4xx refusal as a temporary failure (the job retries it)', async () => {
    const row = await eventually(async () =>
      (await failures()).find((f) => f.to === busy.email && f.kind === 'welcome'),
    );
    expect(row).toMatchObject({ member: { id: busy.id }, permanent: false });
    expect(row.error).toMatch(/try again later/);
  });

  it('records a refused notification mail with the member it was for', async () => {
    await resetPostingBudgets(p);
    const cat = await categoryId(member.c, 'introductions');
    const { thread } = await newThread(member, cat, 'Who runs the spring fair?');
    // A mention is mailed at once by default (after the short batching window).
    await reply(member, thread.id, 'I think @dead-letter knows the organisers.');
    const row = await eventually(async () =>
      (await failures()).find((f) => f.to === dead.email && f.kind === 'notification'),
    );
    expect(row).toMatchObject({ member: { id: dead.id }, permanent: true });
    expect((await dead.c.get('/api/members/me/preferences')).body.emailBounced).toBe(true);
    // Nothing reached the sink for the refused addresses.
    expect(p.sink.mails().filter((m) => m.envelope.to.includes(dead.email))).toEqual([]);
  });

  it('lists newest first, page by page with a cursor', async () => {
    const base = Date.now() - 3_600_000;
    await MailDeliveryModel.insertMany(
      Array.from({ length: 60 }, (_, i) => ({
        key: `paging-${i}`,
        kind: 'digest',
        to: `gone${i}@example.org`,
        status: 'failed',
        permanent: i % 2 === 0,
        error: 'refused',
        attempts: 1,
        createdAt: new Date(base + i * 1000),
        updatedAt: new Date(base + i * 1000),
      })),
      { timestamps: false },
    );
    const first = await admin.c.get('/api/admin/mail-failures');
    expect(first.status).toBe(200);
    expect(first.body.failures).toHaveLength(50);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin.c.get(`/api/admin/mail-failures?cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.status).toBe(200);
    const all: MailFailure[] = [...first.body.failures, ...second.body.failures];
    expect(second.body.nextCursor).toBeNull();
    expect(new Set(all.map((f) => f.id)).size).toBe(all.length);
    expect(all.filter((f) => f.to.startsWith('gone'))).toHaveLength(60);
    const times = all.map((f) => Date.parse(f.failedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Unknown addresses have no member; sent mails are never listed.
    expect(all.find((f) => f.to === 'gone59@example.org')).toMatchObject({ member: null, permanent: false });
    expect(all.some((f) => f.to === admin.email)).toBe(false);
  });

  it('refuses a malformed cursor', async () => {
    const res = await admin.c.get('/api/admin/mail-failures?cursor=not-a-cursor');
    expect(res.status).toBe(400);
    expect((await admin.c.get('/api/admin/mail-failures?cursor=a&x=1')).status).toBe(400);
  });

  it('is for administrators only', async () => {
    expect((await p.client().get('/api/admin/mail-failures')).status).toBe(401);
    const asMember = await member.c.get('/api/admin/mail-failures');
    expect(asMember.status).toBe(403);
    expect(asMember.body.error.code).toBe('forbidden');
    expect((await moderator.c.get('/api/admin/mail-failures')).status).toBe(403);
    expect((await dead.c.get('/api/admin/mail-failures')).status).toBe(403);
    expect((await admin.c.get('/api/admin/mail-failures')).status).toBe(200);
  });
});
