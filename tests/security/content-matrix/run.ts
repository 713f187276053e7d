import type { TestPlatform } from '../../support/platform.js';
import type { ClientSocket } from '../../support/sockets.js';
import type { Caller, Fixture, Person } from './cast.js';
import type { Probe, SocketProbe } from './probes.js';

/*
 * Runs the matrix's probes in parallel (a few at a time, one request per probe however many
 * probes share it) and says what is wrong: an answer that differs from its "does not exist"
 * twin, a reader refused, a 5xx, or a word of content the caller may not read anywhere in what
 * they were sent.
 */

const PARALLEL = 8;

async function pool<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** What an answer says, without what differs between any two requests (the request id). */
function normalize(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: Record<string, unknown> };
    if (body.error) delete body.error.requestId;
    return `${status} ${JSON.stringify(body)}`;
  } catch {
    return `${status} ${text.slice(0, 200)}`;
  }
}

/** The words of fixtures the caller may not read that `text` contains. */
export function leaksIn(fixtures: Fixture[], caller: Caller, text: string, path = ''): string[] {
  // A search answer says which words it looked for: that is the caller's own query, not a leak.
  const said = text.replace(/"terms":\[[^\]]*\]/g, '');
  return fixtures
    .filter((f) => !f.readers.has(caller) && said.includes(f.token) && !ownWords(f, caller, path))
    .map((f) => `${f.kind} ${f.state}`);
}

/**
 * A member's data export holds everything they wrote that still exists, wherever it is now (an
 * archived category included): it is their own words, not someone else's content.
 */
const ownWords = (f: Fixture, caller: Caller, path: string) =>
  path === '/api/members/me/export' && caller === 'author' && f.state === 'archived';

/** A reader's request was refused as if the content did not exist, or as if they had no right. */
const refused = (status: number) => status === 401 || status === 403 || status === 404;

export async function runRest(
  p: TestPlatform,
  fixtures: Fixture[],
  probes: Probe[],
  cookieOf: (c: Caller) => string | undefined,
): Promise<{ problems: string[]; requests: number }> {
  const answers = new Map<string, Promise<{ status: number; text: string }>>();
  const signature = (q: Probe) => `${q.caller} ${q.method} ${q.path} ${JSON.stringify(q.body ?? null)}`;
  const send = (q: Probe) => {
    const key = signature(q);
    let answer = answers.get(key);
    if (!answer) {
      answer = request(p, q, cookieOf(q.caller));
      answers.set(key, answer);
    }
    return answer;
  };
  const problems: string[] = [];
  await pool(probes, async (q) => {
    const [got, twin] = await Promise.all([send(q), q.twin ? send(q.twin) : Promise.resolve(null)]);
    const where = `${q.label} as ${q.caller}`;
    if (got.status >= 500) problems.push(`${where}: ${got.status}`);
    if (q.mustRead && refused(got.status))
      problems.push(`${where}: a reader got ${got.status} ${got.text.slice(0, 120)}`);
    for (const word of q.mustShow ?? [])
      if (!got.text.includes(word)) problems.push(`${where}: ${q.path} does not show ${word}`);
    const leaks = leaksIn(fixtures, q.caller, got.text, q.path);
    if (leaks.length) problems.push(`${where}: ${q.method} ${q.path} shows ${leaks.join(', ')}`);
    // Two writes that both succeeded made two things with two ids: their statuses are compared.
    const bothDone = twin && got.status < 300 && twin.status < 300;
    if (twin && !bothDone) {
      const a = normalize(got.status, got.text);
      const b = normalize(twin.status, twin.text);
      if (a !== b) problems.push(`${where}: ${a.slice(0, 160)} ≠ missing ${b.slice(0, 160)}`);
    } else if (twin && got.status !== twin.status) problems.push(`${where}: ${got.status} ≠ missing ${twin.status}`);
  });
  return { problems: [...new Set(problems)], requests: answers.size };
}

async function request(
  p: TestPlatform,
  q: Probe,
  cookie: string | undefined,
): Promise<{ status: number; text: string }> {
  const hasBody = q.body !== undefined && q.method !== 'get' && q.method !== 'delete';
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(p.url + q.path, {
      method: q.method.toUpperCase(),
      headers: {
        origin: p.url,
        ...(cookie ? { cookie } : {}),
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(q.body) } : {}),
      redirect: 'manual',
    });
    const text = await res.text();
    // The matrix is not about limits: a spent budget is given back and the request sent again.
    if (res.status === 429 && attempt < 3) {
      await resetLimits(p);
      continue;
    }
    return { status: res.status, text };
  }
}

export async function resetLimits(p: TestPlatform): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await p.runtime.redis.scan(
      cursor,
      'MATCH',
      `${p.runtime.config.REDIS_PREFIX}:rl:*`,
      'COUNT',
      500,
    );
    cursor = next;
    if (keys.length) await p.runtime.redis.del(...keys);
  } while (cursor !== '0');
}

type Ack = { ok: boolean; data?: unknown; error?: { code: string; message: string; details?: unknown } };

export async function runSockets(
  p: TestPlatform,
  fixtures: Fixture[],
  probes: SocketProbe[],
  sockets: Record<Person, ClientSocket>,
): Promise<string[]> {
  const answers = new Map<string, Promise<Ack>>();
  const send = (q: SocketProbe): Promise<Ack> => {
    const key = `${q.caller} ${q.event} ${JSON.stringify(q.payload)}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = emit(p, sockets[q.caller], q);
      answers.set(key, answer);
    }
    return answer;
  };
  const problems: string[] = [];
  await pool(probes, async (q) => {
    const [got, twin] = await Promise.all([send(q), q.twin ? send(q.twin) : Promise.resolve(null)]);
    const where = `${q.label} as ${q.caller}`;
    const text = JSON.stringify(got);
    if (!got.ok && got.error?.code === 'internal') problems.push(`${where}: internal error`);
    // A room not open yet (a lab's, until shortly before it starts) is not a refusal of the reader.
    if (q.mustRead && !got.ok && ['not_found', 'forbidden'].includes(got.error?.code ?? ''))
      problems.push(`${where}: a reader was refused ${text.slice(0, 160)}`);
    const leaks = leaksIn(fixtures, q.caller, text);
    if (leaks.length) problems.push(`${where}: the ack shows ${leaks.join(', ')}`);
    if (twin) {
      const a = JSON.stringify({ ok: got.ok, error: got.error });
      const b = JSON.stringify({ ok: twin.ok, error: twin.error });
      if (a !== b) problems.push(`${where}: ${a.slice(0, 160)} ≠ missing ${b.slice(0, 160)}`);
    }
  });
  return [...new Set(problems)];
}

async function emit(p: TestPlatform, socket: ClientSocket, q: SocketProbe): Promise<Ack> {
  for (let attempt = 0; ; attempt++) {
    const ack = (await (socket.timeout(10_000) as unknown as ClientSocket).emitWithAck(
      q.event as 'thread:join',
      q.payload as never,
    )) as Ack;
    if (!ack.ok && ack.error?.code === 'rate_limited' && attempt < 3) {
      await resetLimits(p);
      continue;
    }
    return ack;
  }
}
