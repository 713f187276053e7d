import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@commons/server/infra/services/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { TestClient } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { collectEvents, connectSocket, nextEvent, type ClientSocket } from '../support/sockets.js';
import { categoryId, newThread, put, reply, resetPostingBudgets, signUp, type Someone } from './support.js';

/** A socket signed in as `who` (their session cookie), or anonymous, connected to `url`. */
const socketFor = (url: string, who?: Someone) => connectSocket(url, who ?? null, sockets);
const next = nextEvent;
const collect = collectEvents;

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let mod: Someone;
let category: string;
const sockets: ClientSocket[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  p = await startTestPlatform('forum_live', { workers: false });
  [ana, ben, mod] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Marcus Moderator', 'moderator'),
  ]);
  category = await categoryId(ana.c, 'health');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await p?.close();
});

describe('socket sessions', () => {
  it('connects with the session cookie and refuses a socket without one', async () => {
    const socket = await socketFor(p.url, ana);
    expect(socket.connected).toBe(true);
    const err = await socketFor(p.url).then(
      () => null,
      (e: Error & { data?: { code: string } }) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.data?.code).toBe('unauthenticated');
  });
});

describe('thread rooms', () => {
  it('answers thread:join with ok and the last sequence number, or not_found', async () => {
    const { thread } = await newThread(ana, category, 'Asthma and housing');
    const socket = await socketFor(p.url, ben);
    const joined = await socket.timeout(5000).emitWithAck('thread:join', { threadId: thread.id });
    expect(joined).toEqual({ ok: true, data: { threadId: thread.id, lastSeq: 1 } });
    const missing = await socket.timeout(5000).emitWithAck('thread:join', { threadId: '0123456789abcdef01234567' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('not_found');
    const invalid = await socket.timeout(5000).emitWithAck('thread:join', { threadId: 'x' } as never);
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) expect(invalid.error.code).toBe('validation_failed');
    const left = await socket.timeout(5000).emitWithAck('thread:leave', { threadId: thread.id });
    expect(left).toEqual({ ok: true, data: { threadId: thread.id } });
  });

  it('pushes post:created, post:updated, reaction:updated and post:deleted to the thread room', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, category, 'Live thread');
    const socket = await socketFor(p.url, ben);
    await socket.timeout(5000).emitWithAck('thread:join', { threadId: thread.id });

    const created = next(socket, 'post:created');
    const post = await reply(ana, thread.id, 'Hello, live **world**');
    const e1 = await created;
    expect(e1.threadId).toBe(thread.id);
    expect(e1.post).toMatchObject({ id: post.id, seq: 2, bodyHtml: '<p>Hello, live <strong>world</strong></p>\n' });
    expect(e1.post).not.toHaveProperty('myReactions');

    const updated = next(socket, 'post:updated');
    await ana.c.patch(`/api/posts/${post.id}`, { body: 'Edited live' });
    expect((await updated).post).toMatchObject({ id: post.id, body: 'Edited live', revisionCount: 1 });

    const reacted = next(socket, 'reaction:updated');
    await put(ben.c, `/api/posts/${post.id}/reactions/heart`);
    expect(await reacted).toEqual({
      threadId: thread.id,
      postId: post.id,
      reactions: { like: 0, heart: 1, insightful: 0, thanks: 0 },
    });

    const deleted = next(socket, 'post:deleted');
    await ana.c.delete(`/api/posts/${post.id}`);
    expect((await deleted).post).toMatchObject({ id: post.id, deleted: true, body: '' });
  });

  it('tells the forum room and the category room about new threads and activity', async () => {
    await resetPostingBudgets(p);
    const lists = await socketFor(p.url, ben);
    expect(await lists.timeout(5000).emitWithAck('forum:join', {})).toEqual({ ok: true, data: { joined: true } });
    const categoryPage = await socketFor(p.url, ben);
    expect(await categoryPage.timeout(5000).emitWithAck('category:join', { categoryId: category })).toEqual({
      ok: true,
      data: { categoryId: category },
    });

    const onForum = next(lists, 'thread:created');
    const onCategory = next(categoryPage, 'thread:created');
    const { thread } = await newThread(ana, category, 'Announced thread');
    expect((await onForum).thread).toMatchObject({ id: thread.id, title: 'Announced thread', postCount: 1 });
    expect((await onCategory).thread.id).toBe(thread.id);

    const activity = next(categoryPage, 'thread:activity', (e) => e.threadId === thread.id);
    await reply(ana, thread.id, 'Some activity');
    expect(await activity).toMatchObject({ threadId: thread.id, categoryId: category, lastSeq: 2, postCount: 2 });
    expect((await activity).lastPoster?.id).toBe(ana.id);

    const pinned = next(categoryPage, 'thread:updated');
    expect((await mod.c.patch(`/api/threads/${thread.id}`, { pinned: true })).status).toBe(200);
    expect(await pinned).toMatchObject({ thread: { id: thread.id, pinned: true }, previousCategoryId: null });

    const missing = await categoryPage
      .timeout(5000)
      .emitWithAck('category:join', { categoryId: '0123456789abcdef01234567' });
    expect(missing.ok).toBe(false);
  });

  it('throttles thread:typing to one broadcast per member per 3 s, never back to the typist', async () => {
    const { thread } = await newThread(ana, category, 'Typing thread');
    const anaSocket = await socketFor(p.url, ana);
    const anaOtherTab = await socketFor(p.url, ana);
    const benSocket = await socketFor(p.url, ben);
    const notJoined = await anaSocket.timeout(5000).emitWithAck('thread:typing', { threadId: thread.id });
    expect(notJoined.ok).toBe(false);
    if (!notJoined.ok) expect(notJoined.error.code).toBe('forbidden');
    for (const s of [anaSocket, anaOtherTab, benSocket])
      await s.timeout(5000).emitWithAck('thread:join', { threadId: thread.id });

    const atBen = collect(benSocket, 'thread:typing');
    const atAna = collect(anaSocket, 'thread:typing');
    const atAnaTab = collect(anaOtherTab, 'thread:typing');
    const first = await anaSocket.timeout(5000).emitWithAck('thread:typing', { threadId: thread.id });
    const second = await anaSocket.timeout(5000).emitWithAck('thread:typing', { threadId: thread.id });
    const fromOtherTab = await anaOtherTab.timeout(5000).emitWithAck('thread:typing', { threadId: thread.id });
    expect([first, second, fromOtherTab]).toEqual([
      { ok: true, data: { sent: true } },
      { ok: true, data: { sent: false } },
      { ok: true, data: { sent: false } },
    ]);
    await sleep(300);
    expect(atBen.seen).toEqual([{ threadId: thread.id, member: { id: ana.id, displayName: 'Ana López' } }]);
    expect(atAna.seen).toEqual([]);
    expect(atAnaTab.seen).toEqual([]);
    for (const c of [atBen, atAna, atAnaTab]) c.stop();
  });

  it('tells the member’s other tabs when they read a thread', async () => {
    const { thread } = await newThread(ana, category, 'Read marks travel');
    const tab = await socketFor(p.url, ben);
    const read = next(tab, 'thread:read');
    await ben.c.post(`/api/threads/${thread.id}/read`, { seq: 1 });
    expect(await read).toEqual({ threadId: thread.id, lastReadSeq: 1 });
  });
});

