/**
 * Action Lab benchmark (a script, not a test): 500 signed-in members in one lab room.
 *   (a) a chat message's delivery latency to all of them, from the send to each receiver and to the
 *       last one (p50/p95/p99), and its spread across receivers; the sender and the receivers are
 *       clients in processes of their own (labs-clients.ts), apart from the server's,
 *   (b) a join storm: every member asks to join within one second; join throughput, each member's
 *       time to the room state, and presence batching (how many `lab:presence` messages each
 *       member receives, against the 500 × 500 an unbatched broadcast per join would send),
 *   (c) store commands per join and per message (the server runs with COMMONS_DB_PROFILE), RSS,
 *       and the machine's load average beside them (figures from a loaded machine are upper bounds).
 *
 *   npm run bench:labs   (BENCH_PARTICIPANTS, BENCH_MESSAGES, BENCH_RECEIVER_PROCESSES to change sizes)
 *
 * Everything runs on this machine against loopback (one server process started from the build,
 * its own database and Redis prefix); every loop is bounded in count and time, and it stops itself.
 */
import { hashPassword } from '@commons/server/auth/passwords';
import { backfillHandles } from '@commons/server/forums/mentions';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import { MemberModel } from '@commons/server/members/model';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { benchEnv, rssMiB, storeLabel, summarize, writeResults } from './harness.js';
import { forkClients, now } from './client-processes.js';
import type { ClientRequest } from './labs-clients.js';

const PARTICIPANTS = Math.min(Number(process.env.BENCH_PARTICIPANTS ?? 500), 2000);
const MESSAGES = Math.min(Number(process.env.BENCH_MESSAGES ?? 50), 200);
const MESSAGE_TIMEOUT_MS = 5_000;
/** Between two messages: the fan-out of one is over before the next (the figure is one message's). */
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 200);
/** The receivers are spread over this many processes of their own. */
const RECEIVER_PROCESSES = Math.max(1, Math.min(8, Number(process.env.BENCH_RECEIVER_PROCESSES ?? 2)));
const password = 'bench-willow-beacon-2026';
// Give up on the whole run after this long, whatever happens.
const watchdog = setTimeout(() => {
  console.error('labs bench: took longer than 10 minutes, giving up');
  process.exit(2);
}, 10 * 60_000);
watchdog.unref();

const env = await benchEnv('labs');
const profileDir = mkdtempSync(path.join(tmpdir(), 'labs-bench-profile-'));
const server = await env.startServer({ COMMONS_DB_PROFILE: path.join(profileDir, 'db') });

/** Store commands the server has made so far (its profile file, rewritten every 5 s and at exit). */
function storeCommands(): number {
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.json'));
  let total = 0;
  for (const f of files) {
    const { rows } = JSON.parse(readFileSync(path.join(profileDir, f), 'utf8')) as { rows: { count: number }[] };
    total += rows.reduce((sum, r) => sum + r.count, 0);
  }
  return total;
}
const profiled = async (): Promise<number> => {
  // Wait for the next 5-second write of the profile.
  await new Promise((r) => setTimeout(r, 5_500));
  return storeCommands();
};
const base = server.url;

async function login(email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

console.log(`setting up ${PARTICIPANTS} members and a host…`);
await connectDatabase(server.mongoUri);
const passwordHash = await hashPassword(password);
await MemberModel.insertMany(
  Array.from({ length: PARTICIPANTS + 1 }, (_, i) => ({
    email: `labbench${i}@example.org`,
    displayName: i === 0 ? 'Bench Facilitator' : `Bench Participant ${i}`,
    passwordHash,
  })),
);
// Members who signed up through the API get their mention handle at once; these were inserted
// (without one, a chat message's author is never cached and each message reads it again).
await backfillHandles();
await disconnectDatabase();
const cookies: string[] = [];
for (let i = 0; i <= PARTICIPANTS; i += 20)
  cookies.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(20, PARTICIPANTS + 1 - i) }, (_, j) => login(`labbench${i + j}@example.org`)),
    )),
  );
