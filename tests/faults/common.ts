// What the fault runs share: where figures go, the state of the machine, a member's live client
// (a socket through the proxy that reconnects and catches up by sequence number, as the web
// client does), and timed HTTP probes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ClientToServerEvents, LabCreateBody, ServerToClientEvents } from '@commons/shared';
import mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { createGapFiller, missedAfter } from '../../client/src/realtime/live-gap.js';
import { hashPassword } from '@commons/server/auth/passwords';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import { PostModel } from '@commons/server/forums/model';
import { MemberModel } from '@commons/server/members/model';
import { PASSWORD, type Cluster, type Member } from '../support/cluster.js';
import { TestClient } from '../support/http.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const root = path.resolve(import.meta.dirname, '../..');
export const resultsFile = path.join(root, 'tests/results/faults.json');

/** The machine as the run found it: it is shared, so every figure is read against its load. */
export function machine(): Record<string, number | string> {
  const [load1, load5] = os.loadavg();
  return {
    cpus: os.cpus().length,
    load1: round(load1!),
    load5: round(load5!),
    memoryGiB: round(os.totalmem() / 2 ** 30),
  };
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Appends one run's figures to tests/results/faults.json (a list per fault, newest last). */
export function recordFault(name: string, figures: Record<string, unknown>): void {
  const all = existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown[]>)
    : {};
  const runs = Array.isArray(all[name]) ? all[name] : [];
  runs.push({ at: new Date().toISOString(), ...figures });
  all[name] = runs;
  writeFileSync(resultsFile, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`[faults] ${name}: ${JSON.stringify(figures)}`);
}

/**
 * The warnings and errors the cluster's processes logged, counted by process, message and where
 * (a 503's route, the error's message and the first frame of the platform's own code in its
 * stack): which path refused, so a run's refusals can be told apart.
 */
export function warningsOf(cluster: Cluster): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { name, output } of cluster.outputs()) {
    for (const line of output.split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: {
        level?: number;
        msg?: string;
        path?: string;
        answered503Before?: number;
        err?: { message?: string; stack?: string };
      };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if ((entry.level ?? 0) < 40) continue;
      const frame = entry.err?.stack
        ?.split('\n')
        .find((l) => /\/(server|workers)\/dist\//.test(l))
        ?.replace(/^.*\/(server|workers)\/dist\//, '$1/')
        .replace(/\)$/, '');
      const where = [entry.path, entry.err?.message, frame].filter(Boolean).join(' | ');
      const key = `${name.replace(/ \d+$/, '')}: ${entry.msg ?? '?'}${where ? ` (${where})` : ''}`;
      // A 503 line sums up those answered since the last one.
      counts[key] = (counts[key] ?? 0) + 1 + (entry.answered503Before ?? 0);
    }
  }
  return counts;
}

export const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

export async function createLab(host: Member): Promise<string> {
  const body: LabCreateBody = {
    title: 'Fault run lab',
    purpose: 'Keep talking while parts of the platform fail.',
    startsAt: minutesFromNow(10),
    durationMinutes: 90,
    visibility: 'public',
    facilitatorIds: [],
    agenda: [{ title: 'Talk', minutes: 60, kind: 'discuss' }],
  };
  const res = await host.c.post('/api/labs', body);
  if (res.status !== 201) throw new Error(`lab: ${res.status} ${res.text}`);
  return res.body.lab.id as string;
}

export async function createThread(author: Member, title: string): Promise<string> {
  const categories = await author.c.get('/api/categories');
  const category = (categories.body.categories as Array<{ id: string }>)[0]!;
  const res = await author.c.post('/api/threads', { categoryId: category.id, title, body: `Opening: ${title}.` });
  if (res.status !== 201) throw new Error(`thread: ${res.status} ${res.text}`);
  return res.body.thread.id as string;
}

/** Percentile of a list of numbers (0 for an empty list). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface RoomClient {
  member: Member;
  connected(): boolean;
  /** Lab message numbers and thread post numbers held, each once. */
  labSeqs: Set<number>;
  postSeqs: Set<number>;
  /** The same number pushed twice over the live connection. */
  repeats(): number;
  reconnects(): number;
  /** How often its server said it may have missed live events ('session:resync'). */
  resyncs(): number;
  /** When the last reconnect finished catching up (ms since epoch), 0 if none. */
  lastRecoveredAt(): number;
  /** Asks for what a gap in the live post numbers skipped, not yet answered (as the web client asks). */
  gapsPending(): number;
  sendLab(body: string): Promise<number | null>;
  close(): void;
}

