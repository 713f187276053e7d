import { readFileSync } from 'node:fs';
import { allOperations } from '@commons/server/openapi/operations';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signUp, type Someone } from '../forums/support.js';
import { socketFor, type ClientSocket } from '../moderation/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { changedCollections, storeSnapshot, type StoreSnapshot } from '../support/store-snapshot.js';

/*
 * Properties: no input makes any route or socket event fail on our side (5xx, or an `internal`
 * ack), and an input that is refused (4xx, or an ack with `ok: false`) changes nothing in the
 * store (every collection's documents are the same before and after). Inputs come from each
 * operation's own zod schemas (the keys of its body and query objects) filled with hostile values:
 * NUL characters, huge and negative numbers, operator objects, deep nesting, odd ids. Seeded and
 * bounded so the run is repeatable and short; raise FUZZ_RUNS locally to dig deeper.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

/** Routes left out: sign-in state and its limits, multipart uploads, and webhook targets (DNS look-ups). */
const SKIP = [
  /^\/api\/auth\//,
  /^post \/api\/uploads$/,
  /^post \/api\/resources\/import$/,
  /^(post|patch) \/api\/webhooks/,
];

let p: TestPlatform;
let admin: Someone;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  p = await startTestPlatform('fuzz', { workers: false });
  admin = await signUp(p, 'Fuzz Admin', 'admin');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await p?.close();
});

/** Listeners done, and the outbox entries they wrote handed over and removed. */
async function settleFollowUps(): Promise<void> {
  await p.runtime.events.settle();
  await p.runtime.outbox.settle();
}

/**
 * Checks the store after a batch of inputs: when every one was refused, nothing may have changed
 * since `baseline`; when one was accepted (an input can be valid by chance), its writes are the
 * new baseline. Returns the baseline for the next batch.
 */
async function checkUnchanged(
  baseline: StoreSnapshot,
  accepted: boolean,
  label: string,
  failures: string[],
): Promise<StoreSnapshot> {
  // An accepted input may leave follow-up writes (listeners) running a moment longer, and its
  // outbox entries until they are handed over and removed.
  if (accepted) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settleFollowUps();
  }
  const now = await storeSnapshot();
  if (!accepted) {
    const changed = changedCollections(baseline, now);
    if (changed.length > 0) failures.push(`${label}: refused, yet changed ${changed.join(', ')}`);
  }
  return now;
}

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '$gt', '{"$ne":1}', '../../etc', '%00', '0'.repeat(24), 'f'.repeat(24), ''),
  fc.constantFrom('> '.repeat(300), '1. '.repeat(300), '*a'.repeat(700), 'x'.repeat(5000)),
);
const hostileNumber = fc.oneof(fc.integer(), fc.constantFrom(9e15, -9e15, Number.MAX_SAFE_INTEGER, 1e308, -0, 0.5));
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.constant({ $gt: '' }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** The keys a schema knows (objects, and objects under refinements/pipes), else none. */
function keysOf(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  const inner = (schema as { def?: { in?: z.ZodType; innerType?: z.ZodType; schema?: z.ZodType } }).def;
  return keysOf(inner?.in ?? inner?.innerType ?? inner?.schema);
}

function objectFor(keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  if (keys.length === 0) return fc.dictionary(hostileString, hostileValue, { maxKeys: 3 });
  return fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue])), { requiredKeys: [] });
}

const pathParam = fc.oneof(
  fc.constantFrom('0'.repeat(24), 'f'.repeat(24), 'not-an-id', '%00', '..%2f', 'like'),
  fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent),
);

const operations = allOperations.filter(
  (op) => !SKIP.some((re) => re.test(op.path) || re.test(`${op.method} ${op.path}`)),
);

