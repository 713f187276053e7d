import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { ProfileModel } from '@commons/server/moderation/model';
import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import type { Someone } from '../forums/support.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Sets a member's trust level and flag record straight in the store (what the trust job would compute). */
export async function setProfile(
  who: Someone,
  fields: { trustLevel?: number; flagsUpheld?: number; flagsRejected?: number },
): Promise<void> {
  await ProfileModel.updateOne({ memberId: new Types.ObjectId(who.id) }, { $set: fields }, { upsert: true });
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function socketFor(url: string, who: Someone, opened: ClientSocket[]): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { cookie: who.c.cookieHeader() },
  });
  opened.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('session:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}
