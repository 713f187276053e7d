// Which failures count as "a dependency is away" (a 503 with Retry-After, a quiet warning) and
// which are real errors, with the drivers' own error classes and a real Redis connection.
import { createSessionStore } from '@commons/server/auth/session';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { errorHandler, isDependencyDown } from '@commons/server/http/errors';
import { createLogger } from '@commons/server/infra/log';
import type { SessionData } from 'express-session';
import { Redis } from 'ioredis';
import { MongoBulkWriteError, MongoNetworkError, MongoNetworkTimeoutError } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';

describe('a dependency that is away', () => {
  it('a bulk write whose connection timed out is the store being away, a refused write is not', () => {
    const timedOut = new MongoBulkWriteError(
      new MongoNetworkTimeoutError('connection 5 to 127.0.0.1:43377 timed out'),
      // The result the driver passes along; not read here.
      {} as ConstructorParameters<typeof MongoBulkWriteError>[1],
    );
    expect(timedOut.name).toBe('MongoBulkWriteError');
    expect(isDependencyDown(timedOut)).toBe(true);
    // Seen in the soak as a 500: the pool cleared under a late heartbeat, in another wording.
    const interrupted = new MongoBulkWriteError(
      new MongoNetworkError('Connection to 127.0.0.1:41883 interrupted due to server monitor timeout'),
      {} as ConstructorParameters<typeof MongoBulkWriteError>[1],
    );
    expect(isDependencyDown(interrupted)).toBe(true);
    const refused = new MongoBulkWriteError(
      { message: 'E11000 duplicate key error', code: 11000, writeErrors: [{ code: 11000 }] } as never,
      {} as ConstructorParameters<typeof MongoBulkWriteError>[1],
    );
    expect(isDependencyDown(refused)).toBe(false);
  });

  it('a session refresh while Redis is away: no error passed on, one warning with a code per outage', async () => {
    const lines: Array<{ level: number; msg: string; code?: string }> = [];
    const log = createLogger({
      level: 'info',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const client = new Redis(inject('redisUrl'), {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 2,
      lazyConnect: true,
    });
    await client.connect();
    const store = createSessionStore({ redis: client, prefix: 't:dependency-errors', ttlDays: 1, log });
    const session = { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) } } as SessionData;
    const touch = () =>
      new Promise<unknown>((resolve) => store.touch('sid-1', session, (err?: unknown) => resolve(err)));

    // Away: the connection is closed (as while Redis restarts) and no command can be sent.
    client.disconnect();
    expect(await touch()).toBeUndefined();
    expect(await touch()).toBeUndefined();
    expect(await touch()).toBeUndefined();
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/session expiry not refreshed/);
    expect(warnings[0]!.code).toBe('REDIS_CONNECTION_CLOSED');

    // Back: the next refresh works and says so once.
    while (client.status !== 'end') await new Promise((r) => setTimeout(r, 20));
    await client.connect();
    expect(await touch()).toBeUndefined();
    expect(lines.filter((l) => l.level === 30 && /refreshed again/.test(l.msg))).toHaveLength(1);
    client.disconnect();
  });

  it('answers 503 with Retry-After, and says in one warning a while which dependency and which route', async () => {
    const lines: Array<{
      level: number;
      msg: string;
      path?: string;
      answered503Before?: number;
      err?: { message: string };
    }> = [];
    const log = createLogger({
      level: 'info',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const app = express();
    app.post('/api/threads/:id/posts', (_req, _res, next) => next(new Error('Command timed out')));
    app.use(errorHandler(log));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/api/threads/t1/posts`, { method: 'POST' });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
      }
    } finally {
      server.close();
    }
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      msg: 'a dependency did not answer: 503',
      path: 'POST /api/threads/:id/posts',
      err: { message: 'Command timed out' },
    });
  });
});
