// Live updates across processes when one server's Redis subscriber (the Socket.IO adapter's
// pub/sub connection) is away for a while: Redis keeps nothing for an absent subscriber, so what
// another process publishes meanwhile never reaches that server's sockets. The server tells its
// sockets to catch up once it is subscribed again (server/src/realtime/resync.ts), and a client
// that does what the web client does on it (fetch posts after the last number held) has them all.
//
// Deterministic: this file's server reaches Redis through a small relay that can cut its
// subscriber connection alone and refuse it until told otherwise; the other server, a built
// `node server/dist/main.js`, reaches Redis directly and posts while the subscriber is away.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@commons/server/infra/services/ports';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { childEnv, children, entry, start, type Started } from '../support/processes.js';
import { collectEvents, connectSocket, eventually, nextEvent, type ClientSocket } from '../support/sockets.js';
import { categoryId, newThread, PASSWORD, reply, signUp, type Someone } from '../forums/support.js';

/** A TCP relay to Redis that knows which of its connections are the adapter's ('io-sub', 'io-pub'). */
interface Relay {
  url: string;
  /** Closes the named connections and refuses new ones until `heal`; gives their Redis-side ports. */
  cut(name: 'io-sub' | 'io-pub'): number[];
  heal(): void;
  refused(): number;
  close(): Promise<void>;
}

