// The all-in-one process (`npm start`: node workers/dist/platform.js; build first with
// `npx tsc -b shared server workers`) with its own FerretDB on a free port and its own data
// folder (SERVICE_PORTS=free: FerretDB on a private PostgreSQL cluster in that folder): a paused store (SIGSTOP) turns reads, replies and /readyz into quick 503s, and a killed
// store is started again by the platform itself. Redis is the run's shared one, under a prefix.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@commons/server/infra/services/ports';
import { queueNames } from '@commons/shared';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { request } from '../../client/src/api.js';
import { createLabRoom } from '../../client/src/labs/room/live.js';
import { keepConnected } from '../../client/src/realtime/keep-connected.js';
import { labBody } from '../labs/support.js';
import { memberWithThread, type TestClient } from '../support/http.js';

const root = path.resolve(import.meta.dirname, '../..');
const platformMain = path.join(root, 'workers/dist/platform.js');
const prefix = `t:outage_${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'commons-outage-'));

let platform: ChildProcess;
let output = '';
let url: string;
let ferretPid: number;
let member: TestClient;
let memberId: string;
let threadId: string;
let queue: Queue;
let outageJobId: string | undefined;
const refusedBody = `Posted while the store was paused ${randomBytes(3).toString('hex')}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

/** /readyz until it answers 200; the time it took. */
async function readyWithin(limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
    if (res?.status === 200) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`not ready after ${limitMs} ms\n${output.slice(-3000)}`);
    await sleep(250);
  }
}

/**
 * Runs the web client's code (client/src/api.ts) against the platform: its same-origin fetch
 * goes to `url` with the member's session; each of its requests' paths is noted in `sent`.
 */
async function asWebClient<T>(sent: string[], run: () => Promise<T>): Promise<T> {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    // The test's own calls (absolute addresses) pass as they are; the web client's are relative.
    if (typeof input !== 'string' || !input.startsWith('/')) return realFetch(input, init);
    sent.push(input);
    const headers = { ...(init?.headers as Record<string, string>), cookie: member.cookieHeader() };
    return realFetch(new URL(String(input), url), { ...init, headers });
  };
  try {
    return await run();
  } finally {
    globalThis.fetch = realFetch;
  }
}

function expectQuick503(res: { status: number; body: unknown; headers: Headers }, ms: number, what: string): void {
  expect(res.status, what).toBe(503);
  expect(res.headers.get('retry-after'), what).toMatch(/^\d+$/);
  expect(ms, `${what} answered in ${Math.round(ms)} ms`).toBeLessThan(2_500);
}

