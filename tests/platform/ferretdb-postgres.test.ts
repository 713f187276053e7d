// The FerretDB-on-PostgreSQL tuning (npm run ferretdb:tune-postgres) against the machine's
// PostgreSQL and our FerretDB launcher on it: companion indexes appear next to FerretDB's own,
// PostgreSQL uses them for the equality filters FerretDB sends, queries still answer the same,
// and a second run changes nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tuneFerretdbPostgres } from '@commons/server/infra/ferretdb-postgres';
import { freePort, waitForPort } from '@commons/server/infra/services/ports';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLauncher } from '../../scripts/ferretdb-binary.mjs';
import { sql } from '../support/postgres.js';

const adminUrl = process.env.COMMONS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `commons_tune_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
})();

let ferret: ChildProcess;
let mongo: MongoClient;

beforeAll(async () => {
  await sql(adminUrl, `CREATE DATABASE ${database}`);
  const port = await freePort();
  ferret = spawn(
    await ensureLauncher({}),
    ['-listen-addr', `127.0.0.1:${port}`, '-handler', 'postgresql', '-postgresql-url', dbUrl, '-exit-on-stdin-close'],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  await waitForPort('127.0.0.1', port, 30_000);
  mongo = await MongoClient.connect(`mongodb://127.0.0.1:${port}/`);
  const members = mongo.db('coalition').collection('notifications');
  await members.createIndex({ memberId: 1, createdAt: -1 });
  await members.insertMany(
    Array.from({ length: 3000 }, (_, i) => ({ memberId: `m${i % 300}`, kind: 'reply', createdAt: new Date(i * 1000) })),
  );
});

afterAll(async () => {
  await mongo?.close();
  if (ferret && ferret.exitCode === null) {
    const exited = new Promise((r) => ferret.once('exit', r));
    ferret.kill('SIGTERM');
    await exited;
  }
  await sql(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

describe('npm run ferretdb:tune-postgres', () => {
  it('adds a GIN companion for every field FerretDB indexed, and custom plans', async () => {
    const report = await tuneFerretdbPostgres(dbUrl);
    expect(report.planCacheMode).toBe('set');
    expect(report.created.map((c) => c.replace(/_[0-9a-f]{8}\(/, '('))).toEqual(
      expect.arrayContaining([
        'coalition.notifications(_id)',
        'coalition.notifications(memberId)',
        'coalition.notifications(createdAt)',
      ]),
    );
    const indexes = await sql<{ indexdef: string }>(
      dbUrl,
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'coalition' AND indexname LIKE '%\\_cgin'`,
    );
    expect(indexes.map((i) => i.indexdef).join('\n')).toMatch(
      /USING gin \(\(\(_jsonb -> 'memberId'::text\)\) jsonb_path_ops\)/,
    );

    // The filter exactly as FerretDB sends it, under the database's new plan mode: an index scan.
    const [{ tablename }] = (await sql<{ tablename: string }>(
      dbUrl,
      `SELECT tablename FROM pg_tables WHERE schemaname = 'coalition' AND tablename LIKE 'notifications%'`,
    )) as [{ tablename: string }];
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      await client.query({
        name: 'ferretdb-shape',
        text: `EXPLAIN SELECT _jsonb FROM coalition."${tablename}" WHERE _jsonb->$1 @> $2`,
        values: ['memberId', '"m7"'],
      });
      // Past the first five runs PostgreSQL would switch a prepared statement to a generic plan.
      let plan = '';
      for (let i = 0; i < 7; i++) {
        const rows = await client.query<{ 'QUERY PLAN': string }>({
          name: 'ferretdb-shape',
          text: `EXPLAIN SELECT _jsonb FROM coalition."${tablename}" WHERE _jsonb->$1 @> $2`,
          values: ['memberId', '"m7"'],
        });
        plan = rows.rows.map((r) => r['QUERY PLAN']).join('\n');
      }
      expect(plan).toMatch(/Bitmap Index Scan on .*_cgin/);
    } finally {
      await client.end();
    }
  });

  it('answers the same after tuning, and a second run changes nothing', async () => {
    const found = await mongo
      .db('coalition')
      .collection('notifications')
      .find({ memberId: 'm7' })
      .sort({ createdAt: -1 })
      .toArray();
    expect(found).toHaveLength(10);
    expect(found[0]!.createdAt).toEqual(new Date(2707 * 1000));
    const again = await tuneFerretdbPostgres(dbUrl);
    expect(again).toMatchObject({ created: [], planCacheMode: 'already' });
    expect(again.existing).toBeGreaterThanOrEqual(3);
  });
});
