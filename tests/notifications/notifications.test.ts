import { MemberModel } from '@commons/server/members/model';
import { defaultNotificationPreferences } from '@commons/shared';
import { MailDeliveryModel } from '@commons/server/mail/delivery.model';
import { NotificationModel, NotificationSettingsModel } from '@commons/server/notifications/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, reply, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { connectAs, eventually, nextNotification, type ClientSocket } from './support.js';

let p: TestPlatform;
let cat: string;
let ana: Someone;
let ben: Someone;
let cai: Someone;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('notifications', { env: { NOTIFY_EMAIL_WINDOW_MS: '2000' } });
  ana = await signUp(p, 'Ana Author');
  ben = await signUp(p, 'Ben Replier');
  cai = await signUp(p, 'Cai Watcher');
  cat = await categoryId(ana.c, 'introductions');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

describe('in-app notifications', () => {
  it('pushes a reply to my post live, with the new unread count, and lists it', async () => {
    await resetPostingBudgets(p);
    const socket = await connectAs(p, ana, sockets);
    const { thread, post } = await newThread(ana, cat, 'Where do we meet in spring?');
    const live = nextNotification(socket, (e) => e.notification.threadId === thread.id);
    const started = Date.now();
    const r = await reply(ben, thread.id, 'At the library, as last year.', { parentId: post.id });
    // The post request does not wait for the fan-out.
    expect(Date.now() - started).toBeLessThan(5_000);
    const e = await live;
    expect(e.notification).toMatchObject({
      kind: 'reply',
      postId: r.id,
      count: 1,
      read: false,
      threadTitle: 'Where do we meet in spring?',
    });
    expect(e.notification.actor?.id).toBe(ben.id);
    expect(e.unreadCount).toBe(1);

    const list = await ana.c.get('/api/notifications');
    expect(list.status).toBe(200);
    expect(list.body.unreadCount).toBe(1);
    expect(list.body.notifications[0]).toMatchObject({ id: e.notification.id, kind: 'reply' });
    const count = await ana.c.get('/api/notifications/unread-count');
    expect(count.body).toEqual({ unreadCount: 1 });
  });

  it('tells a mentioned member, once, as a mention', async () => {
    await resetPostingBudgets(p);
    const socket = await connectAs(p, cai, sockets);
    const { thread } = await newThread(ana, cat, 'Volunteers for the fair');
    const live = nextNotification(socket, (e) => e.notification.threadId === thread.id);
    await reply(ben, thread.id, 'I think @cai-watcher knows the organisers.');
    const e = await live;
    expect(e.notification).toMatchObject({ kind: 'mention', count: 1 });
    await new Promise((r) => setTimeout(r, 500));
    const list = await cai.c.get('/api/notifications');
    expect(list.body.notifications.filter((n: { threadId: string }) => n.threadId === thread.id)).toHaveLength(1);
  });

  it('tells a member newly mentioned in an edit', async () => {
    await resetPostingBudgets(p);
    const socket = await connectAs(p, cai, sockets);
    const { thread } = await newThread(ana, cat, 'Edited mentions');
    const r = await reply(ben, thread.id, 'Who can help with the flyers?');
    const live = nextNotification(socket, (e) => e.notification.threadId === thread.id);
    const edited = await ben.c.patch(`/api/posts/${r.id}`, {
      body: 'Who can help with the flyers? Maybe @cai-watcher.',
    });
    expect(edited.status).toBe(200);
    expect((await live).notification).toMatchObject({ kind: 'mention', postId: r.id });
  });

  it('groups replies in one thread into one notification with a count, and a new group after reading', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, cat, 'Grant deadlines this year');
    // The author watches their own thread: top-level posts by others come as thread posts.
    for (let i = 1; i <= 3; i++) await reply(ben, thread.id, `Deadline number ${i} is in March.`);
    const group = await eventually(async () => {
      const res = await ana.c.get('/api/notifications');
      const found = res.body.notifications.find((n: { threadId: string }) => n.threadId === thread.id);
      return found?.count === 3 ? found : undefined;
    });
    expect(group).toMatchObject({ kind: 'thread_post', count: 3, read: false });
    const all = await ana.c.get('/api/notifications');
    expect(all.body.notifications.filter((n: { threadId: string }) => n.threadId === thread.id)).toHaveLength(1);

    const read = await ana.c.post('/api/notifications/read', { ids: [group.id] });
    expect(read.status).toBe(200);
    await reply(ben, thread.id, 'One more deadline in June.');
    const fresh = await eventually(async () => {
      const res = await ana.c.get('/api/notifications');
      const rows = res.body.notifications.filter((n: { threadId: string }) => n.threadId === thread.id);
      return rows.length === 2 ? rows : undefined;
    });
    expect(fresh[0]).toMatchObject({ count: 1, read: false });
    expect(fresh[1]).toMatchObject({ id: group.id, count: 3, read: true });
  });

  it('presents a busy thread’s group from its latest posts: the count of all, the latest one that is left', async () => {
    const { thread } = await newThread(ana, cat, 'Twenty-five answers about summer meals');
    // A moderator's posts skip screening (25 in a burst from a member would be held).
    const dee = await signUp(p, 'Dee Moderator', 'moderator');
    const posts: { id: string; seq: number }[] = [];
    for (let i = 1; i <= 25; i++) {
      if (i % 9 === 1) await resetPostingBudgets(p);
      posts.push(await reply(dee, thread.id, `Summer meal site number ${i} opens in June.`));
    }
    const group = await eventually(async () => {
      const res = await ana.c.get('/api/notifications');
      const found = res.body.notifications.find((n: { threadId: string }) => n.threadId === thread.id);
      return found?.count === 25 ? found : undefined;
    });
    expect(group).toMatchObject({ postId: posts[24]!.id, seq: posts[24]!.seq });
    expect((await dee.c.delete(`/api/posts/${posts[24]!.id}`)).status).toBe(204);
    const after = await ana.c.get('/api/notifications');
    expect(after.body.notifications.find((n: { id: string }) => n.id === group.id)).toMatchObject({
      count: 24,
      postId: posts[23]!.id,
    });
  });

  it('marks read only my own notifications; mark all clears the count', async () => {
    const mine = await ana.c.get('/api/notifications');
    const someId = mine.body.notifications.find((n: { read: boolean }) => !n.read).id;
    const other = await ben.c.post('/api/notifications/read', { ids: [someId] });
    expect(other.status).toBe(200);
    const still = await ana.c.get('/api/notifications/unread-count');
    expect(still.body.unreadCount).toBeGreaterThan(0);
    const all = await ana.c.post('/api/notifications/read', { all: true });
    expect(all.body).toEqual({ unreadCount: 0 });
    expect((await ana.c.get('/api/notifications')).body.notifications.every((n: { read: boolean }) => n.read)).toBe(
      true,
    );
  });

  it('rejects bad read bodies and needs a session', async () => {
    expect((await ana.c.post('/api/notifications/read', {})).status).toBe(400);
    expect((await ana.c.post('/api/notifications/read', { ids: ['x'] })).status).toBe(400);
    expect((await ana.c.post('/api/notifications/read', { ids: [ben.id], all: true })).status).toBe(400);
    expect((await ana.c.post('/api/notifications/read', { all: { $ne: 1 } })).status).toBe(400);
    expect((await ana.c.get('/api/notifications?cursor=nonsense')).status).toBe(400);
    expect((await p.client().get('/api/notifications')).status).toBe(401);
  });

  it('never notifies the author of their own post', async () => {
    await resetPostingBudgets(p);
    const { thread, post } = await newThread(ben, cat, 'Self replies');
    await reply(ben, thread.id, 'Talking to myself @ben-replier.', { parentId: post.id });
    await new Promise((r) => setTimeout(r, 800));
    const list = await ben.c.get('/api/notifications');
    expect(list.body.notifications.filter((n: { threadId: string }) => n.threadId === thread.id)).toHaveLength(0);
  });
});

