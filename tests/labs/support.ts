import type { ClientToServerEvents, LabCreateBody, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { Someone } from '../forums/support.js';
import type { TestPlatform } from '../support/platform.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

export function labBody(overrides: Partial<LabCreateBody> = {}): LabCreateBody {
  return {
    title: 'Safe routes to school',
    purpose: 'Agree on three actions to make walking to school safer for children.',
    startsAt: minutesFromNow(48 * 60),
    durationMinutes: 90,
    visibility: 'public',
    facilitatorIds: [],
    agenda: [
      { title: 'Welcome and check-in', minutes: 10, kind: 'discuss' },
      { title: 'Ideas', minutes: 20, kind: 'ideas' },
      { title: 'Dot vote', minutes: 10, kind: 'vote' },
      { title: 'Consensus', minutes: 10, kind: 'consensus' },
      { title: 'Who does what', minutes: 15, kind: 'actions' },
    ],
    ...overrides,
  };
}

// Response bodies are arbitrary JSON that assertions walk freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createLab(who: Someone, overrides: Partial<LabCreateBody> = {}): Promise<any> {
  const res = await who.c.post('/api/labs', labBody(overrides));
  if (res.status !== 201) throw new Error(`create lab failed: ${res.status} ${res.text}`);
  expect(res.body.lab.host.id).toBe(who.id);
  return res.body.lab;
}

/** A live connection of the member (their session cookie), once the server confirmed it. */
export async function connectAs(p: TestPlatform, who: Someone, sockets: ClientSocket[]): Promise<ClientSocket> {
  const socket: ClientSocket = io(p.url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie: who.c.cookieHeader() },
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('session:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The next event of a kind that satisfies `predicate`. */
export function next<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  predicate: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const on = ((...args: Parameters<ServerToClientEvents[E]>) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      (socket.off as (e: string, fn: unknown) => void)(event, on);
      resolve(args[0]);
    }) as unknown as ServerToClientEvents[E];
    const timer = setTimeout(() => {
      (socket.off as (e: string, fn: unknown) => void)(event, on);
      reject(new Error(`no ${event} in time`));
    }, timeoutMs);
    (socket.on as (e: string, fn: unknown) => void)(event, on);
  });
}

/** Collects every event of a kind until stopped. */
export function collect<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E) {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  const on = (e: Parameters<ServerToClientEvents[E]>[0]) => void seen.push(e);
  (socket.on as (e: string, fn: unknown) => void)(event, on);
  return { seen, stop: () => (socket.off as (e: string, fn: unknown) => void)(event, on) };
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
