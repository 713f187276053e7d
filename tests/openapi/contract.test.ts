import type { Operation } from '@commons/server/openapi/operation';
import { clientEvents, serverEvents } from '@commons/server/realtime/events';
import { allRoutes } from '@commons/server/routes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { concretePath, sendRaw } from '../support/routes.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('openapi', { workers: false });
});
afterAll(async () => {
  await p?.close();
});

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

  it('defines each route once, with a path whose parameters its params schema names', () => {
    const keys = allRoutes.map(key);
    expect(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      'defined twice',
    ).toEqual([]);
    const mismatched = allRoutes.filter((r: Operation) => {
      const inPath = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const inSchema = Object.keys(r.params?.shape ?? {}).sort();
      return inPath.join() !== inSchema.join();
    });
    expect(mismatched.map(key), 'path parameters without a schema, or schema keys not in the path').toEqual([]);
  });

  it('documents, for every operation, its access and the error answers that access implies', async () => {
    const doc = (await p.client().get('/api/openapi.json')).body;
    const problems: string[] = [];
    for (const op of allRoutes) {
      const entry = doc.paths[op.path]?.[op.method];
      if (!entry) {
        problems.push(`${key(op)} missing`);
        continue;
      }
      if (Boolean(entry.requestBody) !== Boolean(op.body)) problems.push(`${key(op)} request body`);
      for (const status of Object.keys(op.responses))
        if (!entry.responses[status]) problems.push(`${key(op)} ${status} undocumented`);
      const needs = [
        ...(op.access === 'public' ? [] : ['401']),
        ...(op.access === 'moderator' || op.access === 'admin' ? ['403'] : []),
        ...(op.limit ? ['429'] : []),
        '500',
      ];
      for (const status of needs)
        if (!entry.responses[status]?.content?.['application/json']) problems.push(`${key(op)} ${status} error shape`);
      if (op.access !== 'public' && !entry.security) problems.push(`${key(op)} security`);
    }
    expect(problems).toEqual([]);
  });

  it('is what the app serves: every defined route answers on its path (signed-in routes with 401 to no session)', async () => {
    const problems: string[] = [];
    for (const op of allRoutes) {
      const res = await sendRaw(p.url, op.method, concretePath(op), {});
      const text = await res.text();
      // The API's catch-all answers `No such endpoint.`: a route that is defined but not mounted would get it.
      const open = op.access === 'public' || op.access === 'publicFace';
      if (!open && res.status !== 401) problems.push(`${key(op)} -> ${res.status} (expected 401)`);
      if (open && text.includes('No such endpoint.') && op.path !== '/metrics')
        problems.push(`${key(op)} -> not mounted`);
    }
    expect(problems).toEqual([]);
  });

  it('serves an interactive reference page', async () => {
    const page = await p.client().get('/api/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const bundle = await p.client().get('/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });

  it('describes every socket event of the event table, with the schema commands are parsed with', async () => {
    const res = await p.client().get('/api/socket-events.json');
    expect(res.status).toBe(200);
    const names = res.body.events.map((e: { name: string }) => e.name);
    expect([...names].sort()).toEqual([...Object.keys(clientEvents), ...Object.keys(serverEvents)].sort());
    expect(res.body.events).toContainEqual(
      expect.objectContaining({
        name: 'lab:message:send',
        direction: 'client-to-server',
        sender: 'member',
        ack: 'LabMessage',
        schema: expect.objectContaining({ required: expect.arrayContaining(['labId']) }),
      }),
    );
    expect(res.body.events).toContainEqual(
      expect.objectContaining({ name: 'post:created', direction: 'server-to-client', payload: 'PostEvent' }),
    );
    const page = await p.client().get('/api/docs/socket-events');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<code>thread:join</code>');
  });
});