describe('fuzzing every route from its schemas', () => {
  it(`never answers a 5xx, and a 4xx changes nothing (${operations.length} routes × ${RUNS} runs, seed ${SEED})`, async () => {
    const failures: string[] = [];
    const started = Date.now();
    // A first request records today's visit (a write of its own), before the first baseline.
    await admin.c.get('/api/members/me');
    // The instrument itself: an accepted write shows in the snapshot, in its collection and the
    // audit log (category changes are audited) only.
    await settleFollowUps();
    const before = await storeSnapshot();
    expect((await admin.c.post('/api/categories', { name: 'Fuzz check room' })).status).toBe(201);
    await settleFollowUps();
    expect(changedCollections(before, await storeSnapshot())).toEqual(['forum_categories', 'moderation_audit']);
    let baseline = await storeSnapshot();
    for (const op of operations) {
      let accepted = false;
      const arb = fc.record({
        params: fc.array(pathParam, { minLength: 4, maxLength: 4 }),
        query: objectFor(keysOf(op.query)),
        body: fc.oneof(objectFor(keysOf(op.body)), hostileValue),
      });
      await fc
        .assert(
          fc.asyncProperty(arb, async ({ params, query, body }) => {
            let i = 0;
            const path = op.path.replace(/\{[^}]+\}/g, () => params[i++ % params.length]!);
            const qs = new URLSearchParams(
              Object.entries(query).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            ).toString();
            const url = qs ? `${path}?${qs}` : path;
            const res = await fetch(p.url + url, {
              method: op.method.toUpperCase(),
              headers: {
                origin: p.url,
                cookie: admin.c.cookieHeader(),
                ...(op.method === 'get' || op.method === 'delete' ? {} : { 'content-type': 'application/json' }),
              },
              ...(op.method === 'get' || op.method === 'delete' ? {} : { body: JSON.stringify(body) }),
              redirect: 'manual',
            });
            const text = await res.text();
            if (res.status >= 500)
              failures.push(`${op.method.toUpperCase()} ${url} -> ${res.status} ${text.slice(0, 200)}`);
            if (res.status < 400) accepted = true;
            return res.status < 500;
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        )
        .catch(() => undefined);
      baseline = await checkUnchanged(baseline, accepted, `${op.method.toUpperCase()} ${op.path}`, failures);
    }
    console.info(`fuzz: ${operations.length} routes × ${RUNS} runs in ${Date.now() - started} ms`);
    expect(failures).toEqual([]);
    // About a minute on a quiet machine; a store snapshot follows every route, and a shared CI box is slower.
  }, 600_000);
});

/** Every command a client may send, read from the one socket contract (shared/src/events.ts). */
function clientEventNames(): string[] {
  const source = readFileSync(new URL('../../shared/src/events.ts', import.meta.url), 'utf8');
  const block = source.slice(source.indexOf('export interface ClientToServerEvents'));
  return [...block.slice(0, block.indexOf('\n}')).matchAll(/^\s+'([a-z]+(?::[a-z]+)+)':/gm)].map((m) => m[1]!);
}

/** The fields socket payloads carry (ids of rooms and items, texts, numbers, switches). */
const PAYLOAD_KEYS = [
  'threadId',
  'categoryId',
  'labId',
  'memberId',
  'ideaId',
  'ideaIds',
  'checkId',
  'body',
  'text',
  'title',
  'minutes',
  'after',
  'open',
  'on',
  'vote',
  'reason',
  'anonymous',
  'kind',
];

describe('fuzzing every socket event', () => {
  const events = clientEventNames();
  it(`acks every malformed payload with an error of the caller's, changes nothing, and keeps the connection (${events.length} events × ${RUNS} runs)`, async () => {
    expect(events.length).toBeGreaterThan(20);
    const socket = await socketFor(p.url, admin, sockets);
    const failures: string[] = [];
    await settleFollowUps();
    let baseline = await storeSnapshot();
    for (const event of events) {
      let accepted = false;
      const payloads = fc.sample(fc.oneof(hostileValue, objectFor(PAYLOAD_KEYS)), { numRuns: RUNS, seed: SEED });
      for (const payload of payloads) {
        let ack: { ok: boolean; error?: { code: string } };
        try {
          // Any event name with any payload: the contract's types do not hold for hostile input.
          ack = (await socket
            .timeout(10_000)
            .emitWithAck(event as 'session:ping', payload as Record<string, never>)) as {
            ok: boolean;
            error?: { code: string };
          };
        } catch {
          failures.push(`${event} ${JSON.stringify(payload).slice(0, 120)}: no ack`);
          continue;
        }
        if (ack.ok) accepted = true;
        else if (!ack.error || ack.error.code === 'internal')
          failures.push(`${event} ${JSON.stringify(payload).slice(0, 120)}: ${JSON.stringify(ack).slice(0, 200)}`);
      }
      baseline = await checkUnchanged(baseline, accepted, event, failures);
    }
    // Still connected and answering: no payload took the connection or the process down.
    expect(socket.connected).toBe(true);
    expect((await socket.timeout(10_000).emitWithAck('session:ping', {})).ok).toBe(true);
    expect(failures).toEqual([]);
  }, 300_000);
});
