import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('safety', { workers: false });
});
afterAll(async () => {
  await p?.close();
});

describe('health', () => {
  it('reports liveness and readiness of the store and Redis', async () => {
    const live = await p.client().get('/healthz');
    expect(live.status).toBe(200);
    const ready = await p.client().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { store: true, redis: true } });
  });
});

describe('request safety', () => {
  it('refuses mutations from another origin', async () => {
    const res = await p
      .client()
      .post(
        '/api/auth/login',
        { email: 'a@example.org', password: 'whatever-it-is' },
        { origin: 'https://evil.example' },
      );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden_origin');
  });

  it('refuses non-JSON mutation bodies (a cross-site form cannot post JSON)', async () => {
    const res = await p.client().request('POST', '/api/auth/login', 'email=a%40example.org&password=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('answers malformed JSON and oversized bodies with the error shape, no stack trace', async () => {
    const bad = await p
      .client()
      .request('POST', '/api/auth/login', '{"email":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    expect(bad.text).not.toMatch(/at .*\.(js|ts):\d+/);
    const big = await p
      .client()
      .post('/api/auth/register', { email: 'big@example.org', password: 'x'.repeat(200_000), displayName: 'Big' });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });

  it('gives every error a request id that matches the response header', async () => {
    const res = await p.client().get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found' });
    expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('sends security headers with a strict Content-Security-Policy', async () => {
    const res = await p.client().get('/healthz');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
