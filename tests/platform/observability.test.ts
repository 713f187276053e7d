import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const token = 'metrics-token-for-tests-0123456789';
const lines: string[] = [];
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('observability', {
    env: { METRICS_TOKEN: token },
    logTo: { level: 'info', write: (l) => lines.push(l) },
  });
});
afterAll(async () => {
  await p?.close();
});

const secretPassword = 'violet-canyon-orchard-2027';

describe('structured logs', () => {
  it('writes one JSON line per request with the request id the error response carries', async () => {
    const res = await p.client().get('/api/auth/me');
    expect(res.status).toBe(401);
    const id = res.body.error.requestId;
    const line = lines
      .map((l) => JSON.parse(l) as { req?: { id: string; url: string }; res?: { statusCode: number } })
      .find((l) => l.req?.id === id);
    expect(line?.req?.url).toBe('/api/auth/me');
    expect(line?.res?.statusCode).toBe(401);
  });

  it('never logs passwords, reset tokens or session cookies', async () => {
    const c = p.client();
    await c.post('/api/auth/register', {
      email: 'logs@example.org',
      password: secretPassword,
      displayName: 'Lou Logs',
    });
    await c.post('/api/auth/login', { email: 'logs@example.org', password: 'a-wrong-password-here' });
    await c.post('/api/auth/password-reset', { email: 'logs@example.org' });
    const mail = await p.sink.waitFor(
      (m) => m.envelope.to.includes('logs@example.org') && /reset/i.test(m.subject),
      15_000,
    );
    const resetToken = /token=([\w-]+)/.exec(String(mail.text))![1]!;
    await c.get('/api/auth/me');
    const sessionId = c.cookieHeader().split('=')[1]!;
    const all = lines.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(secretPassword);
    expect(all).not.toContain('a-wrong-password-here');
    expect(all).not.toContain(resetToken);
    expect(all).not.toContain(decodeURIComponent(sessionId).slice(2, 30));
  });
});

describe('logs for people', () => {
  it('keeps finished jobs and successful requests out of the info log', async () => {
    // The reset mail above was a mail job; pages and API calls that succeeded were requests.
    expect((await p.client().get('/api/openapi.json')).status).toBe(200);
    await p.sink.waitFor((m) => m.envelope.to.includes('logs@example.org'), 15_000);
    const entries = lines.map((l) => JSON.parse(l) as { msg: string; level: number; res?: { statusCode: number } });
    expect(entries.filter((e) => e.msg === 'job completed')).toEqual([]);
    expect(entries.filter((e) => e.res && e.res.statusCode < 400)).toEqual([]);
    expect(entries.some((e) => e.res?.statusCode === 401)).toBe(true);
  });
});

describe('Prometheus metrics', () => {
  it('refuses a scrape without the token', async () => {
    expect((await p.client().get('/metrics')).status).toBe(401);
    expect((await p.client().get('/metrics', { authorization: 'Bearer wrong-token-wrong-token-00' })).status).toBe(401);
  });

  it('reports request latency by route template, sockets, queues and mail', async () => {
    await p.client().get(`/api/members/${'0'.repeat(24)}`);
    const res = await p.client().get('/metrics', { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/commons_http_request_duration_seconds_bucket\{[^}]*route="\/api\/members\/\{id\}"/);
    expect(res.text).not.toMatch(/route="\/api\/members\/0{24}"/);
    expect(res.text).toMatch(/commons_sockets_connected \d+/);
    expect(res.text).toMatch(/commons_queue_jobs\{queue="mail",state="completed"\} \d+/);
    expect(res.text).toMatch(/commons_mail_total\{kind="(welcome|password_reset)",result="sent"\} [1-9]/);
  });
});

describe('without a metrics token', () => {
  it('has no metrics endpoint at all', async () => {
    const other = await startTestPlatform('observability_off', { workers: false });
    try {
      expect((await other.client().get('/metrics')).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
