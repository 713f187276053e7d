import { mountedRoutes } from '@commons/server/openapi/mounted-routes';
import { allOperations } from '@commons/server/openapi/operations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('openapi', { workers: false });
});
afterAll(async () => {
  await p?.close();
});

// The interactive reference is static files, not API operations; the queue dashboard is bull-board's own UI.
const undocumentedByDesign = (path: string) => path.startsWith('/api/docs') || path.startsWith('/admin/queues');
const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

describe('the OpenAPI description', () => {
  it('is served as OpenAPI 3.1 with the error component', async () => {
    const res = await p.client().get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(
      res.body.paths['/api/auth/login'].post.responses['401'].content['application/json'].schema.properties.error,
    ).toBeDefined();
    expect(res.body.paths['/api/auth/register'].post.requestBody.content['application/json'].schema).toBeDefined();
  });

  it('documents every mounted route, and every documented route is mounted', () => {
    const mounted = new Set(
      mountedRoutes(p.api.app)
        .filter((r) => !undocumentedByDesign(r.path))
        .map(key),
    );
    const documented = new Set(allOperations.map(key));
    expect(
      [...mounted].filter((r) => !documented.has(r)),
      'mounted but not documented',
    ).toEqual([]);
    expect(
      [...documented].filter((r) => !mounted.has(r)),
      'documented but not mounted',
    ).toEqual([]);
  });

  it('describes each operation with its method, body and responses', async () => {
    const doc = (await p.client().get('/api/openapi.json')).body;
    for (const op of allOperations) {
      const entry = doc.paths[op.path]?.[op.method];
      expect(entry, key(op)).toBeDefined();
      expect(Boolean(entry.requestBody), `${key(op)} body`).toBe(Boolean(op.body));
      for (const status of Object.keys(op.responses))
        expect(entry.responses[status], `${key(op)} ${status}`).toBeDefined();
    }
  });

  it('serves an interactive reference page', async () => {
    const page = await p.client().get('/api/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const bundle = await p.client().get('/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });

  it('describes every socket event of the typed event maps beside it', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('../../shared/src/events.ts', import.meta.url), 'utf8');
    const declared = [...source.matchAll(/^\s+'([a-z]+(?::[a-z]+)+)':/gm)].map((m) => m[1]);
    const res = await p.client().get('/api/socket-events.json');
    expect(res.status).toBe(200);
    const names = res.body.events.map((e: { name: string }) => e.name);
    expect([...names].sort()).toEqual([...declared].sort());
    expect(res.body.events).toContainEqual(
      expect.objectContaining({ name: 'lab:message:send', direction: 'client-to-server', ack: expect.any(String) }),
    );
    expect(res.body.events).toContainEqual(
      expect.objectContaining({ name: 'post:created', direction: 'server-to-client', payload: 'PostEvent' }),
    );
    const page = await p.client().get('/api/docs/socket-events');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<code>thread:join</code>');
  });
});