const [hostCookie, ...memberCookies] = cookies as [string, ...string[]];

const created = await fetch(`${base}/api/labs`, {
  method: 'POST',
  headers: { cookie: hostCookie, origin: base, 'content-type': 'application/json' },
  body: JSON.stringify({
    title: 'Benchmark lab: 500 neighbours',
    purpose: 'Measure chat delivery and presence batching in one large room.',
    startsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    durationMinutes: 120,
    visibility: 'public',
    agenda: [{ title: 'Open discussion', minutes: 120, kind: 'discuss' }],
  }),
});
if (created.status !== 201) throw new Error(`create lab: ${created.status} ${await created.text()}`);
const labId = ((await created.json()) as { lab: { id: string } }).lab.id;

// ---------------------------------------------------------------- client processes

/** A forked process of clients (labs-clients.ts), asked over IPC. */
const clients = (name: string) => forkClients<ClientRequest>('./labs-clients.ts', name);

const sender = clients('sender');
await sender.ask({ kind: 'connect', base, labId, cookies: [hostCookie] });
await sender.ask({ kind: 'host' });
const shares = Array.from({ length: RECEIVER_PROCESSES }, (_, k) =>
  memberCookies.filter((_, i) => i % RECEIVER_PROCESSES === k),
);
const receivers = shares.map((_, k) => clients(`receivers-${k}`));
console.log(`${PARTICIPANTS} members connect from ${RECEIVER_PROCESSES} processes…`);
await Promise.all(receivers.map((r, k) => r.ask({ kind: 'connect', base, labId, cookies: shares[k]! })));

// ---------------------------------------------------------------- (b) the join storm

console.log(`storm: all ${PARTICIPANTS} join within one second…`);
const commandsBeforeJoins = await profiled();
const at = now() + 500;
let first = 0;
const joined = await Promise.all(
  receivers.map((r, k) => {
    const req: ClientRequest = { kind: 'join', at, spreadMs: 1000, first, total: PARTICIPANTS };
    first += shares[k]!.length;
    return r.ask<{ timeToRoom: number[]; errors: string[] }>(req);
  }),
);
const joinMs = Math.round(now() - at);
const commandsPerJoin = (await profiled()) - commandsBeforeJoins;
const timeToRoom = joined.flatMap((j) => j.timeToRoom);
const errors = joined.flatMap((j) => j.errors);
// Let the last batch flush (the server flushes presence every 250 ms).
type Presence = { perSocket: number[]; host: { messages: number; lastCount: number; joins: number } };
let hostPresence = (await sender.ask<Presence>({ kind: 'presence' })).host;
const settleUntil = Date.now() + 10_000;
while (Date.now() < settleUntil && hostPresence.lastCount < PARTICIPANTS + 1) {
  await new Promise((r) => setTimeout(r, 200));
  hostPresence = (await sender.ask<Presence>({ kind: 'presence' })).host;
}
await new Promise((r) => setTimeout(r, 600));
const perMember = (await Promise.all(receivers.map((r) => r.ask<Presence>({ kind: 'presence' }))))
  .flatMap((p) => p.perSocket)
  .sort((a, b) => a - b);
