import { MemberModel } from '@commons/server/members/model';
import { DigestMarkerModel } from '@commons/server/notifications/model';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { resourceBody } from '../hub/support.js';
import { createLab } from '../labs/support.js';
import type { TestMail } from '../support/mail.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';
import { digestEvening } from '../support/digest-time.js';

let p: TestPlatform;
let host: Someone;
let mod: Someone;

const at = digestEvening;
const today = at.toISOString().slice(0, 10);
const isDigest = (m: TestMail) => /digest/i.test(m.subject);

async function member(name: string, lastSeenAt: Date | null = null): Promise<Someone> {
  const who = await signUp(p, name);
  await MemberModel.updateOne({ _id: who.id }, { $set: { timeZone: 'UTC', lastSeenAt } });
  return who;
}

async function settle(): Promise<void> {
  for (const q of [p.runtime.queues.notifications, p.runtime.queues.moderation])
    await eventually(async () => {
      const c = await q.getJobCounts('waiting', 'active');
      return c.waiting === 0 && c.active === 0;
    });
}

beforeAll(async () => {
  // Inactive after 30 days here, so a member last seen 40 days ago gets the last digest.
  p = await startTestPlatform('digest_hub', { env: { DIGEST_INACTIVE_DAYS: '30' } });
  host = await signUp(p, 'Hana Host');
  mod = await signUp(p, 'Mona Moderator', 'moderator');
});
afterAll(async () => {
  await p?.close();
});

describe('the hub in digests', () => {
  it('holds upcoming labs, new resources and my action items; never a hidden post', async () => {
    await resetPostingBudgets(p);
    const hal = await member('Hal Reader');
    const lab = await createLab(host, { title: 'Family resource fair planning' });
    const privateLab = await createLab(host, { title: 'Invite-only steering lab', visibility: 'invite' });
    // Action items go only to members who take part in the lab.
    expect((await put(hal.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' })).status).toBe(200);
    const action = await host.c.post(`/api/labs/${lab.id}/actions`, {
      title: 'Book the community room',
      ownerId: hal.id,
      dueDate: today,
    });
    expect(action.status).toBe(201);
    const submitted = await host.c.post('/api/resources', resourceBody({ title: 'Home visiting data guide' }));
    expect(
      (await mod.c.post(`/api/resources/${submitted.body.resource.id}/review`, { decision: 'approve' })).status,
    ).toBe(200);
    const intro = await categoryId(hal.c, 'introductions');
    const mine = await newThread(hal, intro, 'Hal asks about the fair');
    const rude = await reply(host, mine.thread.id, 'A reply that a report will hide.', { parentId: mine.post.id });
    expect((await mod.c.post(`/api/posts/${rude.id}/flags`, { reason: 'child_safety' })).status).toBe(201);
    await settle();
    await MemberModel.updateOne({ _id: hal.id }, { $set: { lastSeenAt: null } });

    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(at);
    const mail = await p.sink.waitFor((m) => m.envelope.to.includes(hal.email) && isDigest(m), 20_000);
    expect(mail.text).toContain('Upcoming Action Labs');
    expect(mail.text).toContain('Family resource fair planning');
    expect(mail.html).toContain(`href="${p.url}/labs/${lab.id}"`);
    expect(mail.text).not.toContain('Invite-only steering lab');
    expect(mail.text).not.toContain(privateLab.id);
    expect(mail.text).toContain('New in the resource library');
    expect(mail.text).toContain('Home visiting data guide');
    expect(mail.text).toContain('Decisions and action items from Action Labs');
    expect(mail.text).toContain('Book the community room');
    // The only reply to Hal's thread is hidden: neither the reply nor its thread shows.
    expect(mail.text).not.toContain('Hal asks about the fair');
  });

  it('tells a long-absent member once that digests stop, then sends none until they return', async () => {
    const ivy = await member('Ivy Away', new Date(at.getTime() - 40 * 86_400_000));
    await MemberModel.updateOne({ _id: ivy.id }, { $set: { createdAt: new Date(at.getTime() - 60 * 86_400_000) } });
    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(at);
    const mail = await p.sink.waitFor((m) => m.envelope.to.includes(ivy.email) && isDigest(m), 20_000);
    expect(mail.text).toContain('We have not seen you for 30 days, so this is your last digest for now.');
    expect(mail.text).toMatch(/\/unsubscribe\?token=/);
    // The batch marks the digest sent just after the mail leaves; the next day's run starts after.
    await eventually(async () => {
      const rows = await DigestMarkerModel.find({ memberId: ivy.id }).lean();
      return rows.length === 1 && rows[0]!.status === 'sent';
    });

    const nextDay = new Date(at.getTime() + 86_400_000);
    await digests.enqueueDue(nextDay);
    const marker = await eventually(async () => {
      const rows = await DigestMarkerModel.find({ memberId: ivy.id }).lean();
      return rows.length === 2 && rows.every((r) => r.status !== 'claimed') ? rows : undefined;
    });
    expect(marker.map((r) => r.reason).sort()).toEqual(['inactive', 'last_for_inactive']);
    expect(p.sink.mails().filter((m) => m.envelope.to.includes(ivy.email) && isDigest(m))).toHaveLength(1);
  });
});