describe('two server processes', () => {
  let second: ChildProcess | null = null;
  let secondUrl = '';
  let dataDir = '';
  let output = '';

  beforeAll(async () => {
    // The second process runs the built server: build it (incremental, quick when fresh).
    try {
      execFileSync('npx', ['tsc', '-b', 'shared', 'server'], { cwd: repoRoot, stdio: 'pipe', timeout: 180_000 });
    } catch (err) {
      if (!existsSync(path.join(repoRoot, 'server/dist/main.js'))) throw err;
    }
    const port = await freePort();
    secondUrl = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'commons-second-'));
    const mongoUri = inject('mongoUri').replace(/^(mongodb(?:\+srv)?:\/\/[^/?#]*)(\/[^?#]*)?/, `$1/${p.dbName}`);
    second = spawn(process.execPath, [path.join(repoRoot, 'server/dist/main.js')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: secondUrl,
        MONGODB_URI: mongoUri,
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: p.runtime.config.REDIS_PREFIX,
        SESSION_SECRET: p.runtime.config.SESSION_SECRET,
        SMTP_URL: p.sink.url,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        // Configured as the first process is (tests/support/platform.ts): one deployment, one setting.
        EMAIL_VERIFICATION: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    second.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    second.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (second.exitCode !== null) throw new Error(`second server exited:\n${output}`);
      const ready = await fetch(`${secondUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`second server not ready:\n${output}`);
      await sleep(200);
    }
  });

  afterAll(async () => {
    if (second && second.exitCode === null) {
      const exited = new Promise((r) => second!.once('exit', r));
      second.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (second.exitCode === null) second.kill('SIGKILL');
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers a post made through one process to a socket on the other, and back', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, category, 'Across processes');
    const benOnSecond = await socketFor(secondUrl, ben);
    expect(await benOnSecond.timeout(5000).emitWithAck('thread:join', { threadId: thread.id })).toMatchObject({
      ok: true,
    });
    const anaOnFirst = await socketFor(p.url, ana);
    await anaOnFirst.timeout(5000).emitWithAck('thread:join', { threadId: thread.id });

    const arrived = next(benOnSecond, 'post:created');
    const post = await reply(ana, thread.id, 'Sent through process one');
    expect((await arrived).post.id).toBe(post.id);

    // Ben writes through the second process (same session, shared in Redis); Ana hears it on the first.
    const back = next(anaOnFirst, 'post:created');
    const onSecond = new TestClient(secondUrl);
    const res = await onSecond.post(
      `/api/threads/${thread.id}/posts`,
      { body: 'Sent through process two' },
      { cookie: ben.c.cookieHeader() },
    );
    expect(res.status).toBe(201);
    expect((await back).post.id).toBe(res.body.post.id);
  });

  it('loses nothing across a reconnect: posts after the last seen seq are fetched', async () => {
    await resetPostingBudgets(p);
    const { thread } = await newThread(ana, category, 'Reconnect and catch up');
    const socket = await socketFor(secondUrl, ben);
    await socket.timeout(5000).emitWithAck('thread:join', { threadId: thread.id });
    const seen = next(socket, 'post:created');
    await reply(ana, thread.id, 'Seen live');
    const lastSeq = (await seen).post.seq;

    socket.disconnect();
    const missed = [await reply(ana, thread.id, 'Missed one'), await reply(ana, thread.id, 'Missed two')];

    socket.connect();
    await new Promise<void>((resolve) => socket.once('session:ready', () => resolve()));
    const rejoined = await socket.timeout(5000).emitWithAck('thread:join', { threadId: thread.id });
    expect(rejoined.ok && rejoined.data.lastSeq).toBe(lastSeq + 2);
    const res = await new TestClient(secondUrl).get(`/api/threads/${thread.id}/posts?after=${lastSeq}`, {
      cookie: ben.c.cookieHeader(),
    });
    expect(res.status).toBe(200);
    expect(res.body.posts.map((x: { id: string }) => x.id)).toEqual(missed.map((m) => m.id));
    expect(res.body.hasMore).toBe(false);

    // And live delivery resumes.
    const again = next(socket, 'post:created');
    const after = await reply(ana, thread.id, 'Live again');
    expect((await again).post.id).toBe(after.id);
  });
});