describe('preferences', () => {
  it('has defaults, validates strictly and saves', async () => {
    const res = await cai.c.get('/api/members/me/preferences');
    expect(res.status).toBe(200);
    expect(res.body.preferences.digest).toEqual({ frequency: 'daily', hour: 8 });
    expect(res.body.emailBounced).toBe(false);

    const good = {
      kinds: { reply: 'email', mention: 'in_app', thread_post: 'off' },
      digest: { frequency: 'weekly', hour: 18 },
    };
    const saved = await put(cai.c, '/api/members/me/preferences', good);
    expect(saved.status).toBe(200);
    // Kinds left out (the labs', events', moderation's…) keep their defaults.
    const expected = { ...good, kinds: { ...defaultNotificationPreferences.kinds, ...good.kinds } };
    expect(saved.body.preferences).toEqual(expected);
    expect((await cai.c.get('/api/members/me/preferences')).body.preferences).toEqual(expected);

    for (const bad of [
      { ...good, digest: { frequency: 'weekly', hour: 24 } },
      { ...good, digest: { frequency: 'hourly', hour: 3 } },
      { ...good, kinds: { ...good.kinds, reply: 'sms' } },
      { ...good, extra: true },
      { kinds: good.kinds },
      { ...good, digest: { frequency: 'daily', hour: 2.5 } },
    ]) {
      expect((await put(cai.c, '/api/members/me/preferences', bad)).status).toBe(400);
    }
    expect((await p.client().request('PUT', '/api/members/me/preferences', good)).status).toBe(401);
  });

  it('off means no notification for that kind', async () => {
    await resetPostingBudgets(p);
    // cai: thread_post off. They watch a thread; a new post there is not notified.
    const { thread } = await newThread(ana, cat, 'Quiet thread for Cai');
    await put(cai.c, `/api/threads/${thread.id}/subscription`, { level: 'watching' });
    await reply(ben, thread.id, 'A post Cai does not want to hear about.');
    await new Promise((r) => setTimeout(r, 800));
    const list = await cai.c.get('/api/notifications');
    expect(list.body.notifications.filter((n: { threadId: string }) => n.threadId === thread.id)).toHaveLength(0);
  });
});

