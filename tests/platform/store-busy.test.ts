// A busy store is waited for; a stalled one is not. A server process (its defaults: a stall noticed
// within STORE_TIMEOUT_MS, 1.5 s; a busy store waited for up to STORE_BUSY_TIMEOUT_MS, 5 s) on a
// FerretDB of its own, over a PostgreSQL database of its own: while PostgreSQL holds the posts'
// table locked for 3 s, FerretDB keeps answering the driver's checks and a reply waits for the
// lock instead of answering 503 at 1.5 s. The stalled side (a paused FerretDB answers 503 within
// 2.5 s) is tests/platform/outage.test.ts, with the same defaults.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitForPort } from '@commons/server/infra/services/ports';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureLauncher } from '../../scripts/ferretdb-binary.mjs';
import { memberWithThread, type TestClient } from '../support/http.js';
import { sql } from '../support/postgres.js';
import { children, entry, start } from '../support/processes.js';

const adminUrl = process.env.COMMONS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `commons_busy_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  u.searchParams.set('sslmode', 'disable');
  return u.toString();
})();
const storeDb = 'busy';
const dataDir = mkdtempSync(path.join(tmpdir(), 'commons-busy-'));

let ferret: ChildProcess;
let url: string;
let member: TestClient;
let threadId: string;

beforeAll(async () => {
  if (!existsSync(entry.server)) throw new Error('Build first: npx tsc -b shared server workers');
  await sql(adminUrl, `CREATE DATABASE ${database}`);
  const storePort = await freePort();
  // As the platform runs it on PostgreSQL: a pool of 20 and the gate at half of it.
  ferret = spawn(
    await ensureLauncher({}),
    [
      '-listen-addr',
      `127.0.0.1:${storePort}`,
      '-handler',
      'postgresql',
      '-postgresql-url',
      `${dbUrl}&pool_max_conns=20`,
      '-max-commands',
      '10',
      '-log-level',
      'error',
      '-exit-on-stdin-close',
    ],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  await waitForPort('127.0.0.1', storePort, 30_000);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const server = start(
    entry.server,
    [],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      MONGODB_URI: `mongodb://127.0.0.1:${storePort}/${storeDb}`,
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `t:${database}`,
      SMTP_URL: inject('smtpUrl'),
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      EMAIL_VERIFICATION: 'false',
      // The defaults under test, whatever the environment says.
      STORE_TIMEOUT_MS: '1500',
      STORE_BUSY_TIMEOUT_MS: '5000',
    },
    /server listening/,
  );
  await server.ready;
  expect(server.child.exitCode, server.output()).toBeNull();

  ({ member, threadId } = await memberWithThread(url, 'Bea Busy', {
    title: 'When the store is slow',
    body: 'Does a reply wait, or fail?',
  }));
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (ferret && ferret.exitCode === null) {
    const exited = new Promise((r) => ferret.once('exit', r));
    ferret.kill('SIGTERM');
    await exited;
  }
  await sql(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a busy store', () => {
  it('is waited for: a reply held 3 s behind a locked table is saved, not answered 503 at 1.5 s', async () => {
    // FerretDB keeps each collection in a table of its own, named in its metadata.
    const [table] = await sql<{ name: string }>(
      dbUrl,
      `SELECT _jsonb->>'table' AS name FROM ${storeDb}._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'forum_posts'`,
    );
    expect(table?.name).toBeTruthy();
    const locker = new pg.Client({ connectionString: dbUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${storeDb}."${table!.name}" IN ACCESS EXCLUSIVE MODE`);
      const started = performance.now();
      const reply = member.post(`/api/threads/${threadId}/posts`, { body: 'Saved once the table is free.' });
      await new Promise((r) => setTimeout(r, 3_000));
      await locker.query('COMMIT');
      const res = await reply;
      const ms = performance.now() - started;
      expect(res.status, res.text).toBe(201);
      expect(ms, 'the reply waited for the lock').toBeGreaterThan(2_900);
    } finally {
      await locker.end();
    }
    const posts = await member.get(`/api/threads/${threadId}/posts`);
    expect(posts.text).toContain('Saved once the table is free.');
  }, 60_000);
});
