/**
 * The fan-out floor of this machine (a script, not a test): one frame the size of a reply's
 * `post:created` sent to 1,000 sockets by (1) a bare `ws` server looping over its clients, (2) a
 * bare Socket.IO server emitting to a room (no app, no Redis) and (3) the same Socket.IO server
 * with the Redis adapter Commons runs. Receivers are bare WebSockets in two processes of their own,
 * as in the forums bench. Times run from the broadcast call to each socket's arrival; compare them
 * with `fanout.fromSave` of `npm run bench:forums`, measured with the same receivers.
 *
 *   npm run bench:fanout-floor      (BENCH_FANOUT sockets, 1000; BENCH_FANOUT_ROUNDS broadcasts each, 30)
 *
 * Everything runs on loopback and stops by itself.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';
import { forkClients, now } from './client-processes.js';
import type { FloorRequest } from './fanout-floor-clients.js';
import { summarize, writeResults } from './harness.js';

const SOCKETS = Number(process.env.BENCH_FANOUT ?? 1000);
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 30);
const PROCESSES = 2;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A reply as the room hears it: about the size of a short `post:created` payload. */
const payload = (n: number) => ({
  threadId: '6571f0c2a1b2c3d4e5f60718',
  n,
  post: {
    id: '6571f0c2a1b2c3d4e5f60719',
    seq: 40 + n,
    author: { id: '6571f0c2a1b2c3d4e5f6071a', displayName: 'Rosa Martínez', avatarUrl: null, role: 'member' },
    bodyHtml: `<p>${'Our family resource centre opens late on Thursdays now; '.repeat(4)}</p>`,
    createdAt: new Date().toISOString(),
    status: 'visible',
    reactions: { like: 0, thanks: 0, insightful: 0 },
    parentId: null,
    depth: 0,
  },
});

const receivers = Array.from({ length: PROCESSES }, (_, k) =>
  forkClients<FloorRequest>('./fanout-floor-clients.ts', `floor-${k}`),
);

async function measure(label: string, url: string, eio: boolean, broadcast: (n: number) => void) {
  await Promise.all(receivers.map((r) => r.ask({ kind: 'connect', url, count: SOCKETS / PROCESSES, eio })));
  await new Promise((r) => setTimeout(r, 1000));
  const sentAt: number[] = [];
  for (let n = 0; n < ROUNDS; n++) {
    sentAt[n] = now();
    broadcast(n);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const got: Record<number, number[]> = {};
  for (const { arrivals } of await Promise.all(
    receivers.map((r) => r.ask<{ arrivals: Record<number, number[]> }>({ kind: 'arrivals' })),
  ))
    for (const [n, times] of Object.entries(arrivals)) (got[Number(n)] ??= []).push(...times);
  await Promise.all(receivers.map((r) => r.ask({ kind: 'reset' })));
  const fromSend: number[] = [];
  const spread: number[] = [];
  let missed = 0;
  for (let n = 0; n < ROUNDS; n++) {
    const times = got[n] ?? [];
    missed += SOCKETS - times.length;
    fromSend.push(...times.map((t) => t - sentAt[n]!));
    if (times.length) spread.push(Math.max(...times) - Math.min(...times));
  }
  const result = {
    sockets: SOCKETS,
    rounds: ROUNDS,
    missed,
    fromSend: summarize(fromSend),
    spreadAcrossSockets: summarize(spread),
  };
  console.log(label, result);
  return result;
}

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

// (1) bare ws: the frame serialised once, each client's send frames it and writes it.
const wsHttp = createServer();
const wss = new WebSocketServer({ server: wsHttp, perMessageDeflate: false });
const wsPort = await listen(wsHttp);
const bareWs = await measure('bare ws', `ws://127.0.0.1:${wsPort}`, false, (n) => {
  const text = JSON.stringify(payload(n));
  for (const client of wss.clients) client.send(text);
});
wss.close();
wsHttp.close();

// (2) and (3): Socket.IO as Commons configures its transport (WebSocket only, no compression).
async function socketIo(label: string, redis: boolean) {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  const clients: Redis[] = [];
  if (redis) {
    const pub = new Redis(REDIS_URL);
    const sub = pub.duplicate();
    clients.push(pub, sub);
    io.adapter(createAdapter(pub, sub, { key: `fanout-floor-${process.pid}` }));
  }
  io.on('connection', (socket) => void socket.join('room'));
  const port = await listen(http);
  const result = await measure(label, `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, true, (n) =>
    io.to('room').emit('post:created', payload(n)),
  );
  await io.close();
  for (const c of clients) c.disconnect();
  return result;
}
const bareSocketIo = await socketIo('Socket.IO, one process', false);
const redisSocketIo = await socketIo('Socket.IO with the Redis adapter', true);
for (const r of receivers) r.stop();

const file = writeResults('fanout-floor.json', {
  note: 'One frame to every socket of a room, no application: the floor under `fanout` of forums-bench.json (same receivers, same machine).',
  bareWs,
  bareSocketIo,
  redisSocketIo,
});
console.log(`written to ${file}`);
process.exit(0);
