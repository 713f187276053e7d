/**
 * The forums bench's scale check: thread page reads (GET /api/threads/:id, which reads the thread's
 * first page of posts from the store) with the store holding each of BENCH_POSTS posts in turn
 * (default 1,000 then 100,000). The posts are copies of a real thread made through the API (its
 * opening post and replies, with their tree paths), each copy a thread of its own, written
 * straight to the store: posting 100,000 times through the API would take hours under the posting
 * limits. On a store that serves the thread's look-up from an index, a page read costs the same
 * at both sizes; the issue asks within 20%.
 */
import { PostModel, ThreadModel } from '@commons/server/forums/model';
import { MongoClient, ObjectId, type Document } from 'mongodb';
import { closedLoop, tuneBenchStore } from './harness.js';

export interface ScaleOptions {
  base: string;
  mongoUri: string;
  /** The thread whose page is read (it keeps its own posts; the copies fill the store around it). */
  readThread: string;
  cookies: string[];
  sizes: number[];
  seconds: number;
  connections: number;
}

export interface ScalePoint {
  posts: number;
  perSecond: number;
  median: number;
  p95: number;
  errors: number;
}

export async function threadPageScale(opts: ScaleOptions): Promise<{ points: ScalePoint[]; ratio: number }> {
  // The driver itself, beside the models' own connection: only documents are copied here.
  const client = await MongoClient.connect(opts.mongoUri, { directConnection: true });
  const threadsCollection = client.db().collection(ThreadModel.collection.collectionName);
  const postsCollection = client.db().collection(PostModel.collection.collectionName);
  const template = await threadsCollection.findOne({ _id: new ObjectId(opts.readThread) });
  const posts = await postsCollection
    .find({ threadId: new ObjectId(opts.readThread) })
    .sort({ seq: 1 })
    .toArray();
  if (!template || !posts.length) throw new Error('no thread to copy');
  const points: ScalePoint[] = [];
  try {
    for (const size of opts.sizes) {
      const started = performance.now();
      let held = await postsCollection.countDocuments();
      while (held < size) {
        // One batch: 20 copies of the thread (about 1,000 posts).
        const threads: Document[] = [];
        const batch: Document[] = [];
        for (let k = 0; k < 20 && held + batch.length < size; k++) {
          const threadId = new ObjectId();
          threads.push({ ...template, _id: threadId, title: `${template.title} (copy)` });
          const ids = new Map(posts.map((p) => [String(p._id), new ObjectId()]));
          const remap = (id: unknown) => (id ? (ids.get(String(id)) ?? id) : null);
          for (const p of posts)
            batch.push({
              ...p,
              _id: ids.get(String(p._id))!,
              threadId,
              parentId: remap(p.parentId),
              replyToId: remap(p.replyToId),
            });
        }
        await threadsCollection.insertMany(threads);
        await postsCollection.insertMany(batch);
        held += batch.length;
      }
      console.log(`${held} posts in the store (filled in ${Math.round((performance.now() - started) / 1000)} s)`);
      await tuneBenchStore();
      const reads = await closedLoop(opts.connections, opts.seconds, async (w) => {
        const res = await fetch(`${opts.base}/api/threads/${opts.readThread}`, {
          headers: { cookie: opts.cookies[w % opts.cookies.length]!, origin: opts.base },
        });
        if (res.status !== 200) throw new Error(String(res.status));
        await res.arrayBuffer();
      });
      console.log(`${held} posts: thread page ${reads.perSecond}/s (p50 ${reads.median} ms, p95 ${reads.p95} ms)`);
      points.push({
        posts: held,
        perSecond: reads.perSecond,
        median: reads.median,
        p95: reads.p95,
        errors: reads.errors,
      });
    }
  } finally {
    await client.close();
  }
  const ratio = Math.round((points.at(-1)!.perSecond / Math.max(1, points[0]!.perSecond)) * 100) / 100;
  return { points, ratio };
}
