/**
 * A process of fan-out bench receivers (forums.bench.ts forks several): a share of the members
 * whose sockets are in one thread's room. Each `post:created` is timed on arrival, by the post's
 * body, on the monotonic clock the bench reads when it sends the post, and against the post's
 * `createdAt` (the server's clock is this machine's: the time from the reply's save to the socket,
 * without the request's own way in).
 */
import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { now, serveClientRequests } from './client-processes.js';

type ThreadSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type FanoutRequest =
  { kind: 'connect'; base: string; threadId: string; cookies: string[] } | { kind: 'arrivals' };

const sockets: ThreadSocket[] = [];
const arrivals = new Map<string, number[]>();
const sinceSave = new Map<string, number[]>();

function connect(base: string, cookie: string): Promise<ThreadSocket> {
  const s: ThreadSocket = io(base, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 30_000);
    s.once('session:ready', () => (clearTimeout(timer), resolve(s)));
    s.once('connect_error', (err) => (clearTimeout(timer), s.close(), reject(err)));
  });
}

serveClientRequests<FanoutRequest>(
  async (req) => {
    if (req.kind === 'arrivals')
      return { arrivals: Object.fromEntries(arrivals), sinceSave: Object.fromEntries(sinceSave) };
    for (let i = 0; i < req.cookies.length; i += 20)
      sockets.push(...(await Promise.all(req.cookies.slice(i, i + 20).map((c) => connect(req.base, c)))));
    const joined = await Promise.all(
      sockets.map((s) =>
        s
          .timeout(15_000)
          .emitWithAck('thread:join', { threadId: req.threadId })
          .then(
            (ack) => ack.ok,
            () => false,
          ),
      ),
    );
    for (const s of sockets)
      s.on('post:created', ({ post }) => {
        const t = now();
        const saved = Date.now() - Date.parse(post.createdAt);
        arrivals.set(post.body, [...(arrivals.get(post.body) ?? []), t]);
        sinceSave.set(post.body, [...(sinceSave.get(post.body) ?? []), saved]);
      });
    return { connected: sockets.length, joined: joined.filter(Boolean).length };
  },
  () => {
    for (const s of sockets) s.close();
  },
);
