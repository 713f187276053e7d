import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { registerForumListeners } from '@commons/server/forums/listeners';
import { createRedisEmitter } from '@commons/server/realtime/emitter';
import { createForumService, actorOf } from '@commons/server/forums/service';
import { PostModel } from '@commons/server/forums/model';
import { runAsJob } from '@commons/server/infra/job-context';
import { DomainEvents } from '@commons/server/infra/domain-events';
import { OutboxModel, type Effect, type Outbox } from '@commons/server/infra/outbox';
import { storeCommandsOf } from '@commons/server/infra/store/counters';
import { createRedis, reportPublishFailures } from '@commons/server/infra/redis';
import { freePort, waitForPort } from '@commons/server/infra/services/ports';
import { MemberModel } from '@commons/server/members/model';
import { NotificationModel } from '@commons/server/notifications/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, newThread, signUp, type Someone } from '../forums/support.js';
import { eventually } from '../moderation/support.js';
import { collectEvents, connectSocket, nextEvent, type ClientSocket } from '../support/sockets.js';
import { completedJob } from '../support/jobs.js';

// The queues' Redis is a redis-server of this file's own (127.0.0.1, a free port, no persistence),
// so it can be made to refuse writes without touching the run's Redis.
let redisServer: ChildProcess;
let admin: Redis;
let p: TestPlatform;
let author: Someone;
let replier: Someone;
let threadId: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  const port = await freePort();
  redisServer = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await waitForPort('127.0.0.1', port, 10_000);
  admin = new Redis(`redis://127.0.0.1:${port}`);
  p = await startTestPlatform('outbox', {
    redisUrl: `redis://127.0.0.1:${port}`,
    // Sweeps often; an entry written ahead of its post waits 1.5 s for its writer first.
    env: { OUTBOX_SWEEP_MS: '200', OUTBOX_GRACE_MS: '1500', OUTBOX_LEASE_MS: '1500' },
  });
  [author, replier] = await Promise.all([signUp(p, 'Olive Outbox'), signUp(p, 'Rory Replier')]);
  const category = await categoryId(author.c, 'introductions');
  threadId = (await newThread(author, category, 'Outbox thread', 'Write here, whatever Redis does.')).thread.id;
  // The thread's own screening and fan-out are done before Redis is made to refuse writes.
  await eventually(async () => (await OutboxModel.countDocuments({})) === 0, 20_000);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await admin?.config('SET', 'min-replicas-to-write', '0').catch(() => undefined);
  await p?.close();
  admin?.disconnect();
  redisServer?.kill('SIGTERM');
});

/** With no replica attached, Redis answers every write with NOREPLICAS at once (reads still work). */
const refuseWrites = (on: boolean) => admin.config('SET', 'min-replicas-to-write', on ? '1' : '0');

async function replyThroughService(body: string): Promise<string> {
  // The service as the routes call it, minus the per-member limits (their counters live in Redis too).
  const forums = createForumService({ events: p.runtime.events, outbox: p.runtime.outbox, log: p.runtime.log });
  const member = await MemberModel.findById(replier.id).lean();
  const post = await forums.createPost(actorOf(member!), threadId, { body });
  return post.id;
}

const notificationsOf = (memberId: string, postId: string) =>
  NotificationModel.find({ memberId: new Types.ObjectId(memberId), postIds: new Types.ObjectId(postId) }).lean();

