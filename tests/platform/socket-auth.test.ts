import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let p: TestPlatform;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('socket_auth', { workers: false });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

function connect(cookie?: string): ClientSocket {
  const socket: ClientSocket = io(p.url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: cookie ? { cookie } : {},
  });
  sockets.push(socket);
  return socket;
}

describe('Socket.IO handshake', () => {
  it('refuses a socket without a session, saying why', async () => {
    const socket = connect();
    const err = await new Promise<Error & { data?: { code: string } }>((resolve) =>
      socket.once('connect_error', resolve),
    );
    expect(err.message).toMatch(/unauthenticated/);
    expect(err.data?.code).toBe('unauthenticated');
  });

  it('accepts a signed-in member, tells them who they are and answers commands with an ack', async () => {
    const c = p.client();
    const reg = await c.post('/api/auth/register', {
      email: 'live@example.org',
      password: 'harbor-lantern-meadow-19',
      displayName: 'Lia Live',
    });
    const socket = connect(c.cookieHeader());
    const ready = await new Promise<{ memberId: string }>((resolve) => socket.once('session:ready', resolve));
    expect(ready.memberId).toBe(reg.body.user.id);
    const ack = await socket.emitWithAck('session:ping', {});
    expect(ack.ok).toBe(true);
    const bad = await socket.emitWithAck('session:ping', { $where: 'x' } as unknown as Record<string, never>);
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('refuses the session of a member who signed out', async () => {
    const c = p.client();
    await c.post('/api/auth/register', {
      email: 'gone@example.org',
      password: 'harbor-lantern-meadow-19',
      displayName: 'Gus Gone',
    });
    const cookie = c.cookieHeader();
    await c.post('/api/auth/logout');
    const socket = connect(cookie);
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(err.message).toMatch(/unauthenticated/);
  });
});
