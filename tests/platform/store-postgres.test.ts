// The embedded store is FerretDB on PostgreSQL (issue 24): the PostgreSQL comes from
// FERRETDB_POSTGRESQL_URL, else 127.0.0.1:5432 (a database of its own), else a private cluster
// started from the system's binaries; SQLite only as the last resort, with a warning that says
// what it costs. Clusters we start keep autovacuum on; one we did not start, with autovacuum off,
// gets one warning per process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { provideMongo, providePostgres } from '@commons/server/infra/services/index';
import { canConnect } from '@commons/server/infra/services/ports';
import { ferretdbPostgresUrl } from '@commons/server/infra/services/postgres';
import { findPostgresBinaries, startPrivateCluster } from '@commons/server/infra/services/postgres-cluster';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

const saved = { ...process.env };
beforeEach(() => {
  delete process.env.FERRETDB_POSTGRESQL_URL;
  delete process.env.FERRETDB_BACKEND;
  delete process.env.MONGODB_URI;
  process.env.COMMONS_SKIP_MONGOMS = '1';
});
afterEach(() => {
  process.env = { ...saved };
});

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDataDir(): string {
  // mkdtemp makes it 0700: as root, the cluster's owner (postgres) is let through by the platform.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-store-test-'));
  dirs.push(dir);
  return dir;
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

function recorder() {
  const lines: Array<{ line: string; level: string }> = [];
  return { lines, log: (line: string, level: 'info' | 'warn' | 'error' = 'info') => lines.push({ line, level }) };
}

describe('the PostgreSQL under FerretDB', () => {
  it('is a private cluster in DATA_DIR/postgres when none is configured or answering: autovacuum on, data kept across restarts, stopped by stop()', async () => {
    const dataDir = tempDataDir();
    const { log } = recorder();
    const first = await providePostgres({ log, dataDir, probeDefaultPort: false, allowInstall: false });
    expect(first.postgres).not.toBeNull();
    const cluster = first.postgres!;
    expect(cluster.source).toBe('embedded');
    expect(cluster.database).toBe('commons');
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    const port = Number(new URL(cluster.url).port);
    expect(port).not.toBe(5432);
    expect(await sql<{ autovacuum: string }>(cluster.url, 'SHOW autovacuum')).toEqual([{ autovacuum: 'on' }]);
    // Tuned as `npm run ferretdb:tune-postgres` does, before FerretDB connects.
    expect(await sql<{ plan_cache_mode: string }>(cluster.url, 'SHOW plan_cache_mode')).toEqual([
      { plan_cache_mode: 'force_custom_plan' },
    ]);
    await sql(cluster.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
    await cluster.stop();
    expect(await canConnect('127.0.0.1', port, 500)).toBe(false);

    const again = (await providePostgres({ log, dataDir, probeDefaultPort: false, allowInstall: false })).postgres!;
    try {
      expect(again.source).toBe('embedded');
      expect(await sql(again.url, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
    } finally {
      await again.stop();
    }
  }, 120_000);

  it('warns once per process when a cluster it did not start runs with autovacuum off', async () => {
    // An operator's server with autovacuum off (a throwaway cluster from the same binaries).
    const off = await startPrivateCluster(findPostgresBinaries()!, {
      log: () => undefined,
      settings: { autovacuum: 'off' },
    });
    try {
      const given = recorder();
      process.env.FERRETDB_POSTGRESQL_URL = off.adminUrl;
      const first = (await providePostgres({ log: given.log, probeDefaultPort: false })).postgres!;
      expect(first.source).toBe('env');
      const second = (await providePostgres({ log: given.log, probeDefaultPort: false })).postgres!;
      expect(second.url).toBe(off.adminUrl);
      const warnings = given.lines.filter((l) => /autovacuum off/.test(l.line));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 'warn' });
      expect(warnings[0]!.line).toMatch(/ALTER SYSTEM SET autovacuum = on/);
    } finally {
      await off.stop();
    }
  }, 120_000);

  it('uses the PostgreSQL answering on 127.0.0.1:5432, in a database of its own (a throwaway one for tests)', async () => {
    const { log } = recorder();
    const found = (await providePostgres({ log, allowInstall: false })).postgres!;
    if (!(await canConnect('127.0.0.1', 5432, 500))) {
      // Nothing there (a developer's machine): the next in line, a throwaway cluster of our own.
      expect(found.source).toBe('embedded');
      await found.stop();
      return;
    }
    expect(found.source).toBe('local');
    expect(found.database).toMatch(new RegExp(`^commons_test_${process.pid}_[0-9a-f]{6}$`));
    // FerretDB's pool fits the server beside others (its own default of 50 did not: "too many clients").
    const [limits] = (await sql(found.url, "SELECT current_setting('max_connections')::int AS max")) as [
      { max: number },
    ];
    expect(found.poolMaxConns).toBeLessThanOrEqual(Math.min(20, limits.max / 4));
    expect(new URL(ferretdbPostgresUrl(found)).searchParams.get('pool_max_conns')).toBe(String(found.poolMaxConns));
    // Loopback needs no TLS; a URL that asks for it keeps it.
    expect(new URL(ferretdbPostgresUrl(found)).searchParams.get('sslmode')).toBe('disable');
    const asked = { url: 'postgres://u@127.0.0.1:5432/d?sslmode=require', poolMaxConns: 4 };
    expect(new URL(ferretdbPostgresUrl(asked)).searchParams.get('sslmode')).toBe('require');
    const admin = 'postgres://postgres@127.0.0.1:5432/postgres';
    const exists = `SELECT datname FROM pg_database WHERE datname = '${found.database}'`;
    expect(await sql(admin, exists)).toHaveLength(1);
    await found.stop();
    expect(await sql(admin, exists)).toHaveLength(0);
  }, 120_000);
});

describe('the store FerretDB runs on', () => {
  it('is SQLite only as the last resort, with a warning that states its cost', async () => {
    process.env.FERRETDB_BACKEND = 'sqlite';
    const { lines, log } = recorder();
    const store = await provideMongo({ log, port: 0, probeDefaultPort: false });
    try {
      expect(store.backend).toBe('sqlite');
      const warning = lines.find((l) => l.level === 'warn' && /SQLite/.test(l.line));
      expect(warning?.line).toMatch(/32\/s at 20,000/);
      expect(warning?.line).toMatch(/FERRETDB_POSTGRESQL_URL/);
    } finally {
      await store.stop();
    }
  }, 120_000);

  it('is PostgreSQL for this test run, as for npm start (FERRETDB_BACKEND=sqlite forces SQLite)', async () => {
    const expected = saved.MONGODB_URI ? '' : saved.FERRETDB_BACKEND === 'sqlite' ? 'sqlite' : 'postgresql';
    expect(inject('storeBackend')).toBe(expected);
  }, 120_000);

  it('is PostgreSQL when one is found: documents land in the PostgreSQL database', async () => {
    const { log } = recorder();
    const store = await provideMongo({ log, port: 0, probeDefaultPort: false });
    const client = await MongoClient.connect(store.url, { directConnection: true });
    try {
      expect(store.backend).toBe('postgresql');
      await client.db('resolution_check').collection('notes').insertOne({ body: 'on PostgreSQL' });
      const schemas = await sql<{ nspname: string }>(
        store.postgresUrl!,
        "SELECT nspname FROM pg_namespace WHERE nspname = 'resolution_check'",
      );
      expect(schemas).toHaveLength(1);
    } finally {
      await client.close();
      await store.stop();
    }
  }, 120_000);
});
