/**
 * Store ceiling (a script, not a test): how many single-document operations per second the
 * MongoDB-compatible store answers on this machine with nothing else running — look-ups and
 * updates by `_id`, and inserts — at 1, 4 and 16 concurrent callers. Every figure of the other
 * benchmarks is bounded by these: a digest or a screened post costs a known number of such
 * operations (count them with COMMONS_DB_PROFILE).
 *
 *   npm run bench:store      (BENCH_SECONDS per measurement, BENCH_DOCS in the collection)
 *
 * Uses its own FerretDB (on PostgreSQL when it answers) as the other benches do, or MONGODB_URI.
 * Loopback only; bounded in count and time.
 */
import { randomBytes } from 'node:crypto';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import mongoose, { Types } from 'mongoose';
import { benchEnv, closedLoop, tuneBenchStore, writeResults } from './harness.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const DOCS = Number(process.env.BENCH_DOCS ?? 5000);
const CONCURRENCY = [1, 4, 16];

const env = await benchEnv('store');
await connectDatabase(env.mongoUri);
const collection = mongoose.connection.db!.collection('bench_store_ceiling');
// Documents the size of a forum post: a body of a few hundred characters and a dozen fields.
const ids = Array.from({ length: DOCS }, () => new Types.ObjectId());
for (let i = 0; i < DOCS; i += 1000)
  await collection.insertMany(
    ids.slice(i, i + 1000).map((_id, j) => ({
      _id,
      threadId: new Types.ObjectId(),
      authorId: new Types.ObjectId(),
      seq: i + j,
      status: 'visible',
      deleted: false,
      body: randomBytes(150).toString('hex'),
      createdAt: new Date(),
    })),
  );
// As an operator would have it (a no-op on MongoDB).
await tuneBenchStore();
const pick = () => ids[Math.floor(Math.random() * ids.length)]!;

const operations: Record<string, () => Promise<unknown>> = {
  findById: () => collection.findOne({ _id: pick() }),
  updateById: () => collection.updateOne({ _id: pick() }, { $set: { status: 'visible', touchedAt: new Date() } }),
  insert: () => collection.insertOne({ threadId: new Types.ObjectId(), body: 'x'.repeat(300), createdAt: new Date() }),
};

const results: Record<string, Record<string, { perSecond: number; median: number; p95: number }>> = {};
for (const [name, once] of Object.entries(operations)) {
  results[name] = {};
  for (const c of CONCURRENCY) {
    const r = await closedLoop(c, SECONDS, () => once().then(() => undefined));
    results[name]![`concurrency${c}`] = { perSecond: r.perSecond, median: r.median, p95: r.p95 };
    console.log(`${name} x${c}: ${r.perSecond}/s (p50 ${r.median} ms, p95 ${r.p95} ms)`);
  }
}
await collection.drop().catch(() => undefined);
await disconnectDatabase();

const best = (name: string) => Math.max(...Object.values(results[name]!).map((r) => r.perSecond));
const out = {
  store: process.env.FERRETDB_POSTGRESQL_URL
    ? `FerretDB 1.24 (PostgreSQL backend${process.env.BENCH_PG_TUNE === '0' ? ', untuned' : ', tuned by npm run ferretdb:tune-postgres'})`
    : 'FerretDB 1.24 (SQLite backend) or MONGODB_URI',
  documents: DOCS,
  secondsPerMeasurement: SECONDS,
  results,
  ceiling: { readsPerSecond: best('findById'), updatesPerSecond: best('updateById'), insertsPerSecond: best('insert') },
};
console.log(`results written to ${writeResults('store-bench.json', out)}`);
await env.stop();
process.exit(0);
