import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitForPort } from '@commons/server/infra/services/ports';
import { COMMAND_TIMED_OUT, createRedis, waitForRedis } from '@commons/server/infra/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * A Redis command's deadline (REDIS_COMMAND_TIMEOUT_MS) on a loaded server: a reply that came while
 * the event loop was busy is read, not reported as a timeout; a Redis that does not answer still
 * fails the command soon after the deadline. A redis-server of this file's own, since it is paused.
 */

let server: ChildProcess;
let url: string;
const clients: Redis[] = [];

beforeAll(async () => {
  const port = await freePort();
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], { stdio: 'ignore' });
  await waitForPort('127.0.0.1', port, 10_000);
  url = `redis://127.0.0.1:${port}`;
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  server?.kill('SIGCONT');
  server?.kill('SIGTERM');
});

const connect = async (client: Redis) => {
  client.on('error', () => undefined);
  clients.push(client);
  await waitForRedis(client);
  return client;
};

/** The event loop held for `ms` by work of the process's own, as under load. */
const busyFor = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

describe("a Redis command's deadline", () => {
  it('reads a reply that arrived while the event loop was busy past it', async () => {
    const client = await connect(createRedis(url, { name: 'lagging', commandTimeoutMs: 200 }));
    await client.set('lag:key', 'here');
    const asked = client.get('lag:key');
    busyFor(600);
    await expect(asked).resolves.toBe('here');
    // ioredis' own deadline, decided before the waiting reply is read, calls it a timeout.
    const plain = await connect(new Redis(url, { commandTimeout: 200, enableOfflineQueue: false }));
    const plainAsked = plain.get('lag:key');
    busyFor(600);
    await expect(plainAsked).rejects.toThrow(COMMAND_TIMED_OUT);
  });

  it('still fails a command Redis does not answer, soon after the deadline', async () => {
    const client = await connect(createRedis(url, { name: 'paused', commandTimeoutMs: 200 }));
    server.kill('SIGSTOP');
    try {
      const started = Date.now();
      await expect(client.get('lag:key')).rejects.toThrow(COMMAND_TIMED_OUT);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(195);
      expect(waited).toBeLessThan(2_000);
    } finally {
      server.kill('SIGCONT');
    }
    await expect(client.get('lag:key')).resolves.toBe('here');
  });
});
