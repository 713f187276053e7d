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
});