async function startRelay(target: URL): Promise<Relay> {
  let blocked: string | null = null;
  let refused = 0;
  const named = new Set<{ client: net.Socket; upstream: net.Socket; name: string }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    let head = '';
    let known = false;
    const pair = { client, upstream, name: '' };
    client.on('data', (chunk: Buffer) => {
      if (!known) {
        head += chunk.toString('latin1');
        // ioredis names the connection (CLIENT SETNAME) before anything else it sends.
        const name = /io-(sub|pub)/.exec(head)?.[0];
        if (name) {
          known = true;
          if (blocked === name) {
            refused += 1;
            client.destroy();
            upstream.destroy();
            return;
          }
          pair.name = name;
          named.add(pair);
        } else if (head.length > 512) known = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      named.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${port}`,
    cut(name) {
      blocked = name;
      const cut = [...named].filter((s) => s.name === name);
      for (const s of cut) {
        named.delete(s);
        s.client.destroy();
        s.upstream.destroy();
      }
      return cut.map((s) => s.upstream.localPort ?? 0);
    },
    heal: () => void (blocked = null),
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of named) s.client.destroy();
      }),
  };
}

let p: TestPlatform;
let relay: Relay;
let admin: Redis;
let other: Started;
let otherUrl: string;
let dataDir: string;
const opened: ClientSocket[] = [];

beforeAll(async () => {
  if (!existsSync(entry.server))
    throw new Error(`Build first: npx tsc -b shared server workers (${entry.server} is missing).`);
  relay = await startRelay(new URL(inject('redisUrl')));
  admin = new Redis(inject('redisUrl'));
  p = await startTestPlatform('resync', { redisUrl: relay.url, workers: false });
  dataDir = mkdtempSync(path.join(tmpdir(), 'commons-resync-'));
  const port = await freePort();
  otherUrl = `http://127.0.0.1:${port}`;
  // Another server process on the same store, Redis and prefix, as behind a load balancer.
  other = start(
    entry.server,
    [],
    childEnv(p, dataDir, { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: otherUrl }),
    /server listening/,
  );
  await other.ready;
}, 120_000);

afterAll(async () => {
  for (const s of opened) s.close();
  other?.child.kill('SIGTERM');
  await other?.ended;
  for (const c of children) c.kill('SIGKILL');
  await p?.close();
  await relay?.close();
  admin?.disconnect();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Posts of the thread after `seq`, as the web client fetches them to catch up. */
async function postsAfter(who: Someone, threadId: string, seq: number): Promise<Array<{ id: string; seq: number }>> {
  const res = await who.c.get(`/api/threads/${threadId}/posts?after=${seq}&limit=100`);
  expect(res.status).toBe(200);
  return res.body.posts as Array<{ id: string; seq: number }>;
}

describe('a server whose Redis subscriber was away', () => {
  it('tells its sockets to catch up, and they get what another process published meanwhile', async () => {
    const reader = await signUp(p, 'Resync Reader');
    const writer = await signUp(p, 'Resync Writer');
    const { thread, post: opening } = await newThread(writer, await categoryId(writer.c, 'introductions'), 'Resync');
    const socket = await connectSocket(p.url, reader, opened);
    const joined = await socket.emitWithAck('thread:join', { threadId: thread.id });
    expect(joined.ok).toBe(true);
    const farWriter = { ...writer, c: new TestClient(otherUrl) };
    expect((await farWriter.c.post('/api/auth/login', { email: writer.email, password: PASSWORD })).status).toBe(200);

    // Across processes while connected: a reply saved by the other server arrives live.
    const before = nextEvent(socket, 'post:created', (e) => e.threadId === thread.id);
    const first = await reply(farWriter, thread.id, 'Before the subscriber goes away.');
    expect((await before).post.id).toBe(first.id);
    const held = new Set<number>([opening.seq, first.seq]);
    const live = collectEvents(socket, 'post:created');
    const resyncs = collectEvents(socket, 'session:resync');

    // The subscriber's connection is cut and refused; Redis has dropped it before the reply.
    const ports = relay.cut('io-sub');
    expect(ports.length).toBeGreaterThan(0);
    await eventually(async () => {
      const list = await admin.client('LIST');
      return ports.every((port) => !String(list).includes(`:${port} `));
    });
    await eventually(async () => relay.refused() > 0);
    const missed = await reply(farWriter, thread.id, 'While the subscriber is away.');

    relay.heal();
    await nextEvent(socket, 'session:resync', () => true, 20_000);
    // What the web client does on it: everything after the last number held.
    for (const post of await postsAfter(reader, thread.id, Math.max(...held))) held.add(post.seq);
    expect(held.has(missed.seq)).toBe(true);
    // It did not come live: the catch-up is what brought it.
    expect(live.seen.map((e) => e.post.id)).not.toContain(missed.id);
    expect(resyncs.seen.length).toBe(1);

    // Subscribed again: the next reply from the other process arrives live.
    const after = nextEvent(socket, 'post:created', (e) => e.post.body.includes('subscriber is back'));
    const last = await reply(farWriter, thread.id, 'Now the subscriber is back.');
    expect((await after).post.id).toBe(last.id);
    live.stop();
    resyncs.stop();
  }, 90_000);

  it('after a push it could not publish, every process tells its sockets to catch up', async () => {
    const reader = await signUp(p, 'Resync Far Reader');
    const writer = await signUp(p, 'Resync Near Writer');
    const { thread, post: opening } = await newThread(writer, await categoryId(writer.c, 'introductions'), 'Unsent');
    // The reader's socket is on the other process; the reply is saved by this one.
    const farReader = { ...reader, c: new TestClient(otherUrl) };
    expect((await farReader.c.post('/api/auth/login', { email: reader.email, password: PASSWORD })).status).toBe(200);
    const socket = await connectSocket(otherUrl, farReader, opened);
    expect((await socket.emitWithAck('thread:join', { threadId: thread.id })).ok).toBe(true);
    const live = collectEvents(socket, 'post:created');

    // This process's publishing connection is cut: its push of the reply reaches no other process.
    const refusedBefore = relay.refused();
    const ports = relay.cut('io-pub');
    expect(ports.length).toBeGreaterThan(0);
    await eventually(async () => relay.refused() > refusedBefore);
    const unsent = await reply(writer, thread.id, 'Saved while this process could not publish.');

    relay.heal();
    await nextEvent(socket, 'session:resync', () => true, 20_000);
    const held = new Set<number>([opening.seq]);
    for (const post of await postsAfter(farReader, thread.id, opening.seq)) held.add(post.seq);
    expect(held.has(unsent.seq)).toBe(true);
    expect(live.seen.map((e) => e.post.id)).not.toContain(unsent.id);
    live.stop();
  }, 90_000);
});
