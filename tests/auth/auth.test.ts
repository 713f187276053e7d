import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('auth');
});
afterAll(async () => {
  await p?.close();
});

const strong = 'maple-lantern-harbor-41';

/** The data of every job in every queue of this platform, as one string. */
async function queuedJobsText(): Promise<string> {
  const redis = p.runtime.redis;
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${p.runtime.config.REDIS_PREFIX}:bull:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) if ((await redis.type(key)) === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
  } while (cursor !== '0');
  return out.join('\n');
}
let n = 0;
const freshEmail = () => `member${++n}-${Date.now()}@example.org`;

describe('registration', () => {
  it('creates the member, signs them in and never returns the password hash', async () => {
    const c = p.client();
    const email = freshEmail();
    const res = await c.post('/api/auth/register', { email, password: strong, displayName: 'Ana Lopez' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email, displayName: 'Ana Lopez', role: 'member', locale: 'en' });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|argon2/);
    const cookie = res.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/commons\.sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email);
  });

  it('refuses a taken email with 409, whatever its case', async () => {
    const email = freshEmail();
    await p.client().post('/api/auth/register', { email, password: strong, displayName: 'First' });
    const res = await p
      .client()
      .post('/api/auth/register', { email: email.toUpperCase(), password: strong, displayName: 'Second' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_taken');
  });

  it.each([
    ['short', 'abc12345'],
    ['very common', 'password123'],
    ['trivially guessable', '1234567890'],
  ])('refuses a %s password with 400 and a message', async (_label, password) => {
    const res = await p.client().post('/api/auth/register', { email: freshEmail(), password, displayName: 'Weak' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('weak_password');
    expect(res.body.error.message.length).toBeGreaterThan(10);
  });

  it('rejects unknown keys and bad emails with field errors', async () => {
    const res = await p
      .client()
      .post('/api/auth/register', { email: 'not-an-email', password: strong, displayName: 'X Y', role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(Object.keys(res.body.error.details.fieldErrors)).toContain('email');
  });
});

describe('sign-in and sign-out', () => {
  it('signs in with the right password, out with logout, and /me follows', async () => {
    const email = freshEmail();
    await p.client().post('/api/auth/register', { email, password: strong, displayName: 'Ben' });
    const c = p.client();
    expect((await c.get('/api/auth/me')).status).toBe(401);
    const login = await c.post('/api/auth/login', { email, password: strong });
    expect(login.status).toBe(200);
    expect(login.body.user.email).toBe(email);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('answers a wrong password and an unknown email with the same 401 message', async () => {
    const email = freshEmail();
    await p.client().post('/api/auth/register', { email, password: strong, displayName: 'Cleo' });
    const wrong = await p.client().post('/api/auth/login', { email, password: 'not-the-password-1' });
    const unknown = await p.client().post('/api/auth/login', { email: freshEmail(), password: 'not-the-password-1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_credentials' });
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it('locks an account after repeated failures with 429, even with the right password', async () => {
    const email = freshEmail();
    await p.client().post('/api/auth/register', { email, password: strong, displayName: 'Dee' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await p.client().post('/api/auth/login', { email, password: `wrong-password-${i}` })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const right = await p.client().post('/api/auth/login', { email, password: strong });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('spends attempts before checking the password: of 20 parallel wrong guesses, at most 5 are tried', async () => {
    const email = freshEmail();
    await p.client().post('/api/auth/register', { email, password: strong, displayName: 'Parallel Guess' });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        p
          .client()
          .post('/api/auth/login', { email, password: `wrong-guess-${i}-x` })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect((await p.client().post('/api/auth/login', { email, password: strong })).status).toBe(429);
  });

  it('refuses operator objects in a login body with 400 and no session', async () => {
    const c = p.client();
    const res = await c.post('/api/auth/login', { email: { $gt: '' }, password: { $gt: '' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });
});

describe('password reset by email', () => {
  it('mails a single-use link that sets a new password and ends old sessions', async () => {
    const email = freshEmail();
    const old = p.client();
    await old.post('/api/auth/register', { email, password: strong, displayName: 'Eve Reset' });
    const req = await p.client().post('/api/auth/password-reset', { email });
    expect(req.status).toBe(202);
    const mail = await p.sink.waitFor((m) => m.envelope.to.includes(email) && /reset/i.test(m.subject), 15_000);
    expect(mail.text).toContain('Eve Reset');
    expect(mail.html).toContain('/reset-password?token=');
    const token = new URL(/https?:\/\/\S+reset-password\?token=[\w-]+/.exec(String(mail.text))![0]).searchParams.get(
      'token',
    )!;

    // No job of any queue (finished ones stay for a day, shown on the dashboard) holds the token.
    expect(await queuedJobsText()).not.toContain(token);

    const newPassword = 'orchard-violet-canyon-77';
    const confirm = await p.client().post('/api/auth/password-reset/confirm', { token, password: newPassword });
    expect(confirm.status).toBe(204);
    const again = await p
      .client()
      .post('/api/auth/password-reset/confirm', { token, password: 'another-fine-phrase-88' });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_token');

    expect((await old.get('/api/auth/me')).status).toBe(401);
    expect((await p.client().post('/api/auth/login', { email, password: strong })).status).toBe(401);
    expect((await p.client().post('/api/auth/login', { email, password: newPassword })).status).toBe(200);
  });

  it('answers 202 for an unknown email and sends nothing', async () => {
    const email = freshEmail();
    const res = await p.client().post('/api/auth/password-reset', { email });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    expect(p.sink.mails().some((m) => m.envelope.to.includes(email))).toBe(false);
  });

  it('refuses a made-up token', async () => {
    const res = await p
      .client()
      .post('/api/auth/password-reset/confirm', { token: 'x'.repeat(43), password: 'orchard-violet-canyon-77' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('refuses an expired token', async () => {
    const email = freshEmail();
    await p.client().post('/api/auth/register', { email, password: strong, displayName: 'Fay' });
    await p.client().post('/api/auth/password-reset', { email });
    const mail = await p.sink.waitFor((m) => m.envelope.to.includes(email) && /reset/i.test(m.subject), 15_000);
    const token = /token=([\w-]+)/.exec(String(mail.text))![1]!;
    const { ResetTokenModel } = await import('@commons/server/auth/reset-token.model');
    await ResetTokenModel.updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await p
      .client()
      .post('/api/auth/password-reset/confirm', { token, password: 'orchard-violet-canyon-77' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_token');
  });
});

// Last in the file: it spends this platform's per-IP sign-in budget (tests come from one address).
describe('the per-IP sign-in budget', () => {
  it('is spent atomically too: of 40 parallel guesses at unknown accounts, at most 30 are tried', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        p
          .client()
          .post('/api/auth/login', { email: `nobody-${i}-${Date.now()}@example.org`, password: 'wrong-guess-x' })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(30);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
  });
});