describe('a write and its follow-up work', () => {
  it('saves a post while the queues refuse writes; once Redis is back it is screened and fanned out, once', async () => {
    // The thread's page is kept in Redis before the outage.
    expect((await author.c.get(`/api/threads/${threadId}`)).status).toBe(200);
    await refuseWrites(true);
    // The queue really refuses: BullMQ's add fails at once.
    await expect(p.runtime.queues.mail.add('x', { kind: 'welcome' } as never)).rejects.toThrow(/NOREPLICAS/);

    const postId = await replyThroughService('A reply written during the outage.');
    expect(await PostModel.exists({ _id: postId })).toBeTruthy();
    // Redis refused to drop the kept page: this process reads the thread from the store instead.
    const page = await author.c.get(`/api/threads/${threadId}`);
    expect(page.status).toBe(200);
    expect(page.body.posts.map((post: { id: string }) => post.id)).toContain(postId);
    // Its screening waits in the outbox, not in the queue.
    expect(await OutboxModel.exists({ _id: `screen-${postId}` })).toBeTruthy();
    expect(await p.runtime.queues.moderation.getJob(`screen-${postId}`)).toBeUndefined();

    // Sweeps come and go while Redis still refuses: nothing is lost, nothing is handed over.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await OutboxModel.exists({ _id: `screen-${postId}` })).toBeTruthy();
    expect(await notificationsOf(author.id, postId)).toHaveLength(0);

    await refuseWrites(false);
    // A sweep hands the screening over; screening publishes post.published; the fan-out follows.
    const fanout = await completedJob(p.runtime.queues.notifications, `fanout-${postId}`, 30_000);
    const screening = await p.runtime.queues.moderation.getJob(`screen-${postId}`);
    expect(await screening?.isCompleted()).toBe(true);
    // Screening came first: the fan-out was added by the screening job, after it decided.
    expect(fanout.timestamp).toBeGreaterThanOrEqual(screening!.processedOn!);
    const told = await eventually(async () => {
      const rows = await notificationsOf(author.id, postId);
      return rows.length > 0 ? rows : undefined;
    });
    expect(told).toHaveLength(1);
    expect(told[0]!.postIds.filter((id) => id.toHexString() === postId)).toHaveLength(1);
    await eventually(async () => (await OutboxModel.countDocuments({})) === 0);
  }, 60_000);

  it('redoes an effect whose sweeper died between claiming and handing it over, once', async () => {
    await refuseWrites(true);
    const postId = await replyThroughService('A reply whose sweeper dies.');
    await new Promise((r) => setTimeout(r, 1600)); // past the writer's grace
    // A sweeper claims the entry and dies before handing it over (its claim is all that is left).
    // Redis stays refused meanwhile, so the other sweeps cannot take it either until the lease lapses.
    // (The running sweepers claim it too, fail against Redis and give it back: claim in between.)
    const claimed = await eventually(async () => {
      const got = await p.runtime.outbox.claimDue(100);
      return got.some((e) => e.key === `screen-${postId}`) ? got : undefined;
    });
    const held = await OutboxModel.findById(`screen-${postId}`).lean();
    expect(held!.claimedUntil.getTime()).toBeGreaterThan(Date.now());
    await refuseWrites(false);

    // After the lease, a live sweeper takes it over; the fan-out runs once.
    await completedJob(p.runtime.queues.notifications, `fanout-${postId}`, 30_000);
    // The dead sweeper's effect comes round again (say it woke up): same job id, nothing twice.
    await p.runtime.outbox.schedule(claimed);
    await p.runtime.events.settle();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await notificationsOf(author.id, postId)).toHaveLength(1);
    const all = await NotificationModel.find({ memberId: new Types.ObjectId(author.id) }).lean();
    const mentionsOfPost = all.flatMap((n) => n.postIds).filter((id) => id.toHexString() === postId);
    expect(mentionsOfPost).toHaveLength(1);
    await eventually(async () => (await OutboxModel.countDocuments({})) === 0);
  }, 60_000);
});

/** A forum service whose writer dies once a write is saved: nothing pushed, nothing handed over. */
function dyingWriter() {
  const dying = Object.assign(Object.create(p.runtime.outbox) as Outbox, {
    async writeHeld<T>(effects: Effect[], write: () => Promise<T>) {
      await p.runtime.outbox.record(effects);
      return { result: await write(), release: () => undefined };
    },
  });
  return createForumService({ events: new DomainEvents(p.runtime.log), outbox: dying, log: p.runtime.log });
}

async function inThreadRoom(): Promise<ClientSocket> {
  const socket = await connectSocket(p.url, author, sockets);
  expect(await socket.timeout(5000).emitWithAck('thread:join', { threadId })).toMatchObject({ ok: true });
  return socket;
}

const actorOfMember = async (who: Someone) => actorOf((await MemberModel.findById(who.id).lean())!);

