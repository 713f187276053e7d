import { verifySignature } from '@commons/server/webhooks/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, reply, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { resourceBody } from '../hub/support.js';
import { eventually, startReceiver } from './receiver.js';

let p: TestPlatform;
let admin: Someone;
let member: Someone;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  // Paths: /ok answers 200, /flaky fails twice then succeeds, /down always answers 500.
  receiver = await startReceiver((r, nth) => {
    if (r.path.startsWith('/ok')) return 200;
    if (r.path.startsWith('/flaky')) return nth <= 2 ? 500 : 200;
    return 500;
  });
  p = await startTestPlatform('webhooks', {
    env: {
      // The receiver listens on loopback; production refuses such targets.
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_BACKOFF_MS: '20',
      WEBHOOK_DISABLE_AFTER: '2',
      WEBHOOK_TIMEOUT_MS: '3000',
    },
  });
  [admin, member] = await Promise.all([signUp(p, 'Wanda Admin', 'admin'), signUp(p, 'Milo Member')]);
});
afterAll(async () => {
  await p?.close();
  await receiver?.close();
});

const deliveries = async (id: string) => {
  const res = await admin.c.get(`/api/webhooks/${id}/deliveries`);
  expect(res.status).toBe(200);
  return res.body.deliveries as Array<{
    id: string;
    type: string;
    status: string;
    attempts: number;
    responseCode: number | null;
    lastError: string | null;
  }>;
};

