import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, newThread, signUp, type Someone } from './support.js';

let p: TestPlatform;
const members: Someone[] = [];
beforeAll(async () => {
  p = await startTestPlatform('forum_concurrency', { workers: false });
  for (const name of ['Ada', 'Bea', 'Cal', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal'])
    members.push(await signUp(p, `Writer ${name}`));
});
afterAll(async () => {
  await p?.close();
});

describe('replies arriving at the same moment', () => {
  it('are all accepted with distinct, increasing sequence numbers and an exact reply count', async () => {
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Everyone answers at once');
    const results = await Promise.all(
      members.flatMap((m, i) =>
        [0, 1, 2].map((k) => m.c.post(`/api/threads/${thread.id}/posts`, { body: `Answer ${k} from writer ${i}` })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const seqs = results.map((r) => r.body.post.seq as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    // One writer of the thread's counters at a time: no number is lost to a collision.
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i + 2));

    const detail = await members[1]!.c.get(`/api/threads/${thread.id}`);
    expect(detail.body.thread.postCount).toBe(1 + results.length);
    expect(detail.body.thread.lastSeq).toBe(Math.max(...seqs));
    const after = await members[1]!.c.get(`/api/threads/${thread.id}/posts?after=1&limit=50`);
    expect(after.body.posts.map((x: { seq: number }) => x.seq)).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keep the reply count exact while others delete their posts at the same moment', async () => {
    const cat = await categoryId(members[0]!.c, 'introductions');
    const { thread } = await newThread(members[0]!, cat, 'Answers come and go');
    const first = await Promise.all(
      members.map((m, i) => m.c.post(`/api/threads/${thread.id}/posts`, { body: `First answer from writer ${i}` })),
    );
    expect(first.map((r) => r.status)).toEqual(first.map(() => 201));
    const mixed = await Promise.all([
      ...members.map((m, i) => m.c.delete(`/api/posts/${first[i]!.body.post.id as string}`)),
      ...members.map((m, i) => m.c.post(`/api/threads/${thread.id}/posts`, { body: `Second answer from writer ${i}` })),
    ]);
    expect(mixed.every((r) => r.status === 201 || r.status === 204)).toBe(true);
    const detail = await members[1]!.c.get(`/api/threads/${thread.id}`);
    // The opening post and the second answers; the first answers are gone.
    expect(detail.body.thread.postCount).toBe(1 + members.length);
  });
});
