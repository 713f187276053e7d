import {
  catalogues,
  flattenMessages,
  noticeKinds,
  notificationKinds,
  type NotificationNewEvent,
} from '@commons/shared';
import { createForumService } from '@commons/server/forums/service';
import { createLabJobs } from '@commons/server/labs/jobs';
import { NotificationModel } from '@commons/server/notifications/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { resourceBody } from '../hub/support.js';
import { createLab } from '../labs/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { setProfile } from '../moderation/support.js';
import { connectAs, eventually, nextNotification, type ClientSocket } from './support.js';

let p: TestPlatform;
let host: Someone;
let ana: Someone;
let ben: Someone;
let mod: Someone;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('notices', { env: { NOTIFY_EMAIL_WINDOW_MS: '1500' } });
  host = await signUp(p, 'Hana Host');
  ana = await signUp(p, 'Ana Invitee');
  ben = await signUp(p, 'Ben Bystander');
  mod = await signUp(p, 'Mona Moderator', 'moderator');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

const noticesOf = async (who: Someone, kind: string) =>
  ((await who.c.get('/api/notifications')).body.notifications as NotificationNewEvent['notification'][]).filter(
    (n) => n.kind === kind,
  );

describe('notices from other domains', () => {
  it('tells invitees of a lab live, once, with a link to the lab', async () => {
    const socket = await connectAs(p, ana, sockets);
    const lab = await createLab(host, { title: 'Invite-only planning lab', visibility: 'invite' });
    const live = nextNotification(socket, (e) => e.notification.kind === 'lab_invitation');
    expect((await host.c.post(`/api/labs/${lab.id}/invitations`, { memberIds: [ana.id] })).status).toBeLessThan(300);
    const e = await live;
    expect(e.notification).toMatchObject({
      kind: 'lab_invitation',
      path: `/labs/${lab.id}`,
      title: 'Invite-only planning lab',
      threadId: null,
      count: 1,
      read: false,
    });
    expect(e.notification.actor?.id).toBe(host.id);
    // Inviting again tells nobody twice.
    await host.c.post(`/api/labs/${lab.id}/invitations`, { memberIds: [ana.id] });
    await new Promise((r) => setTimeout(r, 500));
    expect(await noticesOf(ana, 'lab_invitation')).toHaveLength(1);
    expect(await noticesOf(ben, 'lab_invitation')).toHaveLength(0);
    // The default channel for invitations is email: one instant mail follows.
    const mail = await p.sink.waitFor(
      (m) => m.envelope.to.includes(ana.email) && /Invite-only planning lab/.test(m.text ?? ''),
      15_000,
    );
    expect(mail.text).toContain('Hana Host invited you to the Action Lab “Invite-only planning lab”');
    expect(mail.text).toContain(`${p.url}/labs/${lab.id}`);
  });

  it('reminds members going in the app, and mails the reminder only when they chose email', async () => {
    const lab = await createLab(host, { title: 'Reminder lab' });
    await put(ana.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' });
    await put(ben.c, `/api/labs/${lab.id}/rsvp`, { status: 'going' });
    const prefs = (await ben.c.get('/api/members/me/preferences')).body.preferences;
    expect(
      (await put(ben.c, '/api/members/me/preferences', { ...prefs, kinds: { lab_reminder: 'in_app' } })).status,
    ).toBe(200);
    const jobs = createLabJobs({
      forums: createForumService({ events: p.runtime.events }),
      outbox: p.runtime.outbox,
      publicUrl: p.url,
      log: p.runtime.log,
      events: p.runtime.events,
    });
    const payload = { kind: 'reminder' as const, labId: lab.id, lead: '15m' as const, startsAt: lab.startsAt };
    await jobs.handlers.reminder(payload);
    await jobs.handlers.reminder(payload);
    for (const who of [ana, ben]) {
      const rows = await eventually(async () => {
        const found = (await noticesOf(who, 'lab_reminder')).filter((n) => n.path === `/labs/${lab.id}`);
        return found.length > 0 && found;
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ detail: '15m', title: 'Reminder lab' });
    }
    await p.sink.waitFor((m) => m.envelope.to.includes(ana.email) && m.subject.includes('Reminder lab'), 15_000);
    await new Promise((r) => setTimeout(r, 2_500)); // past the instant-mail window
    const toBen = p.sink.mails().filter((m) => m.envelope.to.includes(ben.email) && /Reminder lab/.test(m.text ?? ''));
    expect(toBen).toHaveLength(0);
  });

  it('tells a submitter their resource was approved, in the app and by mail', async () => {
    const submitted = await ana.c.post('/api/resources', resourceBody({ title: 'Parent café toolkit' }));
    expect(submitted.status).toBe(201);
    const id = submitted.body.resource.id as string;
    const socket = await connectAs(p, ana, sockets);
    const live = nextNotification(socket, (e) => e.notification.kind === 'resource_reviewed');
    expect((await mod.c.post(`/api/resources/${id}/review`, { decision: 'approve' })).status).toBe(200);
    expect((await live).notification).toMatchObject({
      kind: 'resource_reviewed',
      detail: 'approved',
      path: `/library/${id}`,
      title: 'Parent café toolkit',
    });
    const mail = await p.sink.waitFor(
      (m) => m.envelope.to.includes(ana.email) && /Parent café toolkit/.test(m.text ?? ''),
    );
    expect(mail.text).toContain('Your resource “Parent café toolkit” was approved');
  });

  it('tells an author their reported post is hidden until review, in their language', async () => {
    await resetPostingBudgets(p);
    expect((await ben.c.patch('/api/members/me', { locale: 'es' })).status).toBe(200);
    const cat = await categoryId(ben.c, 'introductions');
    const { thread, post } = await newThread(ben, cat, 'Nuestra escuela de barrio');
    const postId = post.id as string;
    const socket = await connectAs(p, ben, sockets);
    const live = nextNotification(socket, (e) => e.notification.kind === 'moderation');
    await setProfile(ana, { trustLevel: 1 });
    expect((await ana.c.post(`/api/posts/${postId}/flags`, { reason: 'child_safety' })).status).toBe(201);
    const e = await live;
    expect(e.notification).toMatchObject({
      kind: 'moderation',
      detail: 'post_hidden_review',
      title: 'Nuestra escuela de barrio',
    });
    // Thread pages anchor posts by their number in the thread (#post-<seq>), not by id.
    expect(e.notification.path).toBe(`/forums/t/${thread.id}#post-${post.seq as number}`);
    const mail = await p.sink.waitFor(
      (m) => m.envelope.to.includes(ben.email) && /Nuestra escuela de barrio/.test(m.text ?? ''),
      15_000,
    );
    expect(mail.text).toContain('Su publicación en «Nuestra escuela de barrio» fue denunciada');
    expect((await ben.c.patch('/api/members/me', { locale: 'en' })).status).toBe(200);
  });

  it('tells of a moderator’s decision once per channel, with the note, and thanks the reporter', async () => {
    await resetPostingBudgets(p);
    const dee = await signUp(p, 'Dee Decided');
    const cat = await categoryId(dee.c, 'introductions');
    const { post } = await newThread(dee, cat, 'A thread a moderator will judge');
    const postId = post.id as string;
    expect((await ana.c.post(`/api/posts/${postId}/flags`, { reason: 'spam', note: 'selling' })).status).toBe(201);
    const item = ((await mod.c.get('/api/moderation/queue')).body.items as Array<{ id: string; postId: string }>).find(
      (i) => i.postId === postId,
    )!;
    const resolved = await mod.c.post(`/api/moderation/items/${item.id}/resolve`, {
      action: 'hide',
      note: 'Advertising is not allowed here.',
      notifyAuthor: true,
    });
    expect(resolved.status).toBe(200);
    const mail = await p.sink.waitFor(
      (m) => m.envelope.to.includes(dee.email) && /A thread a moderator will judge/.test(m.text ?? ''),
      15_000,
    );
    await new Promise((r) => setTimeout(r, 2_500)); // past the instant-mail window: nothing else follows
    const told = (await noticesOf(dee, 'moderation')).filter((n) => n.title === 'A thread a moderator will judge');
    expect(told.map((n) => n.detail)).toEqual(['post_hidden']);
    expect(told[0]!.excerpt).toBe('Advertising is not allowed here.');
    const mails = p.sink
      .mails()
      .filter((m) => m.envelope.to.includes(dee.email) && /A thread a moderator will judge/.test(m.text ?? ''));
    expect(mails).toHaveLength(1);
    expect(mail.text!.match(/A thread a moderator will judge/g)).toHaveLength(1);
    const thanks = await eventually(async () => {
      const rows = (await noticesOf(ana, 'moderation')).filter((n) => n.detail === 'report_upheld');
      return rows.length > 0 && rows;
    });
    expect(thanks).toHaveLength(1);
    expect(thanks[0]).toMatchObject({ title: 'A thread a moderator will judge' });
  });

  it('turns event reminders and a decision’s review date into notices, each once per member', async () => {
    const eventId = '0123456789abcdef0123abcd';
    const startsAt = new Date(Date.now() + 3_600_000);
    const reminder = { eventId, title: 'Webinar on data walks', startsAt, memberIds: [ana.id], lead: 'hour' as const };
    p.runtime.events.publish('event.reminderDue', reminder);
    // The same fact again, and then for a second member: Ana still has one, Ben gets his.
    p.runtime.events.publish('event.reminderDue', reminder);
    p.runtime.events.publish('event.reminderDue', { ...reminder, memberIds: [ana.id, ben.id] });
    p.runtime.events.publish('lab.outcomeReviewDue', {
      labId: eventId,
      outcomeId: '0123456789abcdef0123abce',
      title: 'Safe routes',
      text: 'Walking school bus on Tuesdays',
      reviewAt: new Date(),
      memberIds: [ben.id],
    });
    for (const who of [ana, ben]) {
      const rows = await eventually(async () => {
        const found = (await noticesOf(who, 'event_reminder')).filter((n) => n.path === `/events/${eventId}`);
        return found.length > 0 && found;
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(await noticesOf(who, 'event_reminder')).toHaveLength(1);
      expect(rows[0]).toMatchObject({ detail: 'hour', title: 'Webinar on data walks' });
    }
    const review = await eventually(async () => (await noticesOf(ben, 'action_item'))[0]);
    expect(review).toMatchObject({
      detail: 'review_due',
      title: 'Walking school bus on Tuesdays',
      path: `/labs/${eventId}`,
    });
  });

  it('off means no notice of that kind', async () => {
    const cai = await signUp(p, 'Cai Quiet');
    const prefs = (await cai.c.get('/api/members/me/preferences')).body.preferences;
    await put(cai.c, '/api/members/me/preferences', { ...prefs, kinds: { lab_invitation: 'off' } });
    const lab = await createLab(host, { title: 'Quiet lab', visibility: 'invite' });
    await host.c.post(`/api/labs/${lab.id}/invitations`, { memberIds: [cai.id] });
    await new Promise((r) => setTimeout(r, 800));
    expect(await NotificationModel.countDocuments({ memberId: cai.id })).toBe(0);
  });
});

describe('reading', () => {
  it('tells the member’s other tabs what was read', async () => {
    const tab1 = await connectAs(p, ana, sockets);
    const tab2 = await connectAs(p, ana, sockets);
    void tab1;
    const read = new Promise<{ ids: string[] | 'all'; unreadCount: number }>((resolve) =>
      tab2.once('notification:read', resolve),
    );
    expect((await ana.c.post('/api/notifications/read', { all: true })).status).toBe(200);
    expect(await read).toEqual({ ids: 'all', unreadCount: 0 });
  });
});

describe('preferences for every kind', () => {
  it('lists every kind with a default, and a change of some kinds keeps the others', async () => {
    const dee = await signUp(p, 'Dee Defaults');
    const got = (await dee.c.get('/api/members/me/preferences')).body.preferences;
    expect(Object.keys(got.kinds).sort()).toEqual([...notificationKinds].sort());
    const res = await put(dee.c, '/api/members/me/preferences', {
      kinds: { moderation: 'in_app' },
      digest: { frequency: 'weekly', hour: 9 },
    });
    expect(res.status).toBe(200);
    expect(res.body.preferences.kinds).toEqual({ ...got.kinds, moderation: 'in_app' });
    const bad = await put(dee.c, '/api/members/me/preferences', {
      kinds: { nonsense: 'email' },
      digest: { frequency: 'weekly', hour: 9 },
    });
    expect(bad.status).toBe(400);
  });

  it('has a line for every notice kind and variant in every language', () => {
    const variants: Record<(typeof noticeKinds)[number], (string | null)[]> = {
      lab_invitation: [null],
      lab_reminder: ['24h', '15m'],
      lab_update: ['rescheduled', 'cancelled'],
      lab_summary: [null],
      action_item: ['assigned', 'review_due'],
      event_reminder: ['day', 'hour', 'cancelled'],
      moderation: [
        'warn',
        'silence',
        'suspend',
        'post_kept',
        'post_hidden',
        'post_held',
        'post_deleted',
        'post_hidden_review',
        'report_upheld',
        'report_kept',
      ],
      resource_reviewed: ['approved', 'rejected'],
    };
    for (const catalogue of Object.values(catalogues)) {
      const keys = flattenMessages(catalogue);
      for (const kind of noticeKinds)
        for (const detail of variants[kind])
          expect(keys[`notifications.notice.${kind}${detail ? `_${detail}` : ''}`], `${kind} ${detail}`).toBeTruthy();
    }
  });
});
