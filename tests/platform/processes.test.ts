// Every kind of process starts and stops cleanly: exit code 0 and no error in its log.
// Runs the built processes (node server/dist/..., workers/dist/...): `npm test` builds first;
// alone, build with `npx tsc -b shared server workers`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '@commons/server/infra/services/ports';
import { MemberModel } from '@commons/server/members/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { children, childEnv as envFor, entry, errorsIn, start, type Ended } from '../support/processes.js';
import { digestEvening } from '../support/digest-time.js';

let p: TestPlatform;
let reader: Someone;
const dataDir = mkdtempSync(path.join(tmpdir(), 'commons-processes-'));
const childEnv = (extra: Record<string, string> = {}) => envFor(p, dataDir, extra);

function expectClean(name: string, ended: Ended): void {
  expect({ name, code: ended.code, signal: ended.signal, errors: errorsIn(ended.output) }, ended.output).toEqual({
    name,
    code: 0,
    signal: null,
    errors: [],
  });
}

beforeAll(async () => {
  for (const [name, file] of Object.entries(entry)) {
    if (!existsSync(file))
      throw new Error(`Build first: npx tsc -b shared server workers (${name}: ${file} is missing).`);
  }
  // With workers: the fan-out of the post below fills the reader's pending digest.
  p = await startTestPlatform('processes');
  // One member with a digest due at 08:00 UTC: the digests command sends a mail, not nothing.
  const author = await signUp(p, 'Ada Processes');
  reader = await signUp(p, 'Ben Processes');
  await MemberModel.updateOne({ _id: reader.id }, { $set: { timeZone: 'UTC', lastSeenAt: null } });
  const equity = await categoryId(author.c, 'equity-tools');
  await put(reader.c, `/api/categories/${equity}/subscription`, { level: 'watching' });
  await newThread(author, equity, 'Something the reader missed');
  const pending = `${p.runtime.config.REDIS_PREFIX}:digest:pending:${reader.id}`;
  for (let i = 0; i < 300 && (await p.runtime.redis.zcard(pending)) === 0; i++) await delay(100);
  expect(await p.runtime.redis.zcard(pending)).toBeGreaterThan(0);
  // The digests command below is what sends the digest, not these workers.
  await p.workers?.close();
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await p?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('every kind of process ends cleanly', () => {
  it('the digests command, after sending the digests due', async () => {
    const at = digestEvening.toISOString();
    const run = start(entry.digests, ['--at', at], childEnv());
    const ended = await run.ended;
    expectClean('digests', ended);
    expect(ended.output).toMatch(/Digests at .*: [1-9]\d* due/);
    expect(
      p.sink.mails().filter((m) => m.envelope.to.includes(reader.email) && /digest/i.test(m.subject)),
    ).toHaveLength(1);
  }, 120_000);

  it('the members command, and the digests command run again (little or nothing left due)', async () => {
    // Little due: the command closes its worker and queues moments after opening them, which is
    // when BullMQ's start-up commands used to meet a closed connection.
    const [members, again] = await Promise.all([
      start(entry.members, ['set-role', reader.email, 'moderator'], childEnv()).ended,
      start(entry.digests, ['--at', digestEvening.toISOString()], childEnv()).ended,
    ]);
    expectClean('members', members);
    expect(members.output).toContain(`${reader.email} is now moderator`);
    expectClean('digests, nothing due', again);
    expect(again.output).toMatch(/Digests at .*: \d+ due/);
  }, 120_000);

  it('the server, the workers and `npm start`, stopped with SIGTERM or Ctrl-C', async () => {
    const [serverPort, platformPort] = [await freePort(), await freePort()];
    const server = start(entry.server, [], childEnv({ PORT: String(serverPort) }), /server listening/);
    const workers = start(entry.workers, [], childEnv(), /workers running/);
    const platform = start(entry.platform, [], childEnv({ PORT: String(platformPort) }), /Press Ctrl-C to stop/);
    await Promise.all([server.ready, workers.ready, platform.ready]);
    // Answering requests, and the workers' schedulers declared, before they are asked to stop.
    for (const port of [serverPort, platformPort]) {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    }
    server.child.kill('SIGTERM');
    workers.child.kill('SIGTERM');
    platform.child.kill('SIGINT');
    const [s, w, pl] = await Promise.all([server.ended, workers.ended, platform.ended]);
    expectClean('server', s);
    expectClean('workers', w);
    expectClean('platform', pl);
    for (const ended of [s, w, pl]) expect(ended.output).toContain('stopped');
  }, 180_000);
});
