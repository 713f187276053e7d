/**
 * Fan-out bench receivers that speak Socket.IO's wire protocol over a bare WebSocket
 * (BENCH_FANOUT_RECEIVER=wire): each frame is timed the moment it arrives and decoded only when the
 * bench asks for the arrivals. With socket.io-client (fanout-clients.ts) each receiving process
 * decodes its share of the 1,000 frames one after the other before it can time the next, and on a
 * 2-core machine shared with the server that queue, not the server's work, sets the last socket's
 * time; members' browsers each decode their own frame, on their own device.
 *
 * The protocol as the server speaks it (Engine.IO 4, Socket.IO 5): `0{…}` opens, `40` joins the
 * main namespace and `40{…}` accepts, `2` is a ping answered by `3`, `42[event, data]` is an event
 * and `42<id>[…]` one that wants an answer, which comes back as `43<id>[…]`.
 */
import WebSocket from 'ws';
import { now, serveClientRequests } from './client-processes.js';
import type { FanoutRequest } from './fanout-clients.js';

interface Receiver {
  ws: WebSocket;
  /** Frames that carried an event, with their arrival time; decoded later. */
  frames: Array<{ at: number; wall: number; text: string }>;
  answers: Map<number, (data: unknown) => void>;
  nextAck: number;
}

const receivers: Receiver[] = [];

function connect(base: string, cookie: string): Promise<Receiver> {
  const url = `${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const ws = new WebSocket(url, { headers: { cookie }, perMessageDeflate: false });
  const r: Receiver = { ws, frames: [], answers: new Map(), nextAck: 1 };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 30_000);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = now();
      const wall = Date.now();
      if (isBinary) return;
      const text = data.toString();
      if (text === '2') return void ws.send('3');
      if (text.startsWith('0')) return void ws.send('40');
      if (text.startsWith('44')) return void (clearTimeout(timer), reject(new Error(`refused: ${text}`)));
      if (text.startsWith('43')) {
        const id = Number(/^43(\d+)/.exec(text)?.[1]);
        const [answer] = JSON.parse(text.slice(2 + String(id).length)) as unknown[];
        r.answers.get(id)?.(answer);
        return void r.answers.delete(id);
      }
      if (text.startsWith('42[')) {
        if (text.startsWith('42["session:ready"')) return void (clearTimeout(timer), resolve(r));
        r.frames.push({ at, wall, text });
      }
    });
    ws.on('error', (err) => (clearTimeout(timer), reject(err)));
  });
}

function ask(r: Receiver, event: string, data: unknown): Promise<unknown> {
  const id = r.nextAck++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event}: no answer`)), 15_000);
    r.answers.set(id, (answer) => (clearTimeout(timer), resolve(answer)));
    r.ws.send(`42${id}${JSON.stringify([event, data])}`);
  });
}

serveClientRequests<FanoutRequest>(
  async (req) => {
    if (req.kind === 'arrivals') {
      const arrivals: Record<string, number[]> = {};
      const sinceSave: Record<string, number[]> = {};
      for (const r of receivers)
        for (const f of r.frames) {
          const [event, payload] = JSON.parse(f.text.slice(2)) as [
            string,
            { post?: { body: string; createdAt: string } },
          ];
          if (event !== 'post:created' || !payload.post) continue;
          (arrivals[payload.post.body] ??= []).push(f.at);
          (sinceSave[payload.post.body] ??= []).push(f.wall - Date.parse(payload.post.createdAt));
        }
      return { arrivals, sinceSave };
    }
    for (let i = 0; i < req.cookies.length; i += 20)
      receivers.push(...(await Promise.all(req.cookies.slice(i, i + 20).map((c) => connect(req.base, c)))));
    const joined = await Promise.all(
      receivers.map((r) =>
        ask(r, 'thread:join', { threadId: req.threadId }).then(
          (answer) => (answer as { ok?: boolean }).ok === true,
          () => false,
        ),
      ),
    );
    for (const r of receivers) r.frames.length = 0;
    return { connected: receivers.length, joined: joined.filter(Boolean).length };
  },
  () => {
    for (const r of receivers) r.ws.close();
  },
);
