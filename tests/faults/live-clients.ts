/**
 * A process of members' live sockets for the soak and capacity runs (tests/faults/live-pool.ts
 * forks several), so the load generator's own event loop is not what delays deliveries on a
 * small machine. Each socket sits in one thread's room and behaves as the web client does: after a
 * reconnect or a 'session:resync' it joins again and fetches the posts after the last number held.
 *
 * Times come from the machine's monotonic clock (process.hrtime), which every process shares: the
 * sender writes its send time into each reply's body (`t=<ms>`), and a socket measures from it.
 * Requests in ({ id, ...request }) and answers out ({ id, ...answer }) over the IPC channel; the
 * process exits when the channel closes, so it never outlives the run.
 */
import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { keepConnected } from '../../client/src/realtime/keep-connected.js';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type LiveRequest =
  | { kind: 'connect'; base: string; sockets: Array<{ cookie: string; threadId: string }> }
  | { kind: 'report'; accepted: Record<string, number[]> }
  | { kind: 'reset' };

export interface LiveReport {
  sockets: number;
  connected: number;
  deliveries: number;
  /** Deliveries by latency: index i < 10,000 is [i, i+1) ms, then 100 ms buckets up to 120 s. */
  histogram: number[];
  /** Per post id: how many sockets here got it live, and the latest arrival (monotonic ms). */
  perPost: Record<string, [number, number]>;
  missedLive: number;
  missedAfterCatchUp: number;
  socketsMissing: number;
  connectErrors: number;
  disconnects: number;
  reconnects: number;
  resyncs: number;
  catchUpFailures: number;
}

export const now = () => Number(process.hrtime.bigint()) / 1e6;
export const BUCKETS = 10_000 + 1_100;
export const bucketOf = (ms: number) =>
  ms < 10_000 ? Math.max(0, Math.floor(ms)) : Math.min(BUCKETS - 1, 10_000 + Math.floor((ms - 10_000) / 100));
export const msOfBucket = (i: number) => (i < 10_000 ? i : 10_000 + (i - 10_000) * 100);

interface Held {
  socket: LiveSocket;
  threadId: string;
  cookie: string;
  live: Set<number>;
  all: Set<number>;
}

let base = '';
const held: Held[] = [];
let histogram = new Array<number>(BUCKETS).fill(0);
let perPost = new Map<string, [number, number]>();
const counts = { deliveries: 0, connectErrors: 0, disconnects: 0, reconnects: 0, resyncs: 0, catchUpFailures: 0 };

async function catchUp(h: Held): Promise<void> {
  let after = h.all.size ? Math.max(...h.all) : 0;
  for (let page = 0; page < 200; page++) {
    const res = await fetch(`${base}/api/threads/${h.threadId}/posts?after=${after}&limit=100`, {
      headers: { cookie: h.cookie, origin: base },
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 200) throw new Error(`posts: ${res.status}`);
    const body = (await res.json()) as { posts: Array<{ seq: number }>; hasMore: boolean };
    for (const p of body.posts) h.all.add(p.seq);
    if (!body.hasMore || !body.posts.length) return;
    after = body.posts.at(-1)!.seq;
  }
}

async function rejoin(h: Held): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const ack = await h.socket.timeout(30_000).emitWithAck('thread:join', { threadId: h.threadId });
      if (!ack.ok) throw new Error(ack.error.code);
      await catchUp(h);
      return;
    } catch {
      if (!h.socket.connected) return; // the next session:ready joins again
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  counts.catchUpFailures += 1;
}

function open(cookie: string, threadId: string): Promise<Held> {
  const socket: LiveSocket = io(base, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    extraHeaders: { cookie },
  });
  // As the web client: a handshake refused for a passing reason is tried again.
  keepConnected(socket, { minDelayMs: 500 });
  const h: Held = { socket, threadId, cookie, live: new Set(), all: new Set() };
  socket.on('post:created', (e) => {
    if (e.threadId !== threadId) return;
    const at = now();
    h.live.add(e.post.seq);
    h.all.add(e.post.seq);
    counts.deliveries += 1;
    const sent = Number(/ t=([\d.]+)/.exec(e.post.body)?.[1] ?? NaN);
    if (Number.isFinite(sent)) histogram[bucketOf(at - sent)]! += 1;
    const seen = perPost.get(e.post.id);
    if (seen) {
      seen[0] += 1;
      seen[1] = Math.max(seen[1], at);
    } else perPost.set(e.post.id, [1, at]);
  });
  socket.on('connect_error', () => void (counts.connectErrors += 1));
  socket.on('disconnect', () => void (counts.disconnects += 1));
  socket.on('session:resync', () => {
    counts.resyncs += 1;
    void rejoin(h);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 60_000);
    socket.once('session:ready', () => {
      clearTimeout(timer);
      socket
        .timeout(60_000)
        .emitWithAck('thread:join', { threadId })
        .then((ack) => {
          if (!ack.ok) throw new Error(ack.error.code);
          // Later session:ready events are reconnects: join again and catch up.
          socket.on('session:ready', () => {
            counts.reconnects += 1;
            void rejoin(h);
          });
          resolve(h);
        })
        .catch(reject);
    });
  });
}

async function handle(req: LiveRequest): Promise<object> {
  switch (req.kind) {
    case 'connect': {
      base = req.base;
      let failed = 0;
      for (let i = 0; i < req.sockets.length; i += 25) {
        const batch = await Promise.allSettled(req.sockets.slice(i, i + 25).map((s) => open(s.cookie, s.threadId)));
        for (const r of batch) {
          if (r.status === 'fulfilled') held.push(r.value);
          else failed += 1;
        }
      }
      return { connected: held.length, failed };
    }
    case 'reset':
      histogram = new Array<number>(BUCKETS).fill(0);
      perPost = new Map();
      counts.deliveries = 0;
      for (const h of held) h.live.clear();
      return {};
    case 'report': {
      // What each socket missed live, and what it still lacks after catching up as a client would.
      let missedLive = 0;
      let missedAfterCatchUp = 0;
      let socketsMissing = 0;
      await Promise.all(
        held.map(async (h) => {
          const want = req.accepted[h.threadId] ?? [];
          const notLive = want.filter((s) => !h.live.has(s));
          missedLive += notLive.length;
          if (notLive.some((s) => !h.all.has(s))) await catchUp(h).catch(() => void (counts.catchUpFailures += 1));
          const lacking = want.filter((s) => !h.all.has(s)).length;
          missedAfterCatchUp += lacking;
          if (lacking) socketsMissing += 1;
        }),
      );
      const report: LiveReport = {
        sockets: held.length,
        connected: held.filter((h) => h.socket.connected).length,
        deliveries: counts.deliveries,
        histogram,
        perPost: Object.fromEntries(perPost),
        missedLive,
        missedAfterCatchUp,
        socketsMissing,
        connectErrors: counts.connectErrors,
        disconnects: counts.disconnects,
        reconnects: counts.reconnects,
        resyncs: counts.resyncs,
        catchUpFailures: counts.catchUpFailures,
      };
      return report;
    }
  }
}

process.on('message', (msg: LiveRequest & { id: number }) => {
  handle(msg).then(
    (answer) => process.send!({ id: msg.id, ...answer }),
    (err: unknown) => process.send!({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => {
  for (const h of held) h.socket.close();
  process.exit(0);
});
