import type { Access } from '@commons/server/openapi/operation';
import { clientEvents } from '@commons/server/realtime/events';
import { allRoutes } from '@commons/server/routes';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@commons/shared';
import { startWorkers, type RunningWorkers } from '@commons/workers/runtime';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUp, type Someone } from '../forums/support.js';
import { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { concretePath, sendRaw } from '../support/routes.js';
import {
  callers as contentCallers,
  people as contentPeople,
  tokenOf,
  type Caller as ContentCaller,
} from './content-matrix/cast.js';
import { listProbes, restProbes, socketProbes, type Ids } from './content-matrix/probes.js';
import { leaksIn, runRest, runSockets } from './content-matrix/run.js';
import { seedWorld, type World } from './content-matrix/seed.js';

/*
 * The authorization matrix, generated from the route table and the socket event table: every
 * route and every command is called by each kind of caller, and the answer must follow the
 * access the table declares. A route or event added to a table is in the matrix at once.
 * Ids name nothing and bodies are empty, so an allowed call ends in a 4xx of the handler
 * (404, 400) or succeeds harmlessly; what is checked is who gets past the gate.
 */

type Caller = 'anonymous' | 'suspended' | 'member' | 'moderator' | 'admin';
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const rank: Record<Access | Caller, number> = {
  anonymous: 0,
  suspended: 0,
  public: 0,
  publicFace: 0,
  member: 1,
  moderator: 2,
  admin: 3,
};

/** Ending the caller's own session would sign them out of the rest of the matrix: called anonymously only. */
const endsSession = new Set(['post /api/auth/logout', 'delete /api/members/me']);

let p: TestPlatform;
const people: Partial<Record<Caller, Someone>> = {};
const sockets: ClientSocket[] = [];
/** The suspended member's cookies and sockets from before the suspension. */
const suspendedSessions: string[] = [];
const suspendedSockets: Array<{ socket: ClientSocket; heard: string[]; dropped: Promise<void> }> = [];

beforeAll(async () => {
  p = await startTestPlatform('authz_matrix', { workers: false });
  const [member, moderator, admin, suspended] = await Promise.all([
    signUp(p, 'Matrix Member'),
    signUp(p, 'Matrix Moderator', 'moderator'),
    signUp(p, 'Matrix Admin', 'admin'),
    signUp(p, 'Matrix Suspended'),
  ]);
  Object.assign(people, { member, moderator, admin, suspended });
  // Before the suspension, the member is signed in twice (two devices) with a live socket on each,
  // in a room: all of it must end when the suspension is given.
  const secondDevice = new TestClient(p.url);
  expect((await secondDevice.post('/api/auth/login', { email: suspended.email, password: PASSWORD })).status).toBe(200);
  suspendedSessions.push(suspended.c.cookieHeader(), secondDevice.cookieHeader());
  for (const cookie of suspendedSessions) {
    const socket = connect(cookie);
    await new Promise((resolve) => socket.once('session:ready', resolve));
    expect((await socket.timeout(10_000).emitWithAck('forum:join', {})).ok).toBe(true);
    const heard: string[] = [];
    socket.onAny((event: string) => heard.push(event));
    const dropped = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    suspendedSockets.push({ socket, heard, dropped });
  }
  const res = await admin.c.post('/api/moderation/sanctions', {
    memberId: suspended.id,
    kind: 'suspend',
    reason: 'Matrix: a suspended member keeps their old cookie.',
    durationHours: 24,
  });
  expect(res.status).toBe(201);
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

const cookieOf = (caller: Caller) => (caller === 'anonymous' ? undefined : people[caller]!.c.cookieHeader());

/**
 * What the table says the caller gets: 401 without a (live) session, 403 below the role, else past
 * the gate (the public face is open, as it is by default; the closed face has a test of its own).
 */
function expected(access: Access, caller: Caller): 401 | 403 | 'allowed' {
  if (access === 'public' || access === 'publicFace') return 'allowed';
  if (caller === 'anonymous' || caller === 'suspended') return 401;
  return rank[caller] >= rank[access] ? 'allowed' : 403;
}

describe('the authorization matrix', () => {
  const callers: Caller[] = ['anonymous', 'suspended', 'member', 'moderator', 'admin'];

  it(`holds for every route (${allRoutes.length} routes × ${callers.length} callers)`, async () => {
    const problems: string[] = [];
    for (const route of allRoutes) {
      const name = `${route.method} ${route.path}`;
      for (const caller of callers) {
        if (endsSession.has(name) && caller !== 'anonymous') continue;
        const res = await sendRaw(p.url, route.method, concretePath(route), { cookie: cookieOf(caller) });
        const text = await res.text();
        let code: string | undefined;
        let requires: string | undefined;
        try {
          const body = JSON.parse(text) as { error?: { code?: string; details?: { requires?: string } } };
          code = body.error?.code;
          requires = body.error?.details?.requires;
        } catch {
          // Not JSON (a calendar file, metrics text): only its status matters here.
        }
        const want = expected(route.access, caller);
        const got = `${res.status}${code ? ` ${code}` : ''}`;
        if (res.status >= 500) problems.push(`${name} as ${caller}: ${got}`);
        else if (want === 401 && !(res.status === 401 && code === 'unauthenticated'))
          problems.push(`${name} as ${caller}: ${got}, expected 401 unauthenticated`);
        else if (want === 403 && !(res.status === 403 && requires === route.access))
          problems.push(`${name} as ${caller}: ${got}, expected the ${route.access} gate's 403`);
        else if (want === 'allowed' && (code === 'unauthenticated' || requires !== undefined))
          problems.push(`${name} as ${caller}: ${got}, expected to pass the gate`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('closes every publicFace route to visitors (401 members_only) while the public face is off, not to members', async () => {
    const routes = allRoutes.filter((r) => r.access === 'publicFace');
    expect(routes.length).toBeGreaterThan(10);
    const setFace = async (on: boolean) =>
      expect((await people.admin!.c.patch('/api/admin/site-settings', { publicFace: on })).status).toBe(200);
    await setFace(false);
    const problems: string[] = [];
    try {
      for (const route of routes) {
        for (const caller of ['anonymous', 'suspended', 'member'] as const) {
          const res = await sendRaw(p.url, route.method, concretePath(route), { cookie: cookieOf(caller) });
          const code = ((await res.json().catch(() => ({}))) as { error?: { code?: string } }).error?.code;
          const closed = res.status === 401 && code === 'members_only';
          if (closed !== (caller !== 'member'))
            problems.push(`${route.method} ${route.path} as ${caller}: ${res.status} ${code}`);
        }
      }
    } finally {
      await setFace(true);
    }
    expect(problems).toEqual([]);
  });

  it('ends every session and live socket of a suspended member at once', async () => {
    // Each socket was told why and dropped by the server (not by a reconnect of its own).
    for (const { socket, heard, dropped } of suspendedSockets) {
      await dropped;
      expect(heard).toContain('session:ended');
      expect(socket.connected).toBe(false);
    }
    // Both sessions (still in Redis) are dead: every member-only read refuses them.
    const reads = allRoutes.filter((r) => r.method === 'get' && r.access === 'member');
    const problems: string[] = [];
    for (const cookie of suspendedSessions)
      for (const route of reads) {
        const res = await sendRaw(p.url, 'get', concretePath(route), { cookie });
        if (res.status !== 401) problems.push(`${route.path}: ${res.status}`);
      }
    expect(problems).toEqual([]);
  });

  it('refuses a socket to anonymous and suspended callers', async () => {
    for (const caller of ['anonymous', 'suspended'] as const) {
      const socket = connect(cookieOf(caller));
      const err = await new Promise<Error & { data?: { code: string } }>((resolve) =>
        socket.once('connect_error', resolve),
      );
      expect(err.data?.code, caller).toBe('unauthenticated');
    }
  });

  it(`holds for every socket command (${Object.keys(clientEvents).length} commands × member, moderator, admin)`, async () => {
    const problems: string[] = [];
    for (const caller of ['member', 'moderator', 'admin'] as const) {
      const socket = connect(cookieOf(caller));
      await new Promise((resolve) => socket.once('session:ready', resolve));
      for (const [event, contract] of Object.entries(clientEvents)) {
        // An empty payload: the command must answer (it is registered), and only the table's sender rule may refuse it.
        const ack = (await (socket.timeout(10_000) as unknown as ClientSocket).emitWithAck(
          event as 'session:ping',
          {},
        )) as Ack<unknown>;
        const refused =
          !ack.ok && (ack.error.details as { requires?: string } | undefined)?.requires === contract.sender;
        const allowed = rank[caller] >= rank[contract.sender];
        if (allowed === refused) problems.push(`${event} as ${caller}: ${JSON.stringify(ack).slice(0, 160)}`);
        if (!ack.ok && ack.error.code === 'internal') problems.push(`${event} as ${caller}: internal error`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

/*
 * The content matrix: every kind of content (post, thread, category, lab, resource, story,
 * event, coalition) in every state it can be in (public, a private coalition's, held or hidden
 * by moderation, invite-only, archived, deleted), read by every kind of caller (anonymous,
 * member, coalition member, author, facilitator, moderator, admin) through every read path the
 * tables hold (content/cast.ts says who may read what; content/probes.ts makes the requests).
 * "Cannot read" must answer exactly as "does not exist", and no answer, list, search result,
 * notification, export, acknowledgement or push may carry a word of what the caller may not read.
 */
describe('the content matrix', () => {
  let world: World;
  // Workers run from here on: notifications are written by the fan-out.
  let workers: RunningWorkers | null = null;
  beforeAll(async () => {
    const started = Date.now();
    workers = startWorkers(p.runtime, { digestTick: false });
    world = await seedWorld(p, sockets);
    console.info(`content matrix: seeded in ${Date.now() - started} ms`);
  }, 120_000);

  afterAll(async () => {
    await workers?.close();
  });

  const idsOf = (): Ids => {
    const first = (kind: string) =>
      world.fixtures.find((f) => f.kind === kind && f.state === 'public')?.id ?? undefined;
    return {
      person: world.who.member.id,
      defaults: {
        post: first('post'),
        thread: world.publicThread,
        category: first('category'),
        lab: first('lab'),
        resource: first('resource'),
        story: first('story'),
        event: first('event'),
        coalition: first('coalition'),
      },
    };
  };
  const cookie = (c: ContentCaller) => (c === 'anonymous' ? undefined : world.who[c].c.cookieHeader());

  it('holds on every REST read path, list and search', async () => {
    const started = Date.now();
    const probes = [
      ...restProbes(world.fixtures, [...contentCallers], idsOf),
      ...listProbes([...contentCallers], world.who.author.id, tokenOf('post', 'public')),
    ];
    const { problems, requests } = await runRest(p, world.fixtures, probes, cookie);
    if (process.env.MATRIX_COUNTS) {
      const byRoute = new Map<string, number>();
      for (const q of probes)
        byRoute.set(q.label.split(' [')[0]!, (byRoute.get(q.label.split(' [')[0]!) ?? 0) + 1 + (q.twin ? 1 : 0));
      console.info(
        [...byRoute]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${n} ${k}`)
          .join('\n'),
      );
    }
    console.info(
      `content matrix: ${world.fixtures.length} fixtures, ${probes.length} probes, ${requests} requests in ${Date.now() - started} ms`,
    );
    expect(problems).toEqual([]);
  }, 120_000);

  it('holds on every socket command that names a room or its content', async () => {
    const problems = await runSockets(
      p,
      world.fixtures,
      socketProbes(world.fixtures, contentPeople, idsOf),
      world.sockets,
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it('pushed nothing to a socket that its member may not read', () => {
    // What came to a state later was readable before: only what was heard after is checked against it.
    const problems = contentPeople.flatMap((c) =>
      world.heard[c].flatMap((line, i) => {
        const fixtures = world.fixtures.filter((f) => !f.since || i >= world.changedAt[c]);
        return leaksIn(fixtures, c, line).map((l) => `${c} heard ${l}: ${line.slice(0, 200)}`);
      }),
    );
    expect(problems).toEqual([]);
  });
});

function connect(cookie?: string): ClientSocket {
  const socket: ClientSocket = io(p.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: cookie ? { cookie } : {},
  });
  sockets.push(socket);
  return socket;
}
