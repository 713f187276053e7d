/**
 * The lab room's client store (client/src/labs/room/live.ts) against a real server: it owns the
 * room's socket subscriptions, keeps the state current, catches up after a reconnect, and leaves
 * nothing behind when the member leaves the room.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabRoom, type RoomNotice } from '../../client/src/labs/room/live.js';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { connectAs, createLab, minutesFromNow, waitUntil, type ClientSocket } from './support.js';

let p: TestPlatform;
let host: Someone;
let ana: Someone;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('labs_room_store');
  [host, ana] = (await Promise.all(['Hana Host', 'Ana Alvarez'].map((n) => signUp(p, n)))) as [Someone, Someone];
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await p?.close();
});

/** The room events the store listens to (besides the session's). */
const roomEvents = [
  'lab:presence',
  'lab:message',
  'lab:phase',
  'lab:queue',
  'lab:idea',
  'lab:consensus',
  'lab:action',
  'lab:outcome',
  'lab:removed',
  'lab:seated',
] as const;

/** Ana's store on a socket of her own that reconnects by itself (as the app's does). */
async function anasRoom() {
  const socket: ClientSocket = io(p.url, {
    transports: ['websocket'],
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    extraHeaders: { cookie: ana.c.cookieHeader() },
  });
  sockets.push(socket);
  let ready = false;
  socket.on('session:ready', () => (ready = true));
  socket.on('disconnect', () => (ready = false));
  await waitUntil(() => ready);
  const said: { key: RoomNotice; values?: Record<string, string | number> }[] = [];
  const room = createLabRoom({
    socket,
    me: () => ana.id,
    ready: () => ready,
    say: (key, values) => void said.push(values ? { key, values } : { key }),
  });
  return { socket, room, said };
}

const inRoom = async (labId: string) => (await p.api.io.in(`lab:${labId}`).fetchSockets()).length;

