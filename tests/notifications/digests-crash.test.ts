import { trusted } from 'mongoose';
// Runs real worker processes (node workers/dist/...): build first with `npx tsc -b shared server workers`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { MemberModel } from '@commons/server/members/model';
import { DigestMarkerModel } from '@commons/server/notifications/model';
import { createNotificationWorkerServices } from '@commons/server/notifications/wiring';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { TestMail } from '../support/mail.js';
import { categoryId, newThread, put, resetPostingBudgets, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';
import { digestEvening } from '../support/digest-time.js';

const root = path.resolve(import.meta.dirname, '../..');
const workersMain = path.join(root, 'workers/dist/main.js');
const digestsCli = path.join(root, 'workers/dist/digests-cli.js');

let p: TestPlatform;
let author: Someone;
let equity: string;
const children = new Set<ChildProcess>();

const at = digestEvening;
const isDigest = (m: TestMail) => /digest/i.test(m.subject);
const digestsTo = (who: Someone) => p.sink.mails().filter((m) => m.envelope.to.includes(who.email) && isDigest(m));

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const cfg = p.runtime.config;
  const mongo = inject('mongoUri').replace(/^(mongodb(?:\+srv)?:\/\/[^/?#]*)(\/[^?#]*)?/, `$1/${p.dbName}`);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    MONGODB_URI: mongo,
    REDIS_URL: inject('redisUrl'),
    SMTP_URL: p.sink.url,
    REDIS_PREFIX: cfg.REDIS_PREFIX,
    SESSION_SECRET: cfg.SESSION_SECRET,
    PUBLIC_URL: cfg.PUBLIC_URL,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'commons-digest-worker-')),
    ...extra,
  };
}

function run(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> } {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, output });
    }),
  );
  return { child, exited };
}

/** A new thread, fanned out here (this file's platform runs no workers): its watchers' entries exist. */
async function threadFannedOut(who: Someone, title: string): Promise<void> {
  const { thread, post } = await newThread(who, equity, title);
  const { notifications } = createNotificationWorkerServices(p.runtime);
  await notifications.fanout({
    threadId: thread.id,
    postId: post.id,
    actorId: who.id,
    replyToAuthorId: null,
    mentionIds: [],
  });
}

async function cast(names: string[]): Promise<Someone[]> {
  const out: Someone[] = [];
  for (const name of names) {
    const who = await signUp(p, name);
    await MemberModel.updateOne({ _id: who.id }, { $set: { timeZone: 'UTC', lastSeenAt: null } });
    await put(who.c, `/api/categories/${equity}/subscription`, { level: 'watching' });
    out.push(who);
  }
  return out;
}

beforeAll(async () => {
  if (!existsSync(workersMain) || !existsSync(digestsCli))
    throw new Error('Build first: npx tsc -b shared server workers (this file runs workers/dist/*.js).');
  // No in-process workers: only the spawned processes send digests.
  p = await startTestPlatform('digests_crash', { workers: false });
  author = await signUp(p, 'Ada Crash');
  equity = await categoryId(author.c, 'equity-tools');
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await p?.close();
});

describe('npm run digests -- --at', () => {
  it('runs the scheduler as if at that time and exits when the digests are sent', async () => {
    await resetPostingBudgets(p);
    const [nia] = await cast(['Nia Cli']);
    await threadFannedOut(author, 'Toolkit news for the CLI digest');
    const { exited } = run(digestsCli, ['--at', at.toISOString()], childEnv());
    const result = await exited;
    expect(result.code, result.output).toBe(0);
    expect(digestsTo(nia!)).toHaveLength(1);
    expect(result.output).toMatch(/Digests at .*: \d+ due; sent \d+, skipped \d+, .* in [\d.]+ s \([\d,]+\/min\)\n/);
  }, 60_000);
});

describe('a worker killed mid-batch', () => {
  it('is restarted and every member still gets exactly one digest', async () => {
    await resetPostingBudgets(p);
    const members = await cast(['Oli Crash', 'Pia Crash', 'Quinn Crash', 'Rae Crash', 'Sol Crash', 'Tia Crash']);
    // A fresh author: the file's main author has posted enough to be held as a burst, and held posts stay out of digests.
    const crashAuthor = await signUp(p, 'Uma Crash Author');
    await threadFannedOut(crashAuthor, 'Something every crash member missed');
    // Enqueue from here (the tick), then let a worker that dies as its third digest is about to
    // go out take the batch (one mail in flight at a time, so two went out before).
    const { digests } = createNotificationWorkerServices(p.runtime);
    const { jobIds, members: due } = await digests.enqueueDue(at);
    expect(jobIds.length).toBeGreaterThanOrEqual(1);
    expect(due).toBeGreaterThanOrEqual(members.length);

    const first = run(
      workersMain,
      [],
      childEnv({
        COMMONS_FAULT_KILL_AT_DIGEST_SEND: '3',
        DIGEST_SENDS_IN_FLIGHT: '1',
        WORKER_CONCURRENCY_DIGESTS: '1',
      }),
    );
    const killed = await first.exited;
    expect(killed.signal, killed.output).toBe('SIGKILL');
    // The batch's markers were claimed in one insert; two digests went out before the crash.
    const claimedBeforeCrash = await DigestMarkerModel.countDocuments({
      memberId: trusted({ $in: members.map((m) => m.id) }),
    });
    expect(claimedBeforeCrash).toBe(members.length);
    expect(members.filter((m) => digestsTo(m).length > 0).length).toBe(2);

    const second = run(workersMain, [], childEnv());
    await eventually(async () => members.every((m) => digestsTo(m).length >= 1) || undefined, 45_000);
    // A standalone workers process yields the CPU to the API (WORKER_NICE, default 10).
    expect(getPriority(second.child.pid!)).toBe(10);
    await new Promise((r) => setTimeout(r, 2_000));
    second.child.kill('SIGTERM');
    await second.exited;
    for (const m of members) expect(digestsTo(m), m.name).toHaveLength(1);
    const markers = await DigestMarkerModel.find({ memberId: trusted({ $in: members.map((m) => m.id) }) }).lean();
    expect(markers.map((m) => m.status)).toEqual(members.map(() => 'sent'));
  }, 90_000);
});
