import { queueNames } from '@commons/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let admin: Someone;
let member: Someone;

beforeAll(async () => {
  p = await startTestPlatform('queue_dashboard', { workers: false });
  [admin, member] = await Promise.all([signUp(p, 'Quinn Admin', 'admin'), signUp(p, 'Max Member')]);
});
afterAll(async () => {
  await p?.close();
});

describe('the queue dashboard at /admin/queues', () => {
  it('shows admins the bull-board page under the global CSP, and its API lists every queue', async () => {
    const page = await admin.c.get('/admin/queues');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('__UI_CONFIG__');
    expect(page.headers.get('x-powered-by')).toBeNull();
    // Its scripts are same-origin files (the config is a JSON data block): no inline script is needed.
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.text).not.toMatch(/<script(?![^>]*(\bsrc=|type="application\/json"))[^>]*>/);
    const script = /<script defer src="([^"]+)"/.exec(page.text)![1]!;
    const asset = await admin.c.get(`/admin/queues/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);

    const api = await admin.c.get('/admin/queues/api/queues');
    expect(api.status).toBe(200);
    const names = (api.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
    expect(names).toEqual(Object.values(queueNames).sort());
  });

  it('refuses members with 403 and visitors with 401, in the JSON error shape', async () => {
    const forbidden = await member.c.get('/admin/queues');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    const api = await member.c.get('/admin/queues/api/queues');
    expect(api.status).toBe(403);

    const visitor = p.client();
    const unauthenticated = await visitor.get('/admin/queues/api/queues');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error.code).toBe('unauthenticated');
    expect((await visitor.get('/admin/queues')).status).toBe(401);
    expect((await visitor.get(`/admin/queues/static/js/nothing.js`)).status).toBe(401);
  });

  it('refuses cross-site actions', async () => {
    const res = await admin.c.request('PUT', '/admin/queues/api/queues/mail/pause', undefined, {
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden_origin');
  });
});
