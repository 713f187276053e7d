// The platform on several processes, the shape of deploy/compose.scale.yml on one machine:
// Debian's nginx on loopback, with the deployed proxy settings (deploy/nginx/proxy.conf), in
// front of three server processes and two worker processes on one Redis and one store.
// Needs nginx (`.ci/run` installs it; elsewhere `apt-get install nginx-light`) and the build.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '@commons/server/infra/services/ports';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, PASSWORD, type Someone } from '../forums/support.js';
import { collect, connectAs, createLab, minutesFromNow, next, waitUntil, type ClientSocket } from '../labs/support.js';
import { keepConnected } from '../../client/src/realtime/keep-connected.js';
import { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { startNginx } from '../support/cluster.js';
import { childEnv, children, entry, errorsIn, start, type Started } from '../support/processes.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'commons-multinode-'));

let p: TestPlatform;
let proxyUrl: string;
const servers: { url: string; run: Started }[] = [];
const workers: Started[] = [];
const sockets: ClientSocket[] = [];

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

const METRICS_TOKEN = 'multinode-metrics-token-0123456789';

/** How many sockets a server process holds now (its Prometheus gauge). */
async function socketsOn(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('commons_sockets_connected '));
  return Number(line?.split(' ')[1] ?? 0);
}

/** A member registered through the proxy, as a browser would. */
async function member(name: string): Promise<Someone> {
  // Registration allows 20 an hour from one address; every member here comes from loopback.
  const limits = await p.runtime.redis.keys(`${p.runtime.config.REDIS_PREFIX}:rl:register-ip:*`);
  if (limits.length) await p.runtime.redis.del(...limits);
  const c = new TestClient(proxyUrl);
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${Date.now()}@example.org`;
  const res = await c.post('/api/auth/register', { email, password: PASSWORD, displayName: name });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { c, id: res.body.user.id as string, name, email };
}

/** A socket of `who` on one given process (or on the proxy). */
const socketOn = (url: string, who: Someone) => connectAs({ ...p, url }, who, sockets);

/** Members in the lab for the fault test (`npm run faults -- server-kill` runs it at scale, with figures). */
const FAULT_MEMBERS = Number(process.env.FAULT_MEMBERS ?? 24);
const FAULT_MESSAGES = 40;
/** How long the room may take to come back whole after the kill, on a machine running other tests. */
const RECOVERY_MS = 90_000;

/**
 * A member's room as the web client keeps it: a socket through the proxy that reconnects by
 * itself, rejoins the lab and asks for the messages after the last number it has.
 */
async function roomClient(who: Someone, labId: string) {
  const socket: ClientSocket = connect(proxyUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    extraHeaders: { cookie: who.c.cookieHeader() },
  });
  sockets.push(socket);
  keepConnected(socket, { minDelayMs: 200, maxDelayMs: 2_000 });
  const seqs: number[] = [];
  const live = new Set<number>();
  let repeats = 0;
  let lastSeq = 0;
  let caughtUp = 0;
  let reconnects = 0;
  const take = (seq: number) => {
    if (seqs.includes(seq)) return; // known already: the room shows each number once
    seqs.push(seq);
    lastSeq = Math.max(lastSeq, seq);
  };
  socket.on('lab:message', (m) => {
    // The same number pushed twice by the servers is a repeat, whatever catch-up brought.
    if (live.has(m.seq)) repeats += 1;
    live.add(m.seq);
    take(m.seq);
  });
  // As the web client does: join, then ask for what came after the last number it has; a
  // command that meets a busy or dying process is tried again.
  const rejoin = async (): Promise<void> => {
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        // What we had before joining: live messages may arrive between the join and the catch-up.
        const from = lastSeq;
        const joined = await socket.timeout(10_000).emitWithAck('lab:join', { labId });
        if (!joined.ok) throw new Error(joined.error.code);
        for (const m of joined.data.messages) take(m.seq);
        const since = await socket.timeout(10_000).emitWithAck('lab:messages:since', { labId, seq: from });
        if (!since.ok) throw new Error(since.error.code);
        for (const m of since.data.messages) if (!seqs.includes(m.seq)) take(m.seq);
        caughtUp = since.data.lastSeq;
        return;
      } catch {
        if (!socket.connected) return; // the next session:ready rejoins
        await delay(500);
      }
    }
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('session:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on('session:ready', () => {
    reconnects += 1;
    void rejoin().catch(() => undefined);
  });
  await rejoin();
  return {
    send: async (body: string): Promise<number | null> => {
      try {
        const ack = await socket.timeout(3000).emitWithAck('lab:message:send', { labId, body });
        return ack.ok ? ack.data.seq : null;
      } catch {
        return null; // no answer: the member sees it failed, and it does not count as sent
      }
    },
    connected: () => socket.connected,
    caughtUpTo: () => Math.max(caughtUp, lastSeq),
    seqs: () => seqs,
    repeats: () => repeats,
    reconnects: () => reconnects,
  };
}

beforeAll(async () => {
  for (const file of [entry.server, entry.workers]) {
    if (!existsSync(file)) throw new Error(`Build first: npx tsc -b shared server workers (${file} is missing).`);
  }
  p = await startTestPlatform('multinode', { workers: false });
  const proxyPort = await freePort();
  proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const env = (extra: Record<string, string>) =>
    childEnv(p, dataDir, { PUBLIC_URL: proxyUrl, TRUST_PROXY: '1', LOG_LEVEL: 'warn', ...extra });

  const ports = [await freePort(), await freePort(), await freePort()];
  for (const port of ports) {
    const run = start(
      entry.server,
      [],
      env({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', METRICS_TOKEN: METRICS_TOKEN }),
    );
    servers.push({ url: `http://127.0.0.1:${port}`, run });
  }
  for (let i = 0; i < 2; i++) workers.push(start(entry.workers, [], env({ LOG_LEVEL: 'info' }), /workers running/));

  startNginx(path.join(dataDir, 'nginx'), proxyPort, ports);

  try {
    const started = Promise.all(workers.map((w) => w.ready)).then(() =>
      waitUntil(
        async () => (await Promise.all([...servers.map((s) => s.url), proxyUrl].map(answers))).every(Boolean),
        200_000,
      ),
    );
    await Promise.race([started, delay(240_000).then(() => Promise.reject(new Error('not ready in 240 s')))]);
  } catch (err) {
    const tails = [...servers.map((s) => s.run), ...workers].map((r, i) => `process ${i}: ${r.output().slice(-1200)}`);
    throw new Error(
      `${String(err)}: the processes did not all start and answer through the proxy:\n${tails.join('\n')}`,
      { cause: err },
    );
  }
}, 300_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const child of children) child.kill('SIGTERM');
  await delay(300);
  for (const child of children) child.kill('SIGKILL');
  await p?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('three server processes behind nginx', () => {
  it('share sessions: a member signed in through the proxy is signed in on every process', async () => {
    const ana = await member('Ana Nodes');
    for (const { url } of servers) {
      const me = await fetch(`${url}/api/auth/me`, { headers: { cookie: ana.c.cookieHeader() } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { user: { id: string } }).user.id).toBe(ana.id);
    }
  });

  it('push a post made through any process to sockets on every process, once each and in order', async () => {
    const [author, reader] = [await member('Ada Author'), await member('Rey Reader')];
    const category = await categoryId(author.c, 'introductions');
    const { thread } = await newThread(author, category, 'Across processes', 'Opening post.');
    const listeners = [
      ...(await Promise.all(servers.map((s) => socketOn(s.url, reader)))),
      await socketOn(proxyUrl, reader),
    ];
    for (const socket of listeners)
      expect((await socket.emitWithAck('thread:join', { threadId: thread.id })).ok).toBe(true);
    const heard = listeners.map((socket) => collect(socket, 'post:created'));

    // Requests through the proxy go round-robin, so these replies are saved by different processes.
    const bodies = ['First reply.', 'Second reply.', 'Third reply.', 'Fourth reply.'];
    for (const body of bodies)
      expect((await author.c.post(`/api/threads/${thread.id}/posts`, { body })).status).toBe(201);

    await waitUntil(() => heard.every((h) => h.seen.length >= bodies.length), 15_000);
    await delay(300);
    for (const h of heard) {
      expect(h.seen.map((e) => e.post.body)).toEqual(bodies);
      const seqs = h.seen.map((e) => e.post.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });

  it('keep a lab whole across processes: one presence list, one numbered chat', async () => {
    const host = await member('Hana Host');
    const guests = [await member('Gus Guest'), await member('Gia Guest'), await member('Gil Guest')];
    const lab = await createLab(host, { startsAt: minutesFromNow(10) });
    const rooms = await Promise.all(guests.map((g, i) => socketOn(servers[i]!.url, g)));
    for (const room of rooms) expect((await room.emitWithAck('lab:join', { labId: lab.id })).ok).toBe(true);

    const state = await rooms[2]!.emitWithAck('lab:join', { labId: lab.id });
    expect(state.ok && state.data.participants.map((m) => m.id).sort()).toEqual(guests.map((g) => g.id).sort());

    const chats = rooms.map((room) => collect(room, 'lab:message'));
    const sent = await Promise.all(
      rooms.map((room, i) => room.emitWithAck('lab:message:send', { labId: lab.id, body: `Hello from process ${i}` })),
    );
    expect(sent.map((r) => (r.ok ? r.data.seq : 0)).sort()).toEqual([1, 2, 3]);
    await waitUntil(() => chats.every((c) => c.seen.length === 3), 10_000);
    // Sent at the same moment from three processes, they may arrive in any order; the room
    // orders by number, so each socket must hear each number exactly once.
    for (const c of chats) expect(c.seen.map((m) => m.seq).sort()).toEqual([1, 2, 3]);

    // One guest leaves on one process; the others, elsewhere, see it.
    const left = next(rooms[0]!, 'lab:presence', (e) => e.left.includes(guests[2]!.id));
    await rooms[2]!.emitWithAck('lab:leave', { labId: lab.id });
    expect((await left).count).toBe(2);
  });

  it('run without errors in any process log', () => {
    for (const run of [...servers.map((s) => s.run), ...workers]) expect(errorsIn(run.output())).toEqual([]);
  });
});

describe('a server process killed with SIGKILL in the middle of a lab', () => {
  it('loses no message and repeats none: members reconnect through the proxy and catch up by number', async () => {
    const host = await member('Kai Killtest');
    const lab = await createLab(host, { startsAt: minutesFromNow(10) });
    const people: Someone[] = [];
    // In tens: each `member` call forgets the address's registrations, which allow 20 an hour.
    for (let i = 0; i < FAULT_MEMBERS; i += 10) {
      const batch = Array.from({ length: Math.min(10, FAULT_MEMBERS - i) }, (_, j) => member(`Member ${i + j} Fault`));
      people.push(...(await Promise.all(batch)));
    }
    const clients = await Promise.all(people.map((who) => roomClient(who, lab.id)));
    const speaker = await roomClient(host, lab.id);

    // The host keeps talking; one of the three processes dies half-way through: the one holding
    // the most of the room's sockets (the proxy may have kept one process out of rotation for a
    // while, and a process with nobody on it would test nothing).
    const held = await Promise.all(servers.map((s) => socketsOn(s.url)));
    const victim = servers[held.indexOf(Math.max(...held))]!;
    const confirmed: number[] = [];
    const failedAt: number[] = [];
    const killedAt = { ms: 0 };
    let confirmedAfterKill = 0;
    // Half the messages after the kill, and on until one of them is confirmed (a loaded machine
    // takes a while to move two dozen sockets), for at most RECOVERY_MS.
    for (let i = 0; i < FAULT_MESSAGES || (confirmedAfterKill === 0 && Date.now() - killedAt.ms < RECOVERY_MS); i++) {
      if (i === FAULT_MESSAGES / 2) {
        victim.run.child.kill('SIGKILL');
        killedAt.ms = Date.now();
      }
      const ack = await speaker.send(`Message ${i}`);
      if (ack) {
        confirmed.push(ack);
        if (killedAt.ms) confirmedAfterKill += 1;
      } else failedAt.push(Date.now() - (killedAt.ms || Date.now()));
      await delay(20);
    }
    await victim.run.ended;

    // Everyone is back, on the two processes left, and has caught up.
    await waitUntil(
      () => [...clients, speaker].every((c) => c.connected() && c.caughtUpTo() >= Math.max(...confirmed)),
      RECOVERY_MS,
    ).catch((err: unknown) => {
      const behind = [...clients, speaker]
        .map((c, i) => ({ i, connected: c.connected(), caughtUpTo: c.caughtUpTo(), reconnects: c.reconnects() }))
        .filter((c) => !c.connected || c.caughtUpTo < Math.max(...confirmed));
      throw new Error(
        `${String(err)}: last confirmed ${Math.max(...confirmed)}; sockets per process ${JSON.stringify(held)}; behind ${JSON.stringify(behind)}`,
      );
    });
    const lost = clients.map((c) => confirmed.filter((seq) => !c.seqs().includes(seq)).length);
    const repeated = clients.map((c) => c.repeats());
    // Should this fail, what each process held and when the host's sends failed say where it stopped.
    expect(
      confirmedAfterKill,
      `sockets per process ${JSON.stringify(held)}; host's failed sends at ms after the kill ${JSON.stringify(failedAt)}; host reconnected ${speaker.reconnects()} times`,
    ).toBeGreaterThan(0);
    expect({ lost: Math.max(...lost), repeated: Math.max(...repeated) }).toEqual({ lost: 0, repeated: 0 });
    expect(clients.filter((c) => c.reconnects() > 0).length).toBeGreaterThan(0);
  }, 300_000);
});