/**
 * A member's live client through the proxy: joins the lab and the thread, and after every
 * reconnect joins again and asks for everything after the last number it holds.
 */
export async function roomClient(
  cluster: Cluster,
  who: Member,
  room: { labId?: string; threadId?: string },
): Promise<RoomClient> {
  const socket: ClientSocket = io(cluster.proxyUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
    extraHeaders: { cookie: who.c.cookieHeader() },
  });
  const labSeqs = new Set<number>();
  const postSeqs = new Set<number>();
  const liveLab = new Set<number>();
  const livePosts = new Set<number>();
  let repeats = 0;
  let reconnects = 0;
  let resyncs = 0;
  let recoveredAt = 0;
  const maxOf = (s: Set<number>) => (s.size ? Math.max(...s) : 0);
  const labMessagesAfter = async (after: number): Promise<void> => {
    if (!room.labId) return;
    const since = await socket.timeout(10_000).emitWithAck('lab:messages:since', { labId: room.labId, seq: after });
    if (since.ok) for (const m of since.data.messages) labSeqs.add(m.seq);
  };
  // As the web client does (realtime/live-gap.ts): a number past the next asks, a little later, for what came after.
  const labGaps = createGapFiller(labMessagesAfter);
  socket.on('lab:message', (m) => {
    if (liveLab.has(m.seq)) repeats += 1;
    const gap = labSeqs.size ? missedAfter(maxOf(labSeqs), m.seq) : null;
    liveLab.add(m.seq);
    labSeqs.add(m.seq);
    if (gap !== null) labGaps.noted(gap);
  });
  const postsAfter = async (from: number): Promise<void> => {
    for (let after = from; ;) {
      const page = await who.c.get(`/api/threads/${room.threadId}/posts?after=${after}&limit=100`);
      if (page.status !== 200) throw new Error(`posts since ${after}: ${page.status}`);
      const posts = page.body.posts as Array<{ seq: number }>;
      for (const p of posts) postSeqs.add(p.seq);
      if (!page.body.hasMore || !posts.length) break;
      after = posts.at(-1)!.seq;
    }
  };
  const postGaps = createGapFiller(postsAfter);
  socket.on('post:created', (e) => {
    if (e.threadId !== room.threadId) return;
    if (livePosts.has(e.post.seq)) repeats += 1;
    const gap = missedAfter(maxOf(postSeqs), e.post.seq);
    livePosts.add(e.post.seq);
    postSeqs.add(e.post.seq);
    if (gap !== null) postGaps.noted(gap);
  });
  const catchUp = async (): Promise<void> => {
    if (room.labId) {
      const from = maxOf(labSeqs);
      const joined = await socket.timeout(10_000).emitWithAck('lab:join', { labId: room.labId });
      if (!joined.ok) throw new Error(joined.error.code);
      for (const m of joined.data.messages) labSeqs.add(m.seq);
      for (let after = from; ;) {
        const since = await socket.timeout(10_000).emitWithAck('lab:messages:since', { labId: room.labId, seq: after });
        if (!since.ok) throw new Error(since.error.code);
        for (const m of since.data.messages) labSeqs.add(m.seq);
        const last = since.data.messages.at(-1)?.seq ?? after;
        if (last >= since.data.lastSeq || last === after) break;
        after = last;
      }
    }
    if (room.threadId) {
      // What we had before joining: live posts may arrive between the join and the catch-up.
      const from = maxOf(postSeqs);
      const joined = await socket.timeout(10_000).emitWithAck('thread:join', { threadId: room.threadId });
      if (!joined.ok) throw new Error(joined.error.code);
      await postsAfter(from);
    }
  };
  const rejoin = async (): Promise<void> => {
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        await catchUp();
        recoveredAt = Date.now();
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
    void rejoin();
  });
  // Its server's Redis subscriber was away: what others published meanwhile never came; catch up.
  socket.on('session:resync', () => {
    resyncs += 1;
    void rejoin();
  });
  await rejoin();
  return {
    member: who,
    connected: () => socket.connected,
    labSeqs,
    postSeqs,
    repeats: () => repeats,
    reconnects: () => reconnects,
    resyncs: () => resyncs,
    lastRecoveredAt: () => recoveredAt,
    gapsPending: () => Number(labGaps.pending()) + Number(postGaps.pending()),
    sendLab: async (body) => {
      if (!room.labId) return null;
      try {
        const ack = await socket.timeout(3000).emitWithAck('lab:message:send', { labId: room.labId, body });
        return ack.ok ? ack.data.seq : null;
      } catch {
        return null; // no answer: the member sees it failed, and it does not count as sent
      }
    },
    close: () => {
      labGaps.stop();
      postGaps.stop();
      socket.close();
    },
  };
}