const screeningDone = (key: string) => completedJob(p.runtime.queues.moderation, key, 20_000);

describe('a writer that dies between saving a post and pushing it live', () => {
  it('has the reply pushed to the thread room by its screening, which the sweep handed over', async () => {
    const socket = await inThreadRoom();
    const post = await dyingWriter().createPost(await actorOfMember(replier), threadId, {
      body: 'Saved, never pushed by its writer.',
    });
    // Past the grace (1.5 s) a sweep hands the screening over, marked as swept; it pushes the reply.
    const pushed = await nextEvent(socket, 'post:created', (e) => e.post.id === post.id, 20_000);
    expect(pushed).toMatchObject({ threadId, post: { id: post.id, seq: post.seq } });
    const screening = await p.runtime.queues.moderation.getJob(`screen-${post.id}`);
    expect(screening?.data).toMatchObject({ kind: 'screen', sweptAt: expect.any(String) });
  }, 40_000);

  it('has a new title pushed to the thread room the same way', async () => {
    const socket = await inThreadRoom();
    const title = `Outbox thread, renamed ${Date.now()}`;
    await dyingWriter().updateThread(await actorOfMember(author), threadId, { title });
    const pushed = await nextEvent(socket, 'thread:updated', (e) => e.thread.title === title, 20_000);
    expect(pushed.thread.id).toBe(threadId);
  }, 40_000);

  it('pushes nothing of a reply deleted before its screening was swept', async () => {
    const socket = await inThreadRoom();
    const created = collectEvents(socket, 'post:created');
    const replierActor = await actorOfMember(replier);
    const post = await dyingWriter().createPost(replierActor, threadId, { body: 'Saved, then deleted at once.' });
    const forums = createForumService({ events: p.runtime.events, outbox: p.runtime.outbox, log: p.runtime.log });
    await forums.deletePost(replierActor, post.id);
    const screening = await screeningDone(`screen-${post.id}`);
    expect(screening.data).toMatchObject({ sweptAt: expect.any(String) });
    await new Promise((r) => setTimeout(r, 500));
    created.stop();
    expect(created.seen.filter((e) => e.post.id === post.id)).toHaveLength(0);
  }, 40_000);

  it('hands a reply’s screening over only after the room’s push, and pushes it once', async () => {
    const socket = await inThreadRoom();
    const created = collectEvents(socket, 'post:created');
    // The writer's own push: while it runs, its screening is not queued yet.
    const events = new DomainEvents(p.runtime.log);
    const queuedDuringPush: boolean[] = [];
    events.on('post.created', async ({ post }) => {
      queuedDuringPush.push((await p.runtime.queues.moderation.getJob(`screen-${post.id}`)) !== undefined);
      await new Promise((r) => setTimeout(r, 300));
      queuedDuringPush.push((await p.runtime.queues.moderation.getJob(`screen-${post.id}`)) !== undefined);
    });
    const forums = createForumService({ events, outbox: p.runtime.outbox, log: p.runtime.log });
    const emitter = createRedisEmitter(
      p.runtime.newRedis({ name: 'test-emitter' }),
      p.runtime.config.REDIS_PREFIX,
      p.runtime.log,
    );
    registerForumListeners(events, { emitter, forums });
    const post = await forums.createPost(await actorOfMember(replier), threadId, {
      body: 'Saved, pushed and handed over by its writer.',
    });
    const screening = await screeningDone(`screen-${post.id}`);
    expect(queuedDuringPush).toEqual([false, false]);
    expect(screening.data).not.toHaveProperty('sweptAt');
    await new Promise((r) => setTimeout(r, 2500)); // past the grace and a few sweeps
    created.stop();
    expect(created.seen.filter((e) => e.post.id === post.id)).toHaveLength(1);
  }, 40_000);

  it('marks only the jobs that ask for it: a swept event reminder keeps its strict shape', async () => {
    const eventId = new Types.ObjectId().toHexString();
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    const key = `event-${eventId}-reminder-day-${startsAt.getTime()}`;
    await p.runtime.outbox.record([
      { queue: 'events', key, job: { kind: 'reminder', eventId, lead: 'day', startsAt: startsAt.toISOString() } },
    ]);
    const job = await completedJob(p.runtime.queues.events, key, 20_000);
    expect(job.data).not.toHaveProperty('sweptAt');
  }, 40_000);
});

