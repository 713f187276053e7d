// An `npm start` installation that kept its store on FerretDB's SQLite backend keeps its data when
// the store moves to PostgreSQL: by itself on the first start with PostgreSQL, or with
// `npm run store:migrate`. Data is written on SQLite, moved, and read back on PostgreSQL:
// documents of every type, indexes with their unique rule, and nothing copied twice.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { provideMongo } from '@commons/server/infra/services/index';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const admin = process.env.COMMONS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const saved = { ...process.env };
const databases: string[] = [];
const dirs: string[] = [];

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database for the moved store, as FERRETDB_POSTGRESQL_URL. */
async function targetDatabase(): Promise<string> {
  const name = `commons_move_${randomBytes(4).toString('hex')}`;
  await sql(`CREATE DATABASE ${name}`);
  databases.push(name);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

beforeEach(() => {
  delete process.env.MONGODB_URI;
  delete process.env.FERRETDB_POSTGRESQL_URL;
  process.env.COMMONS_SKIP_MONGOMS = '1';
});
afterEach(() => {
  process.env = { ...saved };
});
afterAll(async () => {
  for (const name of databases) await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const lines: string[] = [];
const log = (line: string) => lines.push(line);
const threadId = new ObjectId();
const createdAt = new Date('2026-11-02T09:30:00.000Z');

/** `npm start` before issue 24: FerretDB on SQLite in DATA_DIR/ferretdb, with a community's data. */
async function sqliteInstallation(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-move-'));
  dirs.push(dataDir);
  process.env.FERRETDB_BACKEND = 'sqlite';
  const store = await provideMongo({ log, port: 0, dataDir, probeDefaultPort: false });
  expect(store.backend).toBe('sqlite');
  await withDb(store.url, async (db) => {
    await db.collection('members').createIndex({ email: 1 }, { unique: true });
    await db
      .collection('members')
      .insertMany(
        Array.from({ length: 1203 }, (_, i) => ({ email: `member${i}@example.org`, displayName: `Member ${i}` })),
      );
    await db.collection('posts').insertOne({
      threadId,
      body: 'We meet on **Thursdays** at the library.',
      reactions: { thanks: 3 },
      mentions: ['member7@example.org'],
      createdAt,
    });
  });
  await store.stop();
  delete process.env.FERRETDB_BACKEND;
  return dataDir;
}

async function withDb<T>(url: string, use: (db: Db) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(`${url}/commons`, { directConnection: true });
  try {
    return await use(client.db('commons'));
  } finally {
    await client.close();
  }
}

async function expectMoved(url: string): Promise<void> {
  await withDb(url, async (db) => {
    expect(await db.collection('members').countDocuments()).toBe(1203);
    expect(await db.collection('members').findOne({ email: 'member1202@example.org' })).toMatchObject({
      displayName: 'Member 1202',
    });
    const post = await db.collection('posts').findOne({ threadId });
    expect(post).toMatchObject({ reactions: { thanks: 3 }, mentions: ['member7@example.org'], createdAt });
    expect(post!.threadId).toBeInstanceOf(ObjectId);
    // The unique rule came along with the index.
    await expect(db.collection('members').insertOne({ email: 'member3@example.org' })).rejects.toMatchObject({
      code: 11000,
    });
  });
}

describe('moving the store from SQLite to PostgreSQL', () => {
  it('happens by itself on the first start with PostgreSQL, once', async () => {
    const dataDir = await sqliteInstallation();
    process.env.FERRETDB_POSTGRESQL_URL = await targetDatabase();
    lines.length = 0;
    const moved = await provideMongo({ log, port: 0, dataDir, probeDefaultPort: false });
    try {
      expect(moved.backend).toBe('postgresql');
      expect(lines.join('\n')).toMatch(/moved 1204 documents in 2 collections to PostgreSQL/);
      await expectMoved(moved.url);
    } finally {
      await moved.stop();
    }
    expect(
      JSON.parse(fs.readFileSync(path.join(dataDir, 'ferretdb', 'MOVED-TO-POSTGRESQL.json'), 'utf8')),
    ).toMatchObject({
      documents: 1204,
    });

    lines.length = 0;
    const again = await provideMongo({ log, port: 0, dataDir, probeDefaultPort: false });
    try {
      expect(lines.join('\n')).not.toMatch(/moving/);
      await withDb(again.url, async (db) => expect(await db.collection('members').countDocuments()).toBe(1203));
    } finally {
      await again.stop();
    }
  }, 120_000);

  it('is one command: npm run store:migrate', async () => {
    const dataDir = await sqliteInstallation();
    const target = await targetDatabase();
    const env = { ...process.env, DATA_DIR: dataDir, FERRETDB_POSTGRESQL_URL: target };
    const cli = path.join(root, 'server/src/infra/store-migrate-cli.ts');
    const run = () =>
      promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', cli], { cwd: root, env });
    const { stdout } = await run();
    expect(stdout).toMatch(/moved 1204 documents in 2 collections to PostgreSQL/);
    expect((await run()).stdout).toMatch(/was moved to PostgreSQL on .* \(1204 documents\): nothing to do/);

    process.env.FERRETDB_POSTGRESQL_URL = target;
    const store = await provideMongo({ log, port: 0, dataDir, probeDefaultPort: false });
    try {
      await expectMoved(store.url);
    } finally {
      await store.stop();
    }
  }, 120_000);
});
