import { resetLinks } from '@commons/server/auth/reset-links';
import { ResetTokenModel } from '@commons/server/auth/reset-token.model';
import type { ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepConnected } from '../../client/src/realtime/keep-connected.js';
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

function connect(cookie?: string, origin?: string): ClientSocket {
  const socket: ClientSocket = io(p.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
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
    // The web client's retry of refused handshakes: an ended session is final, never retried.
    keepConnected(socket, { minDelayMs: 50 });
    let refusals = 0;
    socket.on('connect_error', () => void (refusals += 1));
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(err.message).toMatch(/unauthenticated/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(refusals).toBe(1);
  });

  it('refuses a handshake from another site’s page, as the REST API refuses its mutations', async () => {
    const c = p.client();
    await c.post('/api/auth/register', {
      email: 'origin@example.org',
      password: 'harbor-lantern-meadow-19',
      displayName: 'Ola Origin',
    });
    const foreign = connect(c.cookieHeader(), 'https://evil.example');
    const err = await new Promise<Error>((resolve) => foreign.once('connect_error', resolve));
    expect(foreign.connected).toBe(false);
    expect(err).toBeInstanceOf(Error);
    const own = connect(c.cookieHeader(), p.url);
    await new Promise<void>((resolve, reject) => {
      own.once('session:ready', () => resolve());
      own.once('connect_error', reject);
    });
  });

  it('ends a session’s sockets at sign-out and every socket of the member at a password change', async () => {
    const email = 'ended@example.org';
    const tab = p.client();
    await tab.post('/api/auth/register', { email, password: 'harbor-lantern-meadow-19', displayName: 'Eda Ended' });
    const other = p.client();
    expect((await other.post('/api/auth/login', { email, password: 'harbor-lantern-meadow-19' })).status).toBe(200);
    const ready = (s: ClientSocket) =>
      new Promise<void>((resolve, reject) => {
        s.once('session:ready', () => resolve());
        s.once('connect_error', reject);
      });
    const closed = (s: ClientSocket) => new Promise<string>((resolve) => s.once('disconnect', (why) => resolve(why)));
    const mine = connect(tab.cookieHeader());
    const theirs = connect(other.cookieHeader());
    await Promise.all([ready(mine), ready(theirs)]);

    const mineClosed = closed(mine);
    expect((await tab.post('/api/auth/logout')).status).toBe(204);
    expect(await mineClosed).toBe('io server disconnect');
    // The other browser's session lives on.
    expect((await theirs.emitWithAck('session:ping', {})).ok).toBe(true);

    // A password change (by reset link) ends the member's other sockets as well.
    const theirsClosed = closed(theirs);
    expect((await p.client().post('/api/auth/password-reset', { email })).status).toBe(202);
    // No workers here to mail the link: derive it as the mail worker would.
    const request = await ResetTokenModel.findOne({ usedAt: null }).sort({ createdAt: -1 }).lean();
    const token = resetLinks(p.runtime.config.SESSION_SECRET, p.url).tokenFor(request!._id.toHexString());
    const done = await p
      .client()
      .post('/api/auth/password-reset/confirm', { token, password: 'orchard-violet-canyon-77' });
    expect(done.status).toBe(204);
    expect(await theirsClosed).toBe('io server disconnect');
  });
});
