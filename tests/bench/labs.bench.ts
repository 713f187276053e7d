/**
 * Action Lab benchmark (a script, not a test): 500 signed-in members in one lab room.
 *   (a) a chat message's delivery latency to all of them (p50/p95/p99 across receivers),
 *   (b) presence batching: how many `lab:presence` messages each member receives while 500 join,
 *       against the 500 × 500 an unbatched broadcast per join would send.
 *
 *   npm run bench:labs              (BENCH_PARTICIPANTS, BENCH_MESSAGES to change sizes)
 *
 * Everything runs on this machine against loopback (one server process started from the build,
 * its own database and Redis prefix); every loop is bounded in count and time, and it stops itself.
 */
import { hashPassword } from '@commons/server/auth/passwords';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import { MemberModel } from '@commons/server/members/model';
import type { ClientToServerEvents, LabPresenceEvent, ServerToClientEvents } from '@commons/shared';
import { io, type Socket } from 'socket.io-client';
import { benchEnv, rssMiB, summarize, writeResults } from './harness.js';

type LabSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const PARTICIPANTS = Math.min(Number(process.env.BENCH_PARTICIPANTS ?? 500), 2000);
const MESSAGES = Math.min(Number(process.env.BENCH_MESSAGES ?? 50), 200);
const MESSAGE_TIMEOUT_MS = 5_000;
const password = 'bench-willow-beacon-2026';
// Give up on the whole run after this long, whatever happens.
const watchdog = setTimeout(() => {
  console.error('labs bench: took longer than 10 minutes, giving up');
  process.exit(2);
}, 10 * 60_000);
watchdog.unref();

const env = await benchEnv('labs');
const server = await env.startServer();
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

function connect(cookie: string): Promise<LabSocket> {
  const s: LabSocket = io(base, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 20_000);
    s.once('session:ready', () => (clearTimeout(timer), resolve(s)));
    s.once('connect_error', (err) => (clearTimeout(timer), s.close(), reject(err)));
  });
}

async function join(s: LabSocket): Promise<void> {
  const ack = await s
    .timeout(60_000)
    .emitWithAck('lab:join', { labId })
    .catch((err: unknown) => {
      throw new Error(`join: ${String(err)}`);
    });
  if (!ack.ok) throw new Error(`join: ${ack.error.code}`);
}

const host = await connect(hostCookie);
await join(host);
const started = await host.timeout(30_000).emitWithAck('lab:start', { labId });
if (!started.ok) throw new Error(`start: ${started.error.code}`);

// ---------------------------------------------------------------- (b) presence while 500 join

console.log(`presence: ${PARTICIPANTS} members join, 10 at a time…`);
const members: LabSocket[] = [];
const presenceSeen: number[] = [];
const hostPresence: LabPresenceEvent[] = [];
host.on('lab:presence', (e) => void hostPresence.push(e));
const joinStart = performance.now();
for (let i = 0; i < memberCookies.length; i += 10) {
  const batch = await Promise.all(memberCookies.slice(i, i + 10).map((c) => connect(c)));
  await Promise.all(
    batch.map((s) => {
      const index = members.push(s) - 1;
      presenceSeen[index] = 0;
      // Counted from before the join, so every presence message this member could get is counted.
      s.on('lab:presence', () => void (presenceSeen[index] = (presenceSeen[index] ?? 0) + 1));
      return join(s);
    }),
  );
}
const joinMs = Math.round(performance.now() - joinStart);
// Let the last batch flush (the server flushes presence every 250 ms).
const settleUntil = Date.now() + 10_000;
while (Date.now() < settleUntil && (hostPresence.at(-1)?.count ?? 0) < PARTICIPANTS + 1)
  await new Promise((r) => setTimeout(r, 100));
await new Promise((r) => setTimeout(r, 600));
const perMember = [...presenceSeen].sort((a, b) => a - b);
const delivered = perMember.reduce((sum, n) => sum + n, 0) + hostPresence.length;
const presence = {
  members: members.length + 1,
  joinAllMs: joinMs,
  finalCount: hostPresence.at(-1)?.count ?? null,
  joinsReportedToHost: hostPresence.reduce((sum, e) => sum + e.joined.length, 0),
  presenceMessagesToHost: hostPresence.length,
  perMember: {
    min: perMember[0] ?? 0,
    median: perMember[Math.floor(perMember.length / 2)] ?? 0,
    max: perMember.at(-1) ?? 0,
  },
  totalDelivered: delivered,
  unbatchedWouldBe: PARTICIPANTS * PARTICIPANTS,
  ratio: Math.round((delivered / (PARTICIPANTS * PARTICIPANTS)) * 10_000) / 10_000,
};
console.log(presence);

// ---------------------------------------------------------------- (a) chat delivery to all 500

console.log(`chat: ${MESSAGES} messages from the facilitator to ${members.length} members…`);
const arrivals: number[] = [];
const perMessageP99: number[] = [];
/** Each receiver's arrival after the message's first arrival: the fan-out alone, without the write before it. */
const spreads: number[] = [];
let missed = 0;
for (let k = 0; k < MESSAGES; k++) {
  const body = `Benchmark message ${k}`;
  const got: number[] = [];
  let t0 = 0;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, MESSAGE_TIMEOUT_MS);
    for (const s of members) {
      const on = (m: { body: string }) => {
        if (m.body !== body) return;
        s.off('lab:message', on);
        got.push(performance.now() - t0);
        if (got.length === members.length) {
          clearTimeout(timer);
          resolve();
        }
      };
      s.on('lab:message', on);
    }
  });
  t0 = performance.now();
  const ack = await host.timeout(30_000).emitWithAck('lab:message:send', { labId, body });
  if (!ack.ok) throw new Error(`send: ${ack.error.code}`);
  await done;
  for (const s of members) s.removeAllListeners('lab:message');
  missed += members.length - got.length;
  arrivals.push(...got);
  if (got.length) {
    const first = Math.min(...got);
    spreads.push(...got.map((g) => g - first));
  }
  perMessageP99.push(summarize(got).p99);
  await new Promise((r) => setTimeout(r, 100));
}
const chat = {
  receivers: members.length,
  messages: MESSAGES,
  missedDeliveries: missed,
  fromSendMs: summarize(arrivals),
  fromFirstArrivalMs: summarize(spreads),
  worstMessageP99Ms: Math.max(...perMessageP99),
  serverRssMiB: rssMiB(server.pid),
};
console.log(chat);

for (const s of [host, ...members]) s.close();
const file = writeResults('labs-bench.json', {
  store: process.env.FERRETDB_POSTGRESQL_URL
    ? `FerretDB 1.24 (PostgreSQL backend${process.env.BENCH_PG_TUNE === '0' ? ', untuned' : ', tuned by npm run ferretdb:tune-postgres'})`
    : process.env.MONGODB_URI
      ? 'MONGODB_URI'
      : 'FerretDB 1.24 (SQLite backend)',
  note: 'Sender and all receivers are socket.io clients in this one Node.js process; latency includes their event-loop time.',
  participants: PARTICIPANTS,
  presence,
  chat,
  targets: { chatP99Ms: 40, presenceFarBelow: PARTICIPANTS * PARTICIPANTS },
});
console.log(`results written to ${file}`);
await server.stop();
await env.stop();
process.exit(0);