describe('instant email', () => {
  it('batches a member’s email notifications of a short window into one mail', async () => {
    await resetPostingBudgets(p);
    // Fresh members: earlier tests posted enough to look like a burst, and held posts are never notified.
    const ana = await signUp(p, 'Ana Window');
    const ben = await signUp(p, 'Ben Window');
    await put(ana.c, '/api/members/me/preferences', {
      kinds: { reply: 'email', mention: 'email', thread_post: 'email' },
      digest: { frequency: 'off', hour: 8 },
    });
    const one = await newThread(ana, cat, 'Batch one');
    const two = await newThread(ana, cat, 'Batch two');
    await reply(ben, one.thread.id, 'First reply for the batch.', { parentId: one.post.id });
    await reply(ben, two.thread.id, 'Second reply for the batch.', { parentId: two.post.id });
    const mail = await p.sink.waitFor((m) => m.envelope.to.includes(ana.email) && /Batch/.test(m.text ?? ''), 15_000);
    expect(mail.text).toContain('Batch one');
    expect(mail.text).toContain('Batch two');
    expect(mail.html).toContain(`/forums/t/${one.thread.id}`);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(p.sink.mails().filter((m) => m.envelope.to.includes(ana.email) && /Batch/.test(m.text ?? ''))).toHaveLength(
      1,
    );
  });

  it('sends a suspended member no instant mail; the notification stays in the app', async () => {
    await resetPostingBudgets(p);
    const mod = await signUp(p, 'Moe Moderator', 'moderator');
    const gil = await signUp(p, 'Gil Suspended');
    await put(gil.c, '/api/members/me/preferences', {
      kinds: { reply: 'email', mention: 'email', thread_post: 'email' },
      digest: { frequency: 'off', hour: 8 },
    });
    const { thread, post } = await newThread(gil, cat, 'Suspended author thread');
    const given = await mod.c.post('/api/moderation/sanctions', {
      memberId: gil.id,
      kind: 'suspend',
      reason: 'A week away',
      durationHours: 168,
    });
    expect(given.status).toBe(201);
    await reply(mod, thread.id, 'A reply the suspended author reads later.', { parentId: post.id });
    // The instant-mail job ran once the pending flag is cleared; a mail would have gone by then.
    await eventually(async () => {
      const rows = await NotificationModel.find({ memberId: gil.id }).lean();
      return rows.length > 0 && rows.every((n) => n.emailPending === false);
    });
    // (The suspension's own notice is mailed; the reply is not.)
    const toGil = p.sink.mails().filter((m) => m.envelope.to.includes(gil.email));
    expect(toGil.filter((m) => /Suspended author thread/.test(m.text ?? ''))).toEqual([]);
    expect(await NotificationModel.countDocuments({ memberId: gil.id, read: false })).toBeGreaterThan(0);
  });

  it('records a permanent SMTP failure and skips the bounced address afterwards', async () => {
    const { createNotificationWorkerServices } = await import('@commons/server/notifications/wiring');
    const { deliverMail } = await import('@commons/server/notifications/delivery');
    const refusing = {
      send: async () => {
        throw Object.assign(new Error('550 5.1.1 mailbox unavailable'), { responseCode: 550 });
      },
      close: () => undefined,
    };
    const outcome = await deliverMail(
      { mailer: refusing, log: p.runtime.log },
      'instant-test-bounce',
      'notification',
      ben.id,
      { to: ben.email, subject: 's', text: 't', html: '<p>t</p>' },
    );
    expect(outcome).toBe('bounced');
    expect(await MailDeliveryModel.findOne({ key: 'instant-test-bounce' }).lean()).toMatchObject({ status: 'failed' });
    expect(await NotificationSettingsModel.findOne({ memberId: ben.id }).lean()).toMatchObject({
      bouncedAddress: ben.email,
    });
    expect((await ben.c.get('/api/members/me/preferences')).body.emailBounced).toBe(true);
    // A bounced member gets no instant mail.
    const { notifications } = createNotificationWorkerServices(p.runtime);
    await put(ben.c, '/api/members/me/preferences', {
      kinds: { reply: 'email', mention: 'email', thread_post: 'email' },
      digest: { frequency: 'off', hour: 8 },
    });
    await resetPostingBudgets(p);
    const fay = await signUp(p, 'Fay Fresh');
    // Ben has posted more than 8 times in 5 minutes by now, so screening would hold his thread, and a
    // held opening post is for nobody else to answer: as a moderator he is not screened.
    await MemberModel.updateOne({ _id: ben.id }, { $set: { role: 'moderator' } });
    const { thread, post } = await newThread(ben, cat, 'Bounced author thread');
    await reply(fay, thread.id, 'Reply to a bounced author.', { parentId: post.id });
    await eventually(async () =>
      (await ben.c.get('/api/notifications')).body.notifications.some(
        (n: { threadId: string }) => n.threadId === thread.id,
      ),
    );
    expect(await notifications.sendInstantEmail(ben.id, 'manual')).toMatch(/bounced|nothing/);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(
      p.sink.mails().some((m) => m.envelope.to.includes(ben.email) && /Bounced author thread/.test(m.text ?? '')),
    ).toBe(false);
  });
});
