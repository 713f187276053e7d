// The reads digests of one run share: read once per run (or a few seconds for post states),
// never a held or deleted post shown.
import { PostModel } from '@commons/server/forums/model';
import { createDigestSharedReads } from '@commons/server/notifications/digest-shared-reads';
import { directLookups, memoizedLookups, type GroupLookups } from '@commons/server/notifications/present';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, reply, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let p: TestPlatform;
let ada: Someone;
let threadId: Types.ObjectId;
let category: Types.ObjectId;

beforeAll(async () => {
  p = await startTestPlatform('digest-shared-reads');
  ada = await signUp(p, 'Ada Shared');
  const started = await newThread(ada, await categoryId(ada.c, 'introductions'), 'Shared reads of a digest run');
  threadId = new Types.ObjectId(started.thread.id as string);
  category = new Types.ObjectId(started.thread.categoryId as string);
  await reply(ada, started.thread.id, 'A first reply.');
});
afterAll(async () => {
  await p?.close();
});

describe('digest shared reads', () => {
  it('reads the categories once per run, archived ones left out', async () => {
    const reads = createDigestSharedReads();
    const at = new Date(Date.now() + 60_000);
    const [named] = await reads.categories([category], at);
    expect(named?.name).toBeTruthy();
  });

  it('shares a snapshot of a thread’s posts for a few seconds only, and reads newer posts on their own', async () => {
    const reads = createDigestSharedReads({ postStateTtlMs: 2_000 });
    const at = new Date(Date.now() + 60_000);
    const lookups = reads.groupLookups(at);
    const started = await newThread(ada, await categoryId(ada.c, 'introductions'), 'Snapshot of post states');
    const tid = new Types.ObjectId(started.thread.id as string);
    const first = (await PostModel.findOne({ threadId: tid, seq: 1 }).lean())!;
    expect((await lookups.posts(tid, [first._id])).map((x) => x.status)).toEqual(['visible']);

    // Within the snapshot's life every member's digest sees the same read...
    await PostModel.updateOne({ _id: first._id }, { $set: { status: 'held' } });
    expect((await lookups.posts(tid, [first._id])).map((x) => x.status)).toEqual(['visible']);
    // ...and a post written after it is read on its own.
    const later = await reply(ada, tid.toHexString(), 'Written after the snapshot.');
    const laterId = new Types.ObjectId(later.id as string);
    expect((await lookups.posts(tid, [first._id, laterId])).map((x) => x._id.toHexString())).toEqual([
      first._id.toHexString(),
      later.id,
    ]);
    // Once it is older than its life, the hold shows.
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await lookups.posts(tid, [first._id])).map((x) => x.status)).toEqual(['held']);
    // A post that no longer exists is left out.
    expect(await lookups.posts(tid, [new Types.ObjectId()])).toEqual([]);
  });

  it('live pushes read a post’s state once per interval, whoever’s group holds it', async () => {
    let reads = 0;
    const counting: GroupLookups = {
      ...directLookups,
      posts: (tid, ids) => {
        reads += ids.length;
        return directLookups.posts(tid, ids);
      },
    };
    const lookups = memoizedLookups({ ttlMs: 1_500 }, counting);
    const post = (await PostModel.findOne({ threadId, seq: 2 }).lean())!;
    // Two members' groups in one thread, both holding the post: one read.
    await Promise.all([lookups.posts(threadId, [post._id]), lookups.posts(threadId, [post._id])]);
    expect(reads).toBe(1);
    await PostModel.updateOne({ _id: post._id }, { $set: { deleted: false, status: 'hidden' } });
    expect((await lookups.posts(threadId, [post._id]))[0]?.status).not.toBe('hidden');
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await lookups.posts(threadId, [post._id]))[0]?.status).toBe('hidden');
    expect(reads).toBe(2);
  });
});