/** One request with its status, Retry-After and time; a request that does not answer in `limitMs` counts as a hang. */
export async function probe(
  url: string,
  init: RequestInit = {},
  limitMs = 10_000,
): Promise<{ status: number; retryAfter: string | null; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(limitMs) });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
  } catch {
    return { status: 0, retryAfter: null, ms: performance.now() - started };
  }
}

/** What a series of probes during an outage showed. */
export function summarizeProbes(probes: { status: number; retryAfter: string | null; ms: number }[]) {
  const failed = probes.filter((p) => p.status !== 200 && p.status !== 201);
  return {
    requests: probes.length,
    ok: probes.length - failed.length,
    with503: failed.filter((p) => p.status === 503).length,
    with503RetryAfter: failed.filter((p) => p.status === 503 && p.retryAfter !== null).length,
    otherStatus: [...new Set(failed.filter((p) => p.status !== 503).map((p) => p.status))],
    hangs: probes.filter((p) => p.status === 0).length,
    maxMs: Math.round(Math.max(0, ...probes.map((p) => p.ms))),
    p50Ms: Math.round(
      percentile(
        probes.map((p) => p.ms),
        50,
      ),
    ),
    over2s: probes.filter((p) => p.ms > 2000).length,
  };
}

/**
 * The replies screening held or hid in these threads (by thread, their numbers): accepted with a
 * 201, they reach their author only, so a run does not count them as deliveries it missed.
 */
export async function restrictedSeqs(cluster: Cluster, threadIds: string[]): Promise<Map<string, Set<number>>> {
  // A client of its own: the run's mongoose connection was closed after the sign-ins.
  const client = await new mongoose.mongo.MongoClient(cluster.mongoUri).connect();
  try {
    const rows = await client
      .db()
      .collection<{ threadId: mongoose.Types.ObjectId; seq: number }>(PostModel.collection.collectionName)
      .find(
        { threadId: { $in: threadIds.map((id) => new mongoose.Types.ObjectId(id)) }, status: { $ne: 'visible' } },
        { projection: { threadId: 1, seq: 1 } },
      )
      .toArray();
    const out = new Map<string, Set<number>>(threadIds.map((id) => [id, new Set<number>()]));
    for (const row of rows) out.get(row.threadId.toHexString())?.add(row.seq);
    return out;
  } finally {
    await client.close();
  }
}

/**
 * Many signed-in members at once: written straight to the store (as npm run bench:forums does;
 * registering each through the API hashes a password per member and takes minutes for
 * thousands), then signed in through the proxy. Each login hashes once; 20 at a time.
 */
export async function signedInMembers(cluster: Cluster, count: number, label: string): Promise<Member[]> {
  const tag = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${Date.now()}`;
  await connectDatabase(cluster.mongoUri);
  try {
    const passwordHash = await hashPassword(PASSWORD);
    const docs = Array.from({ length: count }, (_, i) => ({
      email: `${tag}.${i}@example.org`,
      displayName: `${label} ${i}`,
      passwordHash,
    }));
    for (let i = 0; i < docs.length; i += 500) await MemberModel.insertMany(docs.slice(i, i + 500));
  } finally {
    await disconnectDatabase();
  }
  const people: Member[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, async (_, j): Promise<Member> => {
      const email = `${tag}.${i + j}@example.org`;
      const c = new TestClient(cluster.proxyUrl);
      for (let attempt = 0; ; attempt++) {
        const res = await c.post('/api/auth/login', { email, password: PASSWORD });
        if (res.status === 200) return { c, id: res.body.user.id as string, name: `${label} ${i + j}`, email };
        if (attempt > 5) throw new Error(`login ${email}: ${res.status} ${res.text}`);
        await delay(1000);
      }
    });
    people.push(...(await Promise.all(batch)));
  }
  return people;
}
