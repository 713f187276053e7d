import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, MISSING_ID, newThread, put, reply, signUp, type Someone } from '../forums/support.js';
import { nextEvent, socketFor, type ClientSocket } from '../moderation/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/*
 * The forums' read rule holds on every path: a held or hidden post, and a thread of an archived
 * category, are for nobody else by bookmark, quote, revisions, reactions, live pushes or by id;
 * and "cannot read" answers exactly as "does not exist".
 */
let p: TestPlatform;
let author: Someone;
let reader: Someone;
let mod: Someone;
let admin: Someone;
let category: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  p = await startTestPlatform('read_rule', { workers: false });
  [author, reader, mod, admin] = await Promise.all([
    signUp(p, 'Hana Author'),
    signUp(p, 'Rico Reader'),
    signUp(p, 'Moe Mod', 'moderator'),
    signUp(p, 'Ada Admin', 'admin'),
  ]);
  category = await categoryId(author.c, 'introductions');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await p?.close();
});

async function hide(postId: string): Promise<void> {
  const res = await mod.c.post(`/api/posts/${postId}/flags`, { reason: 'harassment', note: 'Not OK.' });
  expect(res.status).toBe(201);
  expect(res.body.postStatus).toBe('hidden');
}

/** The answer for a post that does not exist, to compare the others with. */
async function missingAnswer(path: string, method = 'GET', body?: unknown) {
  const res = await reader.c.request(method, path.replace(':id', MISSING_ID), body);
  return { status: res.status, code: res.body?.error?.code, message: res.body?.error?.message };
}
async function answer(who: Someone, method: string, path: string, body?: unknown) {
  const res = await who.c.request(method, path, body);
  return { status: res.status, code: res.body?.error?.code, message: res.body?.error?.message };
}

describe('a hidden post', () => {
  it('is read by nobody else through bookmarks, quotes, revisions, reactions or by id', async () => {
    const { thread } = await newThread(reader, category, 'Where to find winter coats');
    const secret = await reply(author, thread.id, 'First words of a hidden reply.');
    expect((await put(reader.c, `/api/posts/${secret.id}/bookmark`)).status).toBe(200);
    await hide(secret.id);
    // The author edits the hidden post: earlier versions now exist.
    expect((await author.c.patch(`/api/posts/${secret.id}`, { body: 'Second words, still hidden.' })).status).toBe(200);

    for (const [method, path, body] of [
      ['GET', '/api/posts/:id', undefined],
      ['GET', '/api/posts/:id/revisions', undefined],
      ['PUT', '/api/posts/:id/bookmark', undefined],
      ['DELETE', '/api/posts/:id/bookmark', undefined],
      ['PUT', '/api/posts/:id/reactions/like', undefined],
    ] as const) {
      expect(await answer(reader, method, path.replace(':id', secret.id), body)).toEqual(
        await missingAnswer(path, method, body),
      );
    }
    const bookmarks = await reader.c.get('/api/bookmarks');
    expect(bookmarks.status).toBe(200);
    expect(JSON.stringify(bookmarks.body)).not.toContain('words');

    // Quoting would copy its text into a post everyone reads: refused as if it did not exist,
    // to its own author too.
    for (const who of [reader, author]) {
      const quoting = await who.c.post(`/api/threads/${thread.id}/posts`, { body: 'Quoting.', quotePostId: secret.id });
      const none = await who.c.post(`/api/threads/${thread.id}/posts`, { body: 'Quoting.', quotePostId: MISSING_ID });
      expect(quoting.status).toBe(404);
      expect(quoting.body.error).toEqual({ ...none.body.error, requestId: quoting.body.error.requestId });
    }

    // The author and moderators still read it, with its history.
    expect((await author.c.get(`/api/posts/${secret.id}`)).body.post.body).toBe('Second words, still hidden.');
    expect((await mod.c.get(`/api/posts/${secret.id}/revisions`)).body.revisions).toHaveLength(1);
  });

  it('sends its edits to its author’s tabs only, never to the thread’s room', async () => {
    const { thread } = await newThread(reader, category, 'Bus routes to the clinic');
    const secret = await reply(author, thread.id, 'Soon to be hidden.');
    const open = await reply(author, thread.id, 'A reply everyone reads.');
    await hide(secret.id);
    const [readerSocket, authorSocket] = await Promise.all([
      socketFor(p.url, reader, sockets),
      socketFor(p.url, author, sockets),
    ]);
    const join = (s: ClientSocket) =>
      new Promise<void>((resolve, reject) =>
        s.emit('thread:join', { threadId: thread.id }, (ack) => (ack.ok ? resolve() : reject(new Error('join')))),
      );
    await join(readerSocket);
    const seenByReader: string[] = [];
    readerSocket.on('post:updated', ({ post }) => seenByReader.push(post.id));
    const toAuthor = new Promise<string>((resolve) =>
      authorSocket.on('post:updated', ({ post }) => resolve(post.body)),
    );

    expect((await author.c.patch(`/api/posts/${secret.id}`, { body: 'New hidden words.' })).status).toBe(200);
    expect(await toAuthor).toBe('New hidden words.');
    // A visible edit after it: once the room hears of that one, it would have heard of the first.
    const visibleHeard = new Promise<void>((resolve) =>
      readerSocket.on('post:updated', ({ post }) => post.id === open.id && resolve()),
    );
    expect((await author.c.patch(`/api/posts/${open.id}`, { body: 'Edited for everyone.' })).status).toBe(200);
    await visibleHeard;
    expect(seenByReader).toEqual([open.id]);
  });
});