describe('the lab room store', () => {
  it('joins, follows the room, sends, and on leaving drops every subscription and the room', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10), title: 'Store walk-through' });
    const { socket, room, said } = await anasRoom();
    const before = Object.fromEntries(roomEvents.map((e) => [e, socket.listeners(e).length]));

    const leave = room.getState().enter(lab.id);
    await waitUntil(() => room.getState().state !== null);
    expect(room.getState().state?.lab.title).toBe('Store walk-through');
    for (const e of roomEvents) expect(socket.listeners(e).length, e).toBe(before[e]! + 1);
    expect(await inRoom(lab.id)).toBe(1);

    // The facilitator starts the lab and writes: the store follows, and reads the message out.
    const hana = await connectAs(p, host, sockets);
    expect((await hana.emitWithAck('lab:join', { labId: lab.id })).ok).toBe(true);
    expect((await hana.emitWithAck('lab:start', { labId: lab.id })).ok).toBe(true);
    await waitUntil(() => room.getState().state?.phase.status === 'live');
    expect(said).toContainEqual({ key: 'labs.room.phaseChanged', values: { title: 'Welcome and check-in' } });
    await hana.emitWithAck('lab:message:send', { labId: lab.id, body: 'Welcome, Ana.' });
    await waitUntil(() => room.getState().state?.messages.some((m) => m.body === 'Welcome, Ana.') ?? false);
    expect(said).toContainEqual({
      key: 'labs.room.newMessage',
      values: { name: 'Hana Host', body: 'Welcome, Ana.' },
    });

    // Her own commands answer with the ack and are applied at once, without waiting for the echo.
    const sent = await room.getState().send('Hello!');
    expect(sent.ok).toBe(true);
    expect(room.getState().state?.messages.map((m) => m.body)).toContain('Hello!');
    expect(said.filter((s) => s.key === 'labs.room.newMessage')).toHaveLength(1); // her own is not read out
    const hand = await room.getState().hand(true);
    expect(hand.ok && hand.data.hands.map((h) => h.id)).toEqual([ana.id]);
    expect(room.getState().state?.queue.hands.map((h) => h.id)).toEqual([ana.id]);
    // A refusal comes back as the server's error and changes nothing.
    const refused = await room.getState().start();
    expect(refused.ok ? null : refused.error.code).toBe('forbidden');

    leave();
    expect(room.getState()).toMatchObject({ labId: null, state: null, error: null });
    for (const e of roomEvents) expect(socket.listeners(e).length, e).toBe(before[e]);
    await waitUntil(async () => (await inRoom(lab.id)) === 1); // only the facilitator is left
    // What happens in the room now reaches nobody's state, and a command has no room to go to.
    await hana.emitWithAck('lab:message:send', { labId: lab.id, body: 'Anyone there?' });
    await hana.emitWithAck('lab:phase:advance', { labId: lab.id });
    expect(room.getState().state).toBeNull();
    expect((await room.getState().send('Late')).ok).toBe(false);
  });

  it('entering another lab leaves the first; after a reconnect it joins again and fetches what it missed', async () => {
    const first = await createLab(host, { startsAt: minutesFromNow(10), title: 'First room' });
    const second = await createLab(host, { startsAt: minutesFromNow(10), title: 'Second room' });
    const { socket, room } = await anasRoom();
    const hana = await connectAs(p, host, sockets);
    for (const lab of [first, second]) {
      await hana.emitWithAck('lab:join', { labId: lab.id });
      await hana.emitWithAck('lab:start', { labId: lab.id });
    }

    room.getState().enter(first.id);
    await waitUntil(() => room.getState().state?.lab.id === first.id);
    const leaveSecond = room.getState().enter(second.id);
    await waitUntil(() => room.getState().state?.lab.id === second.id);
    await waitUntil(async () => (await inRoom(first.id)) === 1);
    expect(socket.listeners('lab:message')).toHaveLength(1);

    await room.getState().send('Before the drop.');
    socket.io.engine.close(); // the connection drops; socket.io reconnects by itself
    await waitUntil(() => !socket.connected);
    await hana.emitWithAck('lab:message:send', { labId: second.id, body: 'Said while Ana was away.' });
    await waitUntil(
      () => room.getState().state?.messages.some((m) => m.body === 'Said while Ana was away.') ?? false,
      15_000,
    );
    expect(room.getState().state?.messages.map((m) => m.body)).toEqual([
      'Before the drop.',
      'Said while Ana was away.',
    ]);
    expect(await inRoom(second.id)).toBe(2);
    leaveSecond();
    expect(socket.listeners('lab:message')).toHaveLength(0);
    expect(socket.listeners('session:ready')).toHaveLength(1); // the test's own, not the room's
  });

  it('fetches a message whose live push never came, once the next one shows the gap in the numbers', async () => {
    const lab = await createLab(host, { startsAt: minutesFromNow(10), title: 'Gap room' });
    const { socket, room } = await anasRoom();
    // One message's push is lost on its way, as when the server that saved it dies before its
    // push reaches the other servers (tests/faults/server-kill.ts).
    const unpushed = 'Saved, but the room never heard it.';
    const on = socket.on.bind(socket);
    socket.on = ((event: string, fn: (...args: unknown[]) => void) =>
      on(
        event as 'lab:message',
        event === 'lab:message'
          ? (m: { body: string }) => {
              if (m.body !== unpushed) fn(m);
            }
          : (fn as never),
      )) as typeof socket.on;
    const hana = await connectAs(p, host, sockets);
    await hana.emitWithAck('lab:join', { labId: lab.id });
    await hana.emitWithAck('lab:start', { labId: lab.id });
    room.getState().enter(lab.id);
    await waitUntil(() => room.getState().state?.lab.id === lab.id);

    await hana.emitWithAck('lab:message:send', { labId: lab.id, body: unpushed });
    await hana.emitWithAck('lab:message:send', { labId: lab.id, body: 'And the next, heard as usual.' });
    await waitUntil(() => room.getState().state?.messages.some((m) => m.body === unpushed) ?? false, 20_000);
    expect(room.getState().state?.messages.map((m) => m.body)).toEqual([unpushed, 'And the next, heard as usual.']);
  }, 40_000);
});
