// Our FerretDB launcher's gate (tools/ferretdb/gate.go) against the machine's PostgreSQL: with as
// many updates in flight as FerretDB's PostgreSQL pool holds, FerretDB 1.24 deadlocks for good
// (each update holds one pooled connection and waits for a second); with the gate the platform
// starts it with, the same burst completes, and so does a burst from a client that gives up.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ferretdbCommandLimit } from '@commons/server/infra/services/postgres';
import { freePort, waitForPort } from '@commons/server/infra/services/ports';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLauncher } from '../../scripts/ferretdb-binary.mjs';

const adminUrl = process.env.COMMONS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const POOL = 4;
const started: { ferret: ChildProcess; database: string }[] = [];

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A FerretDB of its own on a new database, with a pool of POOL connections and the given gate. */
async function startFerretdb(gate: number): Promise<string> {
  const database = `commons_gate_${randomBytes(4).toString('hex')}`;
  await sql(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  url.searchParams.set('pool_max_conns', String(POOL));
  const port = await freePort();
  const args = ['-listen-addr', `127.0.0.1:${port}`, '-handler', 'postgresql', '-postgresql-url', url.toString()];
  // FerretDB's own warnings (each client's unsupported endSessions) stay out of the test's output.
  const ferret = spawn(await ensureLauncher({}), [...args, '-exit-on-stdin-close', '-max-commands', String(gate)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  started.push({ ferret, database });
  await waitForPort('127.0.0.1', port, 30_000);
  return `mongodb://127.0.0.1:${port}/`;
}

/** 40 updates of 40 documents sent at once; whether all are answered within `withinMs`. */
async function burst(uri: string, withinMs: number): Promise<{ answered: number; inTime: boolean }> {
  const client = await MongoClient.connect(uri, { maxPoolSize: 40, socketTimeoutMS: 0 });
  try {
    const docs = client.db('gate').collection<{ _id: number; n: number }>('docs');
    await docs.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: i, n: 0 })));
    // Every connection open first, so the updates arrive together rather than one per new connection.
    await Promise.all(Array.from({ length: 40 }, () => client.db('gate').command({ ping: 1 })));
    let answered = 0;
    const all = Promise.all(
      Array.from({ length: 40 }, (_, i) => docs.updateOne({ _id: i }, { $inc: { n: 1 } }).then(() => answered++)),
    );
    const inTime = await Promise.race([
      all.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), withinMs)),
    ]);
    return { answered, inTime };
  } finally {
    await client.close(true);
  }
}

afterAll(async () => {
  for (const { ferret, database } of started) {
    if (ferret.exitCode === null) {
      const exited = new Promise((r) => ferret.once('exit', r));
      ferret.kill('SIGKILL');
      await exited;
    }
    await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
});

describe("FerretDB's gate on commands in flight", () => {
  it('is what keeps a burst of updates from deadlocking the PostgreSQL pool', async () => {
    // Without the gate (a limit as large as the burst): the store stops with updates unanswered.
    // Whether a burst meets the deadlock depends on how its updates interleave, and on a loaded
    // machine one may get through: up to three stores are tried.
    let open = { answered: 40, inTime: true };
    for (let tries = 0; tries < 3 && open.inTime; tries++) open = await burst(await startFerretdb(1000), 8_000);
    expect(open.inTime).toBe(false);
    expect(open.answered).toBeLessThan(40);
    // With the platform's limit for this pool: every update is answered.
    expect(ferretdbCommandLimit(`postgres://x/db?pool_max_conns=${POOL}`)).toBe(2);
    const gated = await burst(
      await startFerretdb(ferretdbCommandLimit(`postgres://x/db?pool_max_conns=${POOL}`)),
      20_000,
    );
    expect(gated).toEqual({ answered: 40, inTime: true });
  }, 90_000);

  it('finishes what a client sent before it left, and serves the next one', async () => {
    const uri = await startFerretdb(2);
    // A client that closes its connections while its updates wait at the gate or run inside.
    const leaving = await MongoClient.connect(uri, { maxPoolSize: 40 });
    const docs = leaving.db('gate').collection<{ _id: number; n: number }>('docs');
    await docs.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: i, n: 0 })));
    const sent = Array.from({ length: 40 }, (_, i) =>
      docs.updateOne({ _id: i }, { $inc: { n: 1 } }).catch(() => 'cut'),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await leaving.close(true);
    await Promise.all(sent);
    // The next client finds the gate's places returned: a burst of its own completes.
    const next = await MongoClient.connect(uri, { maxPoolSize: 40 });
    try {
      const again = next.db('gate').collection<{ _id: number; n: number }>('docs');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => again.updateOne({ _id: i }, { $inc: { n: 1 } })),
      );
      expect(results.every((r) => r.matchedCount === 1)).toBe(true);
    } finally {
      await next.close();
    }
  }, 60_000);
});