describe('a quoted post', () => {
  it('leaves every quote of it while hidden, on the page, by id and live; comes back on restore; goes for good on delete', async () => {
    const { thread } = await newThread(reader, category, 'Respite evenings this winter');
    const quoted = await reply(author, thread.id, 'Words about one family that will be hidden.');
    const quoting = await reply(reader, thread.id, 'Quoting it above.', { quotePostId: quoted.id });
    expect(quoting.bodyHtml).toContain('one family');
    const readerSocket = await socketFor(p.url, reader, sockets);
    await new Promise<void>((resolve, reject) =>
      readerSocket.emit('thread:join', { threadId: thread.id }, (ack) =>
        ack.ok ? resolve() : reject(new Error('join')),
      ),
    );
    const pushed = (words: (html: string) => boolean) =>
      nextEvent(readerSocket, 'post:updated', ({ post }) => post.id === quoting.id && words(post.bodyHtml));
    const seenBy = async (who: Someone) => {
      const page = await who.c.get(`/api/threads/${thread.id}`);
      const byId = await who.c.get(`/api/posts/${quoting.id}`);
      return JSON.stringify([page.body, byId.body]);
    };
    expect(await seenBy(reader)).toContain('one family');

    const withheld = pushed((html) => !html.includes('one family'));
    await hide(quoted.id);
    expect((await withheld).post.quotePostId).toBeNull();
    expect(await seenBy(reader)).not.toContain('one family');
    expect((await reader.c.get(`/api/posts/${quoting.id}`)).body.post).toMatchObject({
      quotePostId: null,
      body: 'Quoting it above.',
    });

    const queue = await mod.c.get('/api/moderation/queue');
    const item = (queue.body.items as Array<{ id: string; postId: string }>).find((i) => i.postId === quoted.id);
    const back = pushed((html) => html.includes('one family'));
    const kept = await mod.c.post(`/api/moderation/items/${item!.id}/resolve`, {
      action: 'keep',
      note: 'Fine after all.',
      notifyAuthor: false,
    });
    expect(kept.status).toBe(200);
    await back;
    expect(await seenBy(reader)).toContain('one family');

    const gone = pushed((html) => !html.includes('one family'));
    expect((await author.c.delete(`/api/posts/${quoted.id}`)).status).toBe(204);
    await gone;
    expect(await seenBy(reader)).not.toContain('one family');
  });
});

describe('a thread of an archived category', () => {
  it('is readable by id by moderators and administrators only', async () => {
    const made = await admin.c.post('/api/categories', { name: 'Old season', description: 'Last year.' });
    expect(made.status).toBe(201);
    const old = made.body.category.id as string;
    const { thread, post } = await newThread(reader, old, 'Last winter coats');
    expect((await admin.c.patch(`/api/categories/${old}`, { archived: true })).status).toBe(200);

    for (const who of [reader, author]) {
      expect(await answer(who, 'GET', `/api/threads/${thread.id}`)).toEqual({
        ...(await answer(who, 'GET', `/api/threads/${MISSING_ID}`)),
      });
      expect((await who.c.get(`/api/threads/${thread.id}/posts`)).status).toBe(404);
      expect((await who.c.get(`/api/posts/${post.id}`)).status).toBe(404);
    }
    expect((await admin.c.get(`/api/threads/${thread.id}`)).status).toBe(200);
    expect((await mod.c.get(`/api/threads/${thread.id}`)).status).toBe(200);
  });
});