describe('follow-ups scheduled by a running job', () => {
  // Delayed an hour, so no worker of this file picks them up while they are looked at.
  // Never delivered (removed before it is due): its payload is not looked at.
  const effect = (key: string) =>
    ({ queue: 'mail', key, delayMs: 3_600_000, job: { kind: 'welcome', memberId: author.id } }) as unknown as Effect;
  const asJob = <R>(work: () => Promise<R>) => runAsJob({ queueName: 'moderation', id: 'test-job' }, work);

  it('go straight to their queue while the job runs: nothing is written to the outbox', async () => {
    const { counts } = await storeCommandsOf(() => asJob(() => p.runtime.outbox.schedule([effect('chained-1')])));
    expect(counts.byCollection.outbox, JSON.stringify(counts.byShape)).toBeUndefined();
    expect(await p.runtime.queues.mail.getJob('chained-1')).toBeDefined();
    await p.runtime.queues.mail.remove('chained-1');
  });

  it('are kept in the outbox when Redis refuses them, and queued by a sweep once it is back', async () => {
    await refuseWrites(true);
    try {
      await asJob(() => p.runtime.outbox.schedule([effect('chained-2')]));
      expect(await OutboxModel.exists({ _id: 'chained-2' })).toBeTruthy();
    } finally {
      await refuseWrites(false);
    }
    await eventually(async () => (await p.runtime.queues.mail.getJob('chained-2')) !== undefined, 20_000);
    await p.runtime.queues.mail.remove('chained-2');
  });

  it('go through the outbox once the job is over (a timer it left behind is not covered by it)', async () => {
    let later: Promise<void> = Promise.resolve();
    await asJob(async () => {
      later = new Promise<void>((resolve, reject) =>
        setTimeout(() => p.runtime.outbox.schedule([effect('chained-3')]).then(resolve, reject), 50),
      );
    });
    const { counts } = await storeCommandsOf(async () => {
      await later;
      await p.runtime.outbox.settle();
    });
    expect(counts.byShape['insert outbox x1'], JSON.stringify(counts.byShape)).toBe(1);
    expect(await p.runtime.queues.mail.getJob('chained-3')).toBeDefined();
    await p.runtime.queues.mail.remove('chained-3');
  });
});

describe('a Redis that stops answering or goes away', () => {
  it('turns a request into 503 with Retry-After within 2 s while paused (SIGSTOP), and answers again after', async () => {
    const before = await author.c.get(`/api/threads/${threadId}`);
    expect(before.status).toBe(200);
    redisServer.kill('SIGSTOP');
    try {
      const started = performance.now();
      // The session is read from Redis first: without a command time limit this waits forever
      // (bounded here, so Redis is continued whatever happens).
      const res = await Promise.race([
        author.c.get(`/api/threads/${threadId}`),
        new Promise<null>((r) => setTimeout(() => r(null), 5_000)),
      ]);
      const ms = performance.now() - started;
      if (!res) throw new Error('no answer within 5 s while Redis was paused');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('service_unavailable');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ms).toBeLessThan(2_000);
    } finally {
      redisServer.kill('SIGCONT');
    }
    await eventually(async () => (await author.c.get(`/api/threads/${threadId}`)).status === 200, 10_000);
  });

  it('reports a publish refused while Redis is away instead of leaving an unhandled rejection', async () => {
    // Socket.IO's adapter and emitter publish without awaiting; a rejection nobody handles ends the process.
    const port = await freePort();
    const failures: Error[] = [];
    const client = reportPublishFailures(createRedis(`redis://127.0.0.1:${port}`, { name: 'nobody-there' }), (err) =>
      failures.push(err),
    );
    client.on('error', () => undefined);
    void client.publish('channel', 'message');
    await eventually(async () => failures.length === 1);
    expect(failures[0]!.message).toMatch(/Stream isn't writeable|Connection is closed|ECONNREFUSED/);
    client.disconnect();
  });
});
