/**
 * Receivers of the fan-out floor (fanout-floor.bench.ts): bare WebSockets that time each frame as
 * it arrives. With `eio`, they open a Socket.IO session first (`0…` then `40`, answered by `40{…}`)
 * and answer pings; otherwise every frame is a broadcast.
 */
import WebSocket from 'ws';
import { now, serveClientRequests } from './client-processes.js';

export type FloorRequest =
  { kind: 'connect'; url: string; count: number; eio: boolean } | { kind: 'arrivals' } | { kind: 'reset' };

const sockets: WebSocket[] = [];
/** Arrival times by broadcast number (the frame's `"n":<k>`). */
let arrivals: Record<number, number[]> = {};

function open(url: string, eio: boolean): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 30_000);
    if (!eio) ws.once('open', () => (clearTimeout(timer), resolve(ws)));
    ws.on('message', (data: Buffer) => {
      const at = now();
      const text = data.toString();
      if (eio) {
        if (text === '2') return void ws.send('3');
        if (text.startsWith('0')) return void ws.send('40');
        if (text.startsWith('40')) return void (clearTimeout(timer), resolve(ws));
      }
      const n = /"n":(\d+)/.exec(text);
      if (n) (arrivals[Number(n[1])] ??= []).push(at);
    });
    ws.on('error', (err) => (clearTimeout(timer), reject(err)));
  });
}

serveClientRequests<FloorRequest>(
  async (req) => {
    if (req.kind === 'arrivals') return { arrivals };
    if (req.kind === 'reset') {
      for (const ws of sockets.splice(0)) ws.terminate();
      arrivals = {};
      return {};
    }
    for (let i = 0; i < req.count; i += 50)
      sockets.push(
        ...(await Promise.all(Array.from({ length: Math.min(50, req.count - i) }, () => open(req.url, req.eio)))),
      );
    return { connected: sockets.length };
  },
  () => {
    for (const ws of sockets) ws.terminate();
  },
);