beforeAll(async () => {
  if (!existsSync(platformMain)) throw new Error('Build first: npx tsc -b shared server workers');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  platform = spawn(process.execPath, [platformMain], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      SERVICE_PORTS: 'free',
      COMMONS_SKIP_MONGOMS: '1',
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: prefix,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      // The member below posts at once; confirming an address is not what this test is about.
      EMAIL_VERIFICATION: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  platform.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  platform.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // Its own PostgreSQL cluster first (initdb), then every index: minutes on a loaded 2-core machine.
  await readyWithin(180_000);
  const pid = /FerretDB \S+ on 127\.0\.0\.1:\d+, [^\n"]*?, pid (\d+)/.exec(output)?.[1];
  if (!pid) throw new Error(`no FerretDB pid in the output:\n${output.slice(0, 3000)}`);
  ferretPid = Number(pid);

  ({ member, memberId, threadId } = await memberWithThread(url, 'Olu Outage', {
    title: 'Keeping the lights on',
    body: 'What do we do when the store stalls?',
  }));
}, 240_000);

afterAll(async () => {
  await queue?.close();
  if (ferretPid) {
    try {
      process.kill(ferretPid, 'SIGCONT');
    } catch {
      // already gone (restarted under another pid)
    }
  }
  if (platform && platform.exitCode === null && platform.signalCode === null) {
    const exited = new Promise((r) => platform.once('exit', r));
    platform.kill('SIGTERM');
    const timer = setTimeout(() => platform.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dataDir, { recursive: true, force: true });
  const redis = new Redis(inject('redisUrl'));
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}, 30_000);

describe('a paused store (the process stopped, as in a partition or a stalled disk)', () => {
  it('answers a read, a reply and /readyz with 503 within 2.5 s, and works again once it resumes', async () => {
    process.kill(ferretPid, 'SIGSTOP');
    // A job the platform's workers take during the outage: one attempt only, so only a
    // postponement (not a spent attempt) lets it finish once the store is back.
    queue = new Queue(queueNames.moderation, { connection: { url: inject('redisUrl') }, prefix: `${prefix}:bull` });
    outageJobId = (await queue.add('trust', { kind: 'trust', memberId }, { attempts: 1 })).id;
    // The web client's read, begun in the outage, is sent again after its 503 and is answered once
    // the store is back: the member's page loads instead of showing an error.
    const webReads: string[] = [];
    const webRead = asWebClient(webReads, () =>
      request<{ posts: unknown[] }>('GET', `/api/threads/${threadId}/posts`),
    ).then(
      (body) => ({ body, error: null }),
      (error: unknown) => ({ body: null, error }),
    );
    try {
      const read = await timed(() => member.get(`/api/threads/${threadId}/posts`));
      expectQuick503(read.result, read.ms, 'read');
      expect(read.result.body.error.code).toBe('service_unavailable');

      const refused = await timed(() => member.post(`/api/threads/${threadId}/posts`, { body: refusedBody }));
      expectQuick503(refused.result, refused.ms, 'reply');

      const ready = await timed(() => fetch(`${url}/readyz`));
      expectQuick503(ready.result, ready.ms, 'readyz');
      expect(ready.ms).toBeLessThan(1_500);
      expect(await ready.result.json()).toEqual({ status: 'unavailable', checks: { store: false, redis: true } });
    } finally {
      process.kill(ferretPid, 'SIGCONT');
    }
    await readyWithin(10_000);
    const posts = await member.get(`/api/threads/${threadId}/posts`);
    expect(posts.status).toBe(200);
    expect(posts.text).not.toContain(refusedBody);
    const after = await member.post(`/api/threads/${threadId}/posts`, { body: 'Back after the pause.' });
    expect(after.status, after.text).toBe(201);
    const web = await webRead;
    expect(web.error, `the web client's read: ${String(web.error)}`).toBeNull();
    expect(web.body?.posts.length).toBeGreaterThan(0);
    expect(webReads.length, 'the read was sent again after its 503').toBeGreaterThanOrEqual(2);
  });
});

describe('a socket that connects while the store is paused', () => {
  it('is refused as passing, not signed out; the web client connects by itself, and a room’s join is sent again', async () => {
    const socket: Socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      autoConnect: false,
      extraHeaders: { cookie: member.cookieHeader() },
    });
    keepConnected(socket, { minDelayMs: 500, maxDelayMs: 2_000 });
    const refusals: unknown[] = [];
    socket.on('connect_error', (err: Error & { data?: unknown }) => void refusals.push(err.data));
    const ready = new Promise<{ memberId: string }>((resolve) => socket.once('session:ready', resolve));
    // The member's record as if it had not been read for a while (members/kept.ts): the
    // handshake has to ask the store for it.
    const redis = new Redis(inject('redisUrl'));
    await redis.del(`${prefix}:member:${memberId}`);
    await redis.quit();
    process.kill(ferretPid, 'SIGSTOP');
    try {
      socket.connect();
      const started = performance.now();
      while (refusals.length === 0 && performance.now() - started < 10_000) await sleep(100);
      // Refused as the REST API refuses during the outage: Socket.IO would never try again after a
      // refusal by the handshake's middleware, so the reason and the wait travel with it.
      expect(refusals[0]).toMatchObject({ code: 'service_unavailable', retryAfter: expect.any(Number) });
      expect(socket.connected).toBe(false);
    } finally {
      process.kill(ferretPid, 'SIGCONT');
    }
    try {
      const joined = await Promise.race([ready, sleep(30_000).then(() => null)]);
      expect(joined?.memberId, `refusals: ${JSON.stringify(refusals)}`).toBe(memberId);

      // Connected, the member opens a lab's room while the store stalls: the join is refused for
      // now and sent again until the room comes, instead of leaving an error on the page.
      const lab = await member.post('/api/labs', labBody({ startsAt: new Date(Date.now() + 600_000).toISOString() }));
      expect(lab.status, lab.text).toBe(201);
      const room = createLabRoom({ socket, me: () => memberId, ready: () => socket.connected, say: () => undefined });
      let joins = 0;
      socket.onAnyOutgoing((event: string) => void (event === 'lab:join' && (joins += 1)));
      process.kill(ferretPid, 'SIGSTOP');
      try {
        room.getState().enter(lab.body.lab.id);
        const started = performance.now();
        while (joins < 2 && performance.now() - started < 15_000) await sleep(100);
        expect(joins, 'the refused join was sent again').toBeGreaterThanOrEqual(2);
      } finally {
        process.kill(ferretPid, 'SIGCONT');
      }
      const started = performance.now();
      while (!room.getState().state && performance.now() - started < 30_000) await sleep(100);
      expect(room.getState().error).toBeNull();
      expect(room.getState().state?.lab.id).toBe(lab.body.lab.id);
      room.getState().leave();
    } finally {
      socket.close();
    }
  });
});

describe('a dead store', () => {
  it('is started again by the platform (same port and data), which says so in its log', async () => {
    process.kill(ferretPid, 'SIGKILL');
    const killedAt = performance.now();
    const died = /"level":50,[^\n]*FerretDB on 127\.0\.0\.1:\d+ died \(signal SIGKILL\)/;
    while (!died.test(output)) {
      if (performance.now() - killedAt > 10_000)
        throw new Error(`no error line about the store:\n${output.slice(-3000)}`);
      await sleep(100);
    }
    await readyWithin(30_000);
    expect(performance.now() - killedAt).toBeLessThan(30_000);
    // The log line may reach us just after the first ready answer.
    while (!/FerretDB on 127\.0\.0\.1:\d+ restarted \(pid \d+\)/.test(output)) {
      if (performance.now() - killedAt > 35_000) throw new Error(`no restart line:\n${output.slice(-3000)}`);
      await sleep(100);
    }

    // The same data: the thread and its posts are there; the reply refused during the pause is not.
    const posts = await member.get(`/api/threads/${threadId}/posts`);
    expect(posts.status).toBe(200);
    expect(posts.text).toContain('Back after the pause.');
    expect(posts.text).not.toContain(refusedBody);
    const thread = await member.get(`/api/threads/${threadId}`);
    expect(thread.body.thread.postCount).toBe(2);
    const again = await member.post(`/api/threads/${threadId}/posts`, { body: 'And after its death.' });
    expect(again.status, again.text).toBe(201);
  }, 45_000);
});

describe('a job that met the outage', () => {
  it('was postponed, not failed, and ran once the store was back', async () => {
    const job = await queue.getJob(outageJobId!);
    let state = await job!.getState();
    for (let i = 0; i < 80 && state !== 'completed' && state !== 'failed'; i++) {
      await sleep(250);
      state = await job!.getState();
    }
    expect(state).toBe('completed');
    expect(output).toMatch(/store unavailable; job postponed/);
  }, 30_000);
});
