/**
 * A process of lab bench clients (tests/bench/labs.bench.ts forks several): the facilitator who
 * sends, or a share of the receivers. Kept out of the bench's own process and the server's, so
 * what a receiver measures is the server's fan-out, not another client's event loop. Times are
 * read from the monotonic clock (process.hrtime), which every process on the machine shares, so a
 * send in one process and its arrivals in others are compared directly.
 *
 * It answers the bench's requests over the IPC channel (client-processes.ts) and exits when the
 * channel closes.
 */
import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { now, serveClientRequests } from './client-processes.js';

type LabSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ClientRequest =
  | { kind: 'connect'; base: string; labId: string; cookies: string[] }
  | { kind: 'host' }
  /** Every socket i (of `total`, from `first`) joins at `at + (first + i) / total * spreadMs`. */
  | { kind: 'join'; at: number; spreadMs: number; first: number; total: number }
  | { kind: 'presence' }
  | { kind: 'send'; bodies: string[]; gapMs: number }
  | { kind: 'arrivals' };

let base = '';
let labId = '';
const sockets: LabSocket[] = [];
const presenceSeen: number[] = [];
/** The host's presence events: how many there were, the last count, how many joins they told. */
const hostPresence = { messages: 0, lastCount: 0, joins: 0 };
/** Arrival times of each message body, one per receiver. */
const arrivals = new Map<string, number[]>();

function connect(cookie: string): Promise<LabSocket> {
  const s: LabSocket = io(base, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 30_000);
    s.once('session:ready', () => (clearTimeout(timer), resolve(s)));
    s.once('connect_error', (err) => (clearTimeout(timer), s.close(), reject(err)));
  });
}

async function join(s: LabSocket): Promise<void> {
  const ack = await s.timeout(60_000).emitWithAck('lab:join', { labId });
  if (!ack.ok) throw new Error(ack.error.code);
}

async function handle(req: ClientRequest): Promise<object> {
  switch (req.kind) {
    case 'connect': {
      base = req.base;
      labId = req.labId;
      for (let i = 0; i < req.cookies.length; i += 20)
        sockets.push(...(await Promise.all(req.cookies.slice(i, i + 20).map(connect))));
      sockets.forEach((s, i) => {
        presenceSeen[i] = 0;
        s.on('lab:presence', (e) => {
          presenceSeen[i] = (presenceSeen[i] ?? 0) + 1;
          if (i === 0) {
            hostPresence.messages++;
            hostPresence.lastCount = e.count;
            hostPresence.joins += e.joined.length;
          }
        });
        s.on('lab:message', (m) => {
          const t = now();
          const list = arrivals.get(m.body) ?? [];
          list.push(t);
          arrivals.set(m.body, list);
        });
      });
      return { connected: sockets.length };
    }
    case 'host': {
      // The facilitator enters first and starts the lab (one socket in this process).
      const [host] = sockets;
      await join(host!);
      const started = await host!.timeout(30_000).emitWithAck('lab:start', { labId });
      if (!started.ok) throw new Error(`start: ${started.error.code}`);
      return {};
    }
    case 'join': {
      const timeToRoom: number[] = [];
      const errors: string[] = [];
      await Promise.all(
        sockets.map(async (s, i) => {
          const at = req.at + ((req.first + i) / req.total) * req.spreadMs;
          await new Promise((r) => setTimeout(r, Math.max(0, at - now())));
          const asked = now();
          try {
            await join(s);
            timeToRoom.push(now() - asked);
          } catch (err) {
            errors.push(err instanceof Error ? err.message : String(err));
          }
        }),
      );
      return { timeToRoom, errors };
    }
    case 'presence':
      return { perSocket: presenceSeen, host: hostPresence };
    case 'send': {
      const [host] = sockets;
      const sentAt: Record<string, number> = {};
      for (const body of req.bodies) {
        sentAt[body] = now();
        const ack = await host!.timeout(30_000).emitWithAck('lab:message:send', { labId, body });
        if (!ack.ok) throw new Error(`send: ${ack.error.code}`);
        await new Promise((r) => setTimeout(r, req.gapMs));
      }
      return { sentAt };
    }
    case 'arrivals':
      return { arrivals: Object.fromEntries(arrivals) };
  }
}

serveClientRequests<ClientRequest>(handle, () => {
  for (const s of sockets) s.close();
});