const delivered = perMember.reduce((sum, n) => sum + n, 0) + hostPresence.messages;
const presence = {
  members: PARTICIPANTS + 1,
  joinAllMs: joinMs,
  joinsPerSecond: Math.round((timeToRoom.length / joinMs) * 1000 * 10) / 10,
  refused: errors.length,
  refusedWhy: [...new Set(errors)].slice(0, 5),
  timeToRoomMs: { ...summarize(timeToRoom), max: Math.round(Math.max(...timeToRoom)) },
  storeCommandsPerJoin: Math.round((commandsPerJoin / PARTICIPANTS) * 100) / 100,
  finalCount: hostPresence.lastCount,
  joinsReportedToHost: hostPresence.joins,
  presenceMessagesToHost: hostPresence.messages,
  perMember: {
    min: perMember[0] ?? 0,
    median: perMember[Math.floor(perMember.length / 2)] ?? 0,
    max: perMember.at(-1) ?? 0,
  },
  totalDelivered: delivered,
  unbatchedWouldBe: PARTICIPANTS * PARTICIPANTS,
  ratio: Math.round((delivered / (PARTICIPANTS * PARTICIPANTS)) * 10_000) / 10_000,
  serverRssMiB: rssMiB(server.pid),
};
console.log(presence);

// ---------------------------------------------------------------- (a) chat delivery to all 500

console.log(`chat: ${MESSAGES} messages from the facilitator to ${PARTICIPANTS} members in other processes…`);
const commandsBeforeChat = await profiled();
const bodies = Array.from({ length: MESSAGES }, (_, k) => `Benchmark message ${k}`);
const { sentAt } = await sender.ask<{ sentAt: Record<string, number> }>({ kind: 'send', bodies, gapMs: GAP_MS });
// The last message's fan-out has had its gap and a little more to land.
await new Promise((r) => setTimeout(r, MESSAGE_TIMEOUT_MS));
const commandsPerMessage = ((await profiled()) - commandsBeforeChat) / MESSAGES;
const arrived = await Promise.all(
  receivers.map((r) => r.ask<{ arrivals: Record<string, number[]> }>({ kind: 'arrivals' })),
);
const all: number[] = [];
const lastReceiver: number[] = [];
/** Each receiver's arrival after the message's first arrival: the fan-out alone, without the write before it. */
const spreads: number[] = [];
const spreadPerMessage: number[] = [];
let missed = 0;
for (const body of bodies) {
  const got = arrived.flatMap((a) => a.arrivals[body] ?? []).map((t) => t - sentAt[body]!);
  missed += PARTICIPANTS - got.length;
  if (!got.length) continue;
  all.push(...got);
  lastReceiver.push(Math.max(...got));
  const firstIn = Math.min(...got);
  spreads.push(...got.map((g) => g - firstIn));
  spreadPerMessage.push(Math.max(...got) - firstIn);
}
const chat = {
  receivers: PARTICIPANTS,
  receiverProcesses: RECEIVER_PROCESSES,
  storeCommandsPerMessage: Math.round(commandsPerMessage * 100) / 100,
  messages: MESSAGES,
  missedDeliveries: missed,
  fromSendMs: summarize(all),
  toLastReceiverMs: summarize(lastReceiver),
  fromFirstArrivalMs: summarize(spreads),
  spreadPerMessageMs: summarize(spreadPerMessage),
  serverRssMiB: rssMiB(server.pid),
};
console.log(chat);

for (const c of [sender, ...receivers]) c.stop();
const file = writeResults('labs-bench.json', {
  store: storeLabel(),
  note:
    'The facilitator (sender) and the receivers are socket.io clients in processes of their own, apart from the ' +
    'server and from each other; times come from the monotonic clock they share. fromSendMs: every (message, ' +
    'receiver) pair; toLastReceiverMs: each message to its last receiver; fromFirstArrivalMs: the spread across receivers.',
  participants: PARTICIPANTS,
  loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  uptime: execFileSync('uptime', { encoding: 'utf8' }).trim(),
  loadNote: 'A shared 2-core machine, loaded by other work: these figures are upper bounds.',
  presence,
  chat,
  targets: {
    chatP99Ms: 40,
    presenceFarBelow: PARTICIPANTS * PARTICIPANTS,
    timeToRoomMaxMs: 5000,
    refused: 0,
    storeCommandsPerJoin: 2,
    storeCommandsPerMessage: 3,
  },
});
console.log(`results written to ${file}`);
await server.stop();
await env.stop();
process.exit(0);
