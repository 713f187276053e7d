/**
 * Store ceiling and scale check (a script, not a test): how many single-document operations per
 * second the MongoDB-compatible store answers on this machine — look-ups and updates by `_id`, a
 * thread page's look-up (50 posts of one thread in order) and inserts — at 1, 4 and 16 concurrent
 * callers, with the collection holding each of BENCH_DOCS documents in turn (default 1,000 then
 * 100,000): on a store that pushes filters down to indexes, a look-up costs the same at both sizes.
 * Every figure of the other benchmarks is bounded by these: a digest or a screened post costs a
 * known number of such operations (count them with COMMONS_DB_PROFILE).
 *
 *   npm run bench:store                       (FerretDB on PostgreSQL, resolved as npm start does)
 *   BENCH_DOCS=1000,20000 BENCH_SECONDS=3 FERRETDB_BACKEND=sqlite npm run bench:store
 *
 * Uses its own FerretDB as the other benches do, or MONGODB_URI. Loopback only; bounded in count and time.
 */
import { randomBytes } from 'node:crypto';
import { connectDatabase, disconnectDatabase } from '@commons/server/infra/db';
import mongoose, { Types } from 'mongoose';
import { benchEnv, closedLoop, storeLabel, storeMaintenance, tuneBenchStore, writeResults } from './harness.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SIZES = (process.env.BENCH_DOCS ?? '1000,100000').split(',').map(Number);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,4,16').split(',').map(Number);
const PER_THREAD = 50;

const env = await benchEnv('store');
await connectDatabase(env.mongoUri);
const collection = mongoose.connection.db!.collection('bench_store_ceiling');
await collection.createIndex({ threadId: 1, seq: 1 });
const ids: Types.ObjectId[] = [];
const threads: Types.ObjectId[] = [];

/** Documents the size of a forum post (a body of a few hundred characters, a dozen fields), 50 to a thread. */
async function fillTo(size: number): Promise<void> {
  const started = performance.now();
  while (ids.length < size) {
    const batch = Array.from({ length: Math.min(1000, size - ids.length) }, (_, j) => {
      const seq = (ids.length + j) % PER_THREAD;
      if (seq === 0) threads.push(new Types.ObjectId());
      const doc = {
        _id: new Types.ObjectId(),
        threadId: threads.at(-1)!,
        authorId: new Types.ObjectId(),
        seq,
        status: 'visible',
        deleted: false,
        body: randomBytes(150).toString('hex'),
        createdAt: new Date(),
      };
      return doc;
    });
    // Thread ids are taken in order, so a batch's documents name the thread current when they were made.
    await collection.insertMany(batch);
    ids.push(...batch.map((d) => d._id));
  }
  console.log(`${size} documents in the collection (filled in ${Math.round((performance.now() - started) / 1000)} s)`);
  // As an operator would have it (a no-op on MongoDB): companion indexes and fresh statistics.
  await tuneBenchStore();
}

const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
const operations: Record<string, () => Promise<unknown>> = {
  findById: () => collection.findOne({ _id: pick(ids) }),
  threadPage: () =>
    collection
      .find({ threadId: pick(threads) })
      .sort({ seq: 1 })
      .limit(PER_THREAD)
      .toArray(),
  updateById: () => collection.updateOne({ _id: pick(ids) }, { $set: { status: 'visible', touchedAt: new Date() } }),
  insert: () => collection.insertOne({ threadId: new Types.ObjectId(), body: 'x'.repeat(300), createdAt: new Date() }),
};

type Figures = Record<string, Record<string, { perSecond: number; median: number; p95: number }>>;
const bySize: Record<string, { results: Figures; ceiling: Record<string, number> }> = {};
for (const size of SIZES) {
  await fillTo(size);
  const results: Figures = {};
  for (const [name, once] of Object.entries(operations)) {
    results[name] = {};
    for (const c of CONCURRENCY) {
      const r = await closedLoop(c, SECONDS, () => once().then(() => undefined));
      results[name]![`concurrency${c}`] = { perSecond: r.perSecond, median: r.median, p95: r.p95 };
      console.log(`${size} docs, ${name} x${c}: ${r.perSecond}/s (p50 ${r.median} ms, p95 ${r.p95} ms)`);
    }
  }
  const best = (name: string) => Math.max(...Object.values(results[name]!).map((r) => r.perSecond));
  bySize[size] = {
    results,
    ceiling: {
      readsPerSecond: best('findById'),
      threadPagesPerSecond: best('threadPage'),
      updatesPerSecond: best('updateById'),
      insertsPerSecond: best('insert'),
    },
  };
}
await collection.drop().catch(() => undefined);
await disconnectDatabase();

// How the largest size compares with the smallest: 1.0 is flat; the issue asks within 20% (0.8).
const [small, large] = [SIZES[0]!, SIZES.at(-1)!];
const ratio = (key: string) =>
  Math.round((bySize[large]!.ceiling[key]! / Math.max(1, bySize[small]!.ceiling[key]!)) * 100) / 100;
const out = {
  store: storeLabel(),
  storeMaintenance: storeMaintenance.vacuum,
  secondsPerMeasurement: SECONDS,
  sizes: bySize,
  scale: {
    from: small,
    to: large,
    readsRatio: ratio('readsPerSecond'),
    threadPagesRatio: ratio('threadPagesPerSecond'),
    updatesRatio: ratio('updatesPerSecond'),
  },
};
console.log(out.scale);
console.log(`results written to ${writeResults(process.env.BENCH_RESULTS ?? 'store-bench.json', out)}`);
await env.stop();
process.exit(0);
