import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, reply, signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventually } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let cai: Someone;
beforeAll(async () => {
  p = await startTestPlatform('notify_blocking');
  ana = await signUp(p, 'Ana Blocker');
  ben = await signUp(p, 'Ben Blocked');
  cai = await signUp(p, 'Cai Neutral');
});
afterAll(async () => {
  await p?.close();
});

describe('a member who blocked someone', () => {
  it('hears nothing of their replies or mentions, while others still do', async () => {
    expect((await put(ana.c, `/api/members/${ben.id}/block`)).status).toBe(200);
    const cat = await categoryId(ana.c, 'introductions');
    const { thread, post } = await newThread(ana, cat, 'Summer reading circles for families');
    const { post: caiPost } = await newThread(cai, cat, 'Library partnerships');
    await reply(ben, thread.id, 'Count me in, @ana-blocker!', { parentId: post.id });
    await reply(ben, caiPost.threadId, 'We partner with two branches.', { parentId: caiPost.id });

    // Cai hears of Ben's reply; by then Ben's reply to Ana has been fanned out too.
    await eventually(async () => ((await cai.c.get('/api/notifications')).body.unreadCount as number) > 0 || undefined);
    const anas = await ana.c.get('/api/notifications');
    expect(anas.body.unreadCount).toBe(0);
    expect(anas.body.notifications).toEqual([]);
  });
});
