import { MemberModel } from '@commons/server/members/model';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, PASSWORD, reply, signUp, type Someone } from '../forums/support.js';
import type { TestMail } from '../support/mail.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';
import { digestEvening } from '../support/digest-time.js';

// A member who deletes their account while a digest is waiting for them gets no digest; a
// suspended member gets none while suspended, and what they missed waits for the next one.
let p: TestPlatform;
let author: Someone;
let intro: string;

const at = digestEvening;
const isDigest = (m: TestMail) => /digest/i.test(m.subject);

async function member(name: string): Promise<Someone> {
  const who = await signUp(p, name);
  await MemberModel.updateOne({ _id: who.id }, { $set: { timeZone: 'UTC', lastSeenAt: null } });
  return who;
}

async function settle(queue: { getJobCounts(...types: string[]): Promise<Record<string, number>> }): Promise<void> {
  await eventually(async () => {
    // Delayed jobs are the queues' recurring ones (trust levels, sanction expiry): not waited for.
    const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
    return c.waiting === 0 && c.active === 0 && c.prioritized === 0;
  });
}

beforeAll(async () => {
  p = await startTestPlatform('digest_deleted');
  author = await signUp(p, 'Ada Poster');
  intro = await categoryId(author.c, 'introductions');
});
afterAll(async () => {
  await p?.close();
});

describe('a deleted member’s pending digest', () => {
  it('is not sent, while another member’s digest of the same run is', async () => {
    const dora = await member('Dora Leaving');
    const cleo = await member('Cleo Staying');
    const doras = await newThread(dora, intro, 'Dora asks about after-school care');
    const cleos = await newThread(cleo, intro, 'Cleo asks about summer camps');
    await reply(author, doras.thread.id, 'Our centre has places for Dora.', { parentId: doras.post.id });
    await reply(author, cleos.thread.id, 'Try the YMCA camps, Cleo.', { parentId: cleos.post.id });
    await settle(p.runtime.queues.moderation);
    await settle(p.runtime.queues.notifications);

    expect((await dora.c.request('DELETE', '/api/members/me', { password: PASSWORD })).status).toBe(204);
    await MemberModel.updateOne({ _id: cleo.id }, { $set: { lastSeenAt: null } });

    const { digests } = createNotificationWorkerServices(p.runtime);
    await digests.enqueueDue(at);
    const cleoMail = await p.sink.waitFor((m) => m.envelope.to.includes(cleo.email) && isDigest(m), 20_000);
    expect(cleoMail.text).toContain('Cleo asks about summer camps');
    await settle(p.runtime.queues.digests);
    await settle(p.runtime.queues.mail);
    const all = p.sink.mails();
    // Neither to the address the member had, nor to the tombstone's placeholder address.
    const toDora = (m: TestMail) => m.envelope.to.some((to) => to === dora.email || to.includes(dora.id));
    expect(all.filter((m) => toDora(m) && isDigest(m))).toEqual([]);
    expect(
      all
        .filter(isDigest)
        .map((m) => String(m.text))
        .join('\n'),
    ).not.toContain('Dora Leaving');
  });
});

describe('a suspended member', () => {
  it('gets no digest while suspended; the first digest after the suspension has what they missed', async () => {
    const moderator = await signUp(p, 'Mona Moderator', 'moderator');
    const sam = await member('Sam Suspended');
    const sams = await newThread(sam, intro, 'Sam asks about respite care');
    await reply(author, sams.thread.id, 'The county runs respite evenings for Sam.', { parentId: sams.post.id });
    await settle(p.runtime.queues.moderation);
    await settle(p.runtime.queues.notifications);
    const given = await moderator.c.post('/api/moderation/sanctions', {
      memberId: sam.id,
      kind: 'suspend',
      reason: 'Cooling off',
      // Longer than the digest evening is ahead of the clock (up to 26 hours).
      durationHours: 72,
    });
    expect(given.status).toBe(201);
    await MemberModel.updateOne({ _id: sam.id }, { $set: { lastSeenAt: null } });

    const { digests } = createNotificationWorkerServices(p.runtime);
    const toSam = (m: TestMail) => m.envelope.to.includes(sam.email) && isDigest(m);
    await digests.enqueueDue(at);
    await settle(p.runtime.queues.digests);
    await settle(p.runtime.queues.mail);
    expect(p.sink.mails().filter(toSam)).toEqual([]);

    const lifted = await moderator.c.post(`/api/moderation/sanctions/${given.body.sanction.id}/lift`, {
      reason: 'Talked it through',
    });
    expect(lifted.status).toBe(200);
    await digests.enqueueDue(new Date(at.getTime() + 24 * 3600_000));
    const mail = await p.sink.waitFor(toSam, 20_000);
    expect(mail.text).toContain('Sam asks about respite care');
  });
});