describe('managing webhooks', () => {
  it('lets admins register, list, change and delete webhooks; the secret is shown once', async () => {
    const created = await admin.c.post('/api/webhooks', {
      url: `${receiver.url}/ok/manage`,
      events: ['post.created', 'post.created'],
      description: 'Coalition dashboard',
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.webhook).toMatchObject({ events: ['post.created'], active: true, createdById: admin.id });
    const id = created.body.webhook.id;

    const listed = await admin.c.get('/api/webhooks');
    expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    const patched = await admin.c.patch(`/api/webhooks/${id}`, {
      events: ['lab.ended', 'member.joined'],
      active: false,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.webhook).toMatchObject({ events: ['lab.ended', 'member.joined'], active: false });
    expect((await admin.c.post(`/api/webhooks/${id}/test`)).status).toBe(409);
    const again = await admin.c.patch(`/api/webhooks/${id}`, { active: false });
    expect(again.body.webhook).toMatchObject({ active: false, disabledAt: patched.body.webhook.disabledAt });
    expect((await admin.c.patch(`/api/webhooks/${id}`, { events: ['nope.event'] })).status).toBe(400);
    expect((await admin.c.patch(`/api/webhooks/${id}`, {})).status).toBe(400);
    expect((await admin.c.post('/api/webhooks', { url: `${receiver.url}/ok`, events: [] })).status).toBe(400);
    expect((await admin.c.post('/api/webhooks', { url: 'file:///etc/passwd', events: ['post.created'] })).status).toBe(
      400,
    );

    expect((await admin.c.delete(`/api/webhooks/${id}`)).status).toBe(204);
    expect((await admin.c.get(`/api/webhooks/${id}/deliveries`)).status).toBe(404);
  });

  it('refuses members (403) and visitors (401)', async () => {
    const body = { url: `${receiver.url}/ok/nope`, events: ['thread.created'] };
    expect((await member.c.post('/api/webhooks', body)).status).toBe(403);
    expect((await member.c.get('/api/webhooks')).status).toBe(403);
    const visitor = p.client();
    expect((await visitor.get('/api/webhooks')).status).toBe(401);
    expect((await visitor.post('/api/webhooks', body)).status).toBe(401);
    expect(receiver.received.filter((r) => r.path === '/ok/nope')).toEqual([]);
  });
});

describe('deliveries', () => {
  it('sends a signed delivery when a thread is created through the API', async () => {
    const created = await admin.c.post('/api/webhooks', {
      url: `${receiver.url}/ok/threads`,
      events: ['thread.created'],
    });
    const { secret, webhook } = created.body;
    const category = await categoryId(member.c, 'introductions');
    const { thread } = await newThread(member, category, 'Saturday playgroup in Mattapan');

    const [got] = await receiver.waitFor((r) => r.path === '/ok/threads');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['x-commons-event']).toBe('thread.created');
    const timestamp = String(got!.headers['x-commons-timestamp']);
    const signature = String(got!.headers['x-commons-signature']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifySignature(secret, { signature, timestamp }, got!.body)).toBe(true);
    expect(verifySignature('whsec_wrong', { signature, timestamp }, got!.body)).toBe(false);

    const event = JSON.parse(got!.body);
    expect(event).toMatchObject({ id: `thread-created-${thread.id}`, type: 'thread.created' });
    expect(event.data.thread).toMatchObject({ id: thread.id, title: 'Saturday playgroup in Mattapan' });
    expect(got!.headers['x-commons-delivery']).toBe(`wh-${webhook.id}-thread-created-${thread.id}`);

    const history = await eventually(async () => {
      const list = await deliveries(webhook.id);
      expect(list[0]).toMatchObject({ status: 'succeeded', attempts: 1, responseCode: 200, lastError: null });
      return list;
    });
    expect(history).toHaveLength(1);
  });

  it('follows each webhook write at once: the active webhooks kept in Redis are dropped by them', async () => {
    const category = await categoryId(member.c, 'introductions');
    // A published thread keeps the active webhooks (none of them at this path).
    await newThread(member, category, 'Before the kept webhook exists');
    const created = await admin.c.post('/api/webhooks', {
      url: `${receiver.url}/ok/kept-one`,
      events: ['post.created'],
    });
    expect(created.status).toBe(201);
    const { thread } = await newThread(member, category, 'Tool library in Dorchester');
    const first = await reply(member, thread.id, 'Who keeps the ladder?');
    await receiver.waitFor((r) => r.path === '/ok/kept-one' && r.body.includes(first.id));

    // Its events changed: the next thread reaches it, though threads were not among them when kept.
    const id = created.body.webhook.id as string;
    expect((await admin.c.patch(`/api/webhooks/${id}`, { events: ['thread.created'] })).status).toBe(200);
    const { thread: second } = await newThread(member, category, 'Seed swap in Roxbury');
    await receiver.waitFor((r) => r.path === '/ok/kept-one' && r.body.includes(second.id));
    expect((await admin.c.delete(`/api/webhooks/${id}`)).status).toBe(204);
  });

  it('sends member.joined without private details', async () => {
    const created = await admin.c.post('/api/webhooks', {
      url: `${receiver.url}/ok/members`,
      events: ['member.joined'],
    });
    const newcomer = await signUp(p, 'Nia Newcomer');
    const [got] = await receiver.waitFor((r) => r.path === '/ok/members');
    const event = JSON.parse(got!.body);
    expect(event.data).toEqual({ member: { id: newcomer.id, displayName: 'Nia Newcomer' } });
    expect(got!.body).not.toContain(newcomer.email);
    await admin.c.delete(`/api/webhooks/${created.body.webhook.id}`);
  });

  it('retries a failing receiver with backoff and keeps the history of attempts', async () => {
    const created = await admin.c.post('/api/webhooks', { url: `${receiver.url}/flaky`, events: ['post.created'] });
    const id = created.body.webhook.id;
    const test = await admin.c.post(`/api/webhooks/${id}/test`);
    expect(test.status).toBe(202);
    // The answer shows the delivery as it is when answered: attempts already made (20 ms apart
    // here) may be in it when the workers were quicker than the answer (seen in a CI run).
    const { status, attempts } = test.body.delivery as { status: string; attempts: number };
    expect(test.body.delivery).toMatchObject({ type: 'webhook.test' });
    expect(
      (status === 'pending' && attempts === 0) ||
        (status === 'retrying' && attempts >= 1 && attempts <= 2) ||
        (status === 'succeeded' && attempts === 3),
    ).toBe(true);

    const hits = await receiver.waitFor((r) => r.path === '/flaky', 3);
    // Every attempt carries the same delivery id and body, freshly signed.
    expect(new Set(hits.map((h) => h.headers['x-commons-delivery']))).toEqual(new Set([test.body.delivery.id]));
    expect(new Set(hits.map((h) => h.body)).size).toBe(1);
    await eventually(async () => {
      const [d] = await deliveries(id);
      expect(d).toMatchObject({ id: test.body.delivery.id, status: 'succeeded', attempts: 3, responseCode: 200 });
    });
  });

  it('disables a webhook after consecutive failed deliveries and mails its admin', async () => {
    const created = await admin.c.post('/api/webhooks', { url: `${receiver.url}/down`, events: ['post.created'] });
    const id = created.body.webhook.id;
    expect((await admin.c.post(`/api/webhooks/${id}/test`)).status).toBe(202);
    // The first delivery gives up after 6 attempts; the webhook stays on (1 of 2).
    await eventually(async () => {
      const [d] = await deliveries(id);
      expect(d).toMatchObject({ status: 'failed', attempts: 6, responseCode: 500 });
      expect(d!.lastError).toMatch(/500/);
    });
    await eventually(async () => {
      const hook = (await admin.c.get('/api/webhooks')).body.webhooks.find((w: { id: string }) => w.id === id);
      expect(hook).toMatchObject({ active: true, consecutiveFailures: 1 });
    });

    expect((await admin.c.post(`/api/webhooks/${id}/test`)).status).toBe(202);
    const mail = await p.sink.waitFor((m) => m.envelope.to.includes(admin.email) && /webhook/i.test(m.subject), 20_000);
    expect(String(mail.text)).toContain(`${receiver.url}/down`);
    const hook = (await admin.c.get('/api/webhooks')).body.webhooks.find((w: { id: string }) => w.id === id);
    expect(hook).toMatchObject({ active: false, consecutiveFailures: 2 });
    expect(hook.disabledReason).toMatch(/2 deliveries failed in a row/);
    expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(12);

    // Turned off, it receives nothing; turning it on again clears the count.
    expect((await admin.c.post(`/api/webhooks/${id}/test`)).status).toBe(409);
    const on = await admin.c.patch(`/api/webhooks/${id}`, { active: true });
    expect(on.body.webhook).toMatchObject({ active: true, consecutiveFailures: 0, disabledAt: null });
    await admin.c.delete(`/api/webhooks/${id}`);
  });
});

describe('resource.approved', () => {
  it('is delivered, signed, when a moderator approves a submitted resource, and not on submission', async () => {
    const created = await admin.c.post('/api/webhooks', {
      url: `${receiver.url}/ok/resources`,
      events: ['resource.approved'],
    });
    expect(created.status, created.text).toBe(201);
    const submitted = await member.c.post('/api/resources', resourceBody({ title: 'Parent cafe facilitation guide' }));
    expect(submitted.status).toBe(201);
    const id = submitted.body.resource.id as string;
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received.filter((r) => r.path === '/ok/resources')).toEqual([]);
    expect((await admin.c.post(`/api/resources/${id}/review`, { decision: 'approve' })).status).toBe(200);
    const [hit] = await receiver.waitFor((r) => r.path === '/ok/resources');
    expect(hit!.headers['x-commons-event']).toBe('resource.approved');
    const body = JSON.parse(hit!.body) as { type: string; data: { resourceId: string; url: string } };
    expect(body).toMatchObject({ type: 'resource.approved', data: { resourceId: id } });
    expect(body.data.url).toMatch(new RegExp(`/library/${id}$`));
    expect(
      verifySignature(
        created.body.secret,
        {
          timestamp: String(hit!.headers['x-commons-timestamp']),
          signature: String(hit!.headers['x-commons-signature']),
        },
        hit!.body,
      ),
    ).toBe(true);
  });
});

describe('without WEBHOOK_ALLOW_PRIVATE', () => {
  it('refuses loopback, private and non-http targets before sending anything', async () => {
    const strict = await startTestPlatform('webhooks_strict', { workers: false });
    try {
      const boss = await signUp(strict, 'Sol Strict', 'admin');
      for (const url of [
        'http://127.0.0.1/',
        'http://10.0.0.1/',
        'http://[::1]/',
        'file:///etc/passwd',
        `${receiver.url}/ok/strict`,
      ]) {
        const res = await boss.c.post('/api/webhooks', { url, events: ['thread.created'] });
        expect(res.status, url).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
      expect(receiver.received.filter((r) => r.path === '/ok/strict')).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
