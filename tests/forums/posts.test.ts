import { TestClient } from '../support/http.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { categoryId, MISSING_ID, newThread, put, reply, resetPostingBudgets, signUp, type Someone } from './support.js';

let p: TestPlatform;
let ana: Someone;
let ben: Someone;
let cleo: Someone;
let mod: Someone;
let category: string;

beforeAll(async () => {
  p = await startTestPlatform('forum_posts', { workers: false });
  [ana, ben, cleo, mod] = await Promise.all([
    signUp(p, 'Ana López'),
    signUp(p, 'Ben Okafor'),
    signUp(p, 'Cleo Martin'),
    signUp(p, 'Marcus Moderator', 'moderator'),
  ]);
  category = await categoryId(ana.c, 'community-engagement-leadership');
});
beforeEach(async () => {
  await resetPostingBudgets(p);
});
afterAll(async () => {
  await p?.close();
});

// Response bodies are arbitrary JSON that assertions walk freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('the reply tree', () => {
  it('gives each post the next sequence number and a depth, and renders in tree order', async () => {
    const { thread, post: root } = await newThread(ana, category, 'Parent leadership councils');
    const a = await reply(ben, thread.id, 'Top-level reply A');
    const a1 = await reply(cleo, thread.id, 'Reply to A', { parentId: a.id });
    const b = await reply(cleo, thread.id, 'Top-level reply B');
    const a2 = await reply(ana, thread.id, 'Second reply to A', { parentId: a.id });
    const a11 = await reply(ben, thread.id, 'Reply to A1', { parentId: a1.id });
    const r1 = await reply(mod, thread.id, 'Reply to the opening post', { parentId: root.id });

    expect([root.seq, a.seq, a1.seq, b.seq, a2.seq, a11.seq, r1.seq]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect([a.depth, a1.depth, a11.depth, r1.depth]).toEqual([0, 1, 2, 1]);
    expect(a1).toMatchObject({ parentId: a.id, replyToId: a.id });

    const got = await ana.c.get(`/api/threads/${thread.id}`);
    const order = got.body.posts.map((x: Any) => x.id);
    expect(order).toEqual([root.id, r1.id, a.id, a1.id, a11.id, a2.id, b.id]);
    // Sorting by path is the same order, so clients can slot live posts in.
    const byPath = [...got.body.posts].sort((x: Any, y: Any) => (x.path < y.path ? -1 : 1)).map((x: Any) => x.id);
    expect(byPath).toEqual(order);
    expect(got.body.thread).toMatchObject({ postCount: 7, lastSeq: 7 });
  });

  it('caps depth at 5: deeper replies attach to the depth-5 ancestor and keep replyToId', async () => {
    const { thread } = await newThread(ana, category, 'A very deep conversation');
    const people = [ben, cleo, ana, mod];
    let parent = await reply(ben, thread.id, 'depth 0');
    const chain = [parent];
    for (let d = 1; d <= 5; d++) {
      parent = await reply(people[d % people.length]!, thread.id, `depth ${d}`, { parentId: parent.id });
      chain.push(parent);
    }
    const anchor = chain[5]!;
    expect(anchor.depth).toBe(5);
    const deeper = await reply(ana, thread.id, 'would be depth 6', { parentId: anchor.id });
    expect(deeper).toMatchObject({ depth: 5, parentId: anchor.id, replyToId: anchor.id });
    const deeper2 = await reply(ben, thread.id, 'would be depth 7', { parentId: deeper.id });
    expect(deeper2).toMatchObject({ depth: 5, parentId: anchor.id, replyToId: deeper.id });
    const sibling = await reply(cleo, thread.id, 'a second depth-5 post', { parentId: chain[4]!.id });
    expect(sibling.depth).toBe(5);

    const posts = (await ana.c.get(`/api/threads/${thread.id}`)).body.posts.map((x: Any) => x.id);
    // The flattened run follows its anchor, before the anchor's later sibling.
    expect(posts.indexOf(deeper.id)).toBe(posts.indexOf(anchor.id) + 1);
    expect(posts.indexOf(deeper2.id)).toBe(posts.indexOf(deeper.id) + 1);
    expect(posts.indexOf(sibling.id)).toBe(posts.indexOf(deeper2.id) + 1);
    expect(Math.max(...(await ana.c.get(`/api/threads/${thread.id}`)).body.posts.map((x: Any) => x.depth))).toBe(5);
  });

  it('refuses a parent or quote from another thread, and unknown ones, with 404', async () => {
    const one = await newThread(ana, category, 'First thread');
    const two = await newThread(ben, category, 'Second thread');
    for (const body of [
      { body: 'x', parentId: one.post.id },
      { body: 'x', quotePostId: one.post.id },
      { body: 'x', parentId: MISSING_ID },
    ]) {
      const res = await cleo.c.post(`/api/threads/${two.thread.id}/posts`, body);
      expect(res.status).toBe(404);
    }
    for (const body of [
      { body: '' },
      { body: 'x', parentId: 'abc' },
      { body: 'x', extra: 1 },
      { body: 'x'.repeat(20_001) },
    ]) {
      expect((await cleo.c.post(`/api/threads/${two.thread.id}/posts`, body)).status).toBe(400);
    }
  });

  it('pages posts in tree order with a cursor, and by sequence number with after=', async () => {
    const { thread, post: root } = await newThread(ana, category, 'Paging thread');
    const first = await reply(ben, thread.id, 'one');
    await reply(cleo, thread.id, 'one-a', { parentId: first.id });
    await reply(mod, thread.id, 'two');
    const page1 = await ana.c.get(`/api/threads/${thread.id}/posts?limit=2`);
    expect(page1.body.posts.map((x: Any) => x.seq)).toEqual([1, 2]);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await ana.c.get(
      `/api/threads/${thread.id}/posts?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
    );
    expect(page2.body.posts.map((x: Any) => x.seq)).toEqual([3, 4]);
    expect(page2.body.nextCursor).toBeNull();
    const after = await ana.c.get(`/api/threads/${thread.id}/posts?after=2`);
    expect(after.body.posts.map((x: Any) => x.seq)).toEqual([3, 4]);
    expect(root.seq).toBe(1);
    expect((await ana.c.get(`/api/threads/${thread.id}/posts?after=1&cursor=abc`)).status).toBe(400);
    expect((await ana.c.get(`/api/threads/${thread.id}/posts?after=-1`)).status).toBe(400);
    expect((await ana.c.get(`/api/threads/${thread.id}/posts?limit=101`)).status).toBe(400);
  });
});

describe('markdown', () => {
  it('never lets a script, an event handler or a javascript: link through', async () => {
    const { thread } = await newThread(ana, category, 'Markdown safety');
    const nasty = [
      '<script>alert("x")</script>',
      '<img src=x onerror=alert(1)>',
      '<a href="javascript:alert(1)" onclick="steal()">click</a>',
      '[click me](javascript:alert(1))',
      '<iframe src="https://evil.example"></iframe>',
      '<svg onload=alert(1)>',
      '![x](https://evil.example/x.png" onerror="alert(1))',
      '<div style="position:fixed">overlay</div>',
    ].join('\n\n');
    const post = await reply(ben, thread.id, nasty);
    const html: string = post.bodyHtml;
    expect(html).not.toMatch(/<(script|img|iframe|svg|div)/i);
    // Every real tag is an allowed one with no handler, style or script URL.
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) {
      expect(tag).toMatch(/^<(p|a|code|pre|em|strong)[\s>]/);
      expect(tag).not.toMatch(/\son\w+=|javascript:|style=/i);
    }
    // Raw HTML is shown as text, not dropped silently.
    expect(html).toContain('&lt;script&gt;');
  });

  it('renders Markdown, escapes code and marks links nofollow ugc noopener', async () => {
    const { thread } = await newThread(ana, category, 'Markdown rendering');
    const post = await reply(
      ben,
      thread.id,
      '# Heading\n\n**bold** _em_ ~~del~~\n\n- one\n- two\n\n`a < b`\n\n```\n<b>not bold</b>\n```\n\nSee [our site](https://example.org) or https://example.com',
    );
    const html: string = post.bodyHtml;
    expect(html).toContain('<h3>Heading</h3>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<code>a &lt; b</code>');
    expect(html).toContain('&lt;b&gt;not bold&lt;/b&gt;');
    expect(html).toContain('<a href="https://example.org" rel="nofollow ugc noopener">our site</a>');
    expect(html).toContain('<a href="https://example.com" rel="nofollow ugc noopener">');
    expect(post.body).toContain('# Heading');
  });
});

describe('the composer preview', () => {
  it('renders exactly as a post would, saves nothing, and needs a session', async () => {
    const source = '**Parents** first.\n\n<script>alert(1)</script> [site](javascript:alert(1))';
    const preview = await ben.c.post('/api/posts/preview', { body: source });
    expect(preview.status).toBe(200);
    const { thread } = await newThread(ana, category, 'Preview equals the post');
    const saved = await reply(ben, thread.id, source);
    expect(preview.body.html).toBe(saved.bodyHtml);
    expect(preview.body.html).toContain('<strong>Parents</strong>');
    expect(preview.body.html).not.toMatch(/<script|href="javascript:/i);
    expect((await ben.c.post('/api/posts/preview', { body: '' })).status).toBe(400);
    expect((await new TestClient(p.url).post('/api/posts/preview', { body: 'x' })).status).toBe(401);
  });
});

describe('mentions and quotes', () => {
  it('resolves @handle to the member and links it; unknown handles stay text', async () => {
    const { thread } = await newThread(ana, category, 'Mentions');
    const post = await reply(
      ben,
      thread.id,
      'Thanks @ana-lopez and @cleo-martin! Not @nobody-here, nor ben@example.org, nor `@ana-lopez`.',
    );
    expect(post.mentionIds.sort()).toEqual([ana.id, cleo.id].sort());
    expect(post.bodyHtml).toContain(
      `<a href="/members/${ana.id}" class="mention" data-member-id="${ana.id}" rel="nofollow ugc noopener">@Ana López</a>`,
    );
    expect(post.bodyHtml).toContain('@nobody-here');
    expect(post.bodyHtml).toContain('<code>@ana-lopez</code>');
    expect(post.author.handle).toBe('ben-okafor');

    const suggest = await ben.c.get('/api/mentions?q=an');
    expect(suggest.status).toBe(200);
    expect(suggest.body.members.map((m: Any) => m.handle)).toContain('ana-lopez');
    // By any word of the display name, accents and case aside, and as written with a space.
    for (const q of ['Lóp', 'ana lo', '@MARTIN']) {
      const found = await ben.c.get(`/api/mentions?q=${encodeURIComponent(q)}`);
      expect(
        found.body.members.map((m: Any) => m.handle),
        q,
      ).toContain(q === '@MARTIN' ? 'cleo-martin' : 'ana-lopez');
    }
    const handle = await ben.c.get(`/api/members/${ana.id}/handle`);
    expect(handle.body).toEqual({ member: { id: ana.id, displayName: 'Ana López', handle: 'ana-lopez' } });
    expect((await ben.c.get('/api/members/0123456789abcdef01234567/handle')).status).toBe(404);
  });

  it('gives a clashing display name its own handle', async () => {
    const other = await signUp(p, 'Ana Lopez');
    const { thread } = await newThread(ben, category, 'Two Anas');
    // The listener may still be running; the mention falls back to a backfill when it misses.
    const post = await reply(cleo, thread.id, 'Hello @ana-lopez-2');
    expect(post.mentionIds).toEqual([other.id]);
  });

  it('quotes another post of the thread in a blockquote with attribution', async () => {
    const { thread, post: root } = await newThread(
      ana,
      category,
      'Quoting',
      'Stipends made all the difference for us.',
    );
    const quoting = await reply(ben, thread.id, 'Same here!', { quotePostId: root.id, parentId: root.id });
    expect(quoting.quotePostId).toBe(root.id);
    expect(quoting.bodyHtml).toMatch(
      /^<blockquote class="quote" data-post-id="[0-9a-f]{24}"><cite><a href="\/forums\/t\/[0-9a-f]{24}#post-1"/,
    );
    expect(quoting.bodyHtml).toContain('Ana López</a></cite>');
    expect(quoting.bodyHtml).toContain('Stipends made all the difference for us.');
    expect(quoting.bodyHtml).toContain('<p>Same here!</p>');
    expect(quoting.body).toBe('Same here!');
  });
});

describe('editing and deleting', () => {
  it('lets the author edit, keeps the history and stamps editedAt', async () => {
    const { thread } = await newThread(ana, category, 'Edits');
    const post = await reply(ben, thread.id, 'First version');
    const edited = await ben.c.patch(`/api/posts/${post.id}`, { body: 'Second version with @ana-lopez' });
    expect(edited.status).toBe(200);
    expect(edited.body.post).toMatchObject({
      body: 'Second version with @ana-lopez',
      revisionCount: 1,
      mentionIds: [ana.id],
    });
    expect(edited.body.post.editedAt).not.toBeNull();
    await ben.c.patch(`/api/posts/${post.id}`, { body: 'Third version' });

    const history = await cleo.c.get(`/api/posts/${post.id}/revisions`);
    expect(history.status).toBe(200);
    expect(history.body.revisions.map((r: Any) => r.body)).toEqual(['Second version with @ana-lopez', 'First version']);
    expect(history.body.revisions[0].editor.id).toBe(ben.id);

    expect((await cleo.c.patch(`/api/posts/${post.id}`, { body: 'Not mine' })).status).toBe(403);
    const byMod = await mod.c.patch(`/api/posts/${post.id}`, { body: 'Moderated version' });
    expect(byMod.status).toBe(200);
    expect(byMod.body.post.revisionCount).toBe(3);
    expect((await ben.c.patch(`/api/posts/${post.id}`, { body: '' })).status).toBe(400);
    expect((await ben.c.patch(`/api/posts/${post.id}`, { body: 'x', parentId: post.id })).status).toBe(400);
  });

  it('soft-deletes: a tombstone keeps its place in the tree; only author or moderator', async () => {
    const { thread } = await newThread(ana, category, 'Deleting');
    const doomed = await reply(ben, thread.id, 'Something I regret');
    const child = await reply(cleo, thread.id, 'A reply to the regret', { parentId: doomed.id });
    await put(ben.c, `/api/posts/${doomed.id}/reactions/like`);

    expect((await cleo.c.delete(`/api/posts/${doomed.id}`)).status).toBe(403);
    const del = await ben.c.delete(`/api/posts/${doomed.id}`);
    expect(del.status).toBe(204);
    expect((await ben.c.delete(`/api/posts/${doomed.id}`)).status).toBe(204);

    const got = await ana.c.get(`/api/threads/${thread.id}`);
    const tomb = got.body.posts.find((x: Any) => x.id === doomed.id);
    expect(tomb).toMatchObject({ deleted: true, body: '', mentionIds: [], seq: doomed.seq, path: doomed.path });
    expect(tomb.bodyHtml).not.toContain('regret');
    expect(got.body.posts.find((x: Any) => x.id === child.id)).toMatchObject({ parentId: doomed.id, deleted: false });
    expect(got.body.thread.postCount).toBe(2);
    expect(JSON.stringify(got.body)).not.toContain('Something I regret');

    expect((await ben.c.patch(`/api/posts/${doomed.id}`, { body: 'undo' })).status).toBe(404);
    expect((await put(cleo.c, `/api/posts/${doomed.id}/reactions/like`)).status).toBe(404);
    // What was removed stays visible to moderators only.
    expect((await ben.c.get(`/api/posts/${doomed.id}/revisions`)).status).toBe(404);
    const audit = await mod.c.get(`/api/posts/${doomed.id}/revisions`);
    expect(audit.body.revisions[0].body).toBe('Something I regret');

    // A moderator may delete anyone's post, and replying to a tombstone still works.
    expect((await mod.c.delete(`/api/posts/${child.id}`)).status).toBe(204);
    expect((await reply(ana, thread.id, 'Replying under the tombstone', { parentId: doomed.id })).depth).toBe(1);
  });
});

describe('reactions and bookmarks', () => {
  it('counts reactions per kind, idempotently, with the member’s own', async () => {
    const { thread, post } = await newThread(ana, category, 'Reactions');
    const like = await put(ben.c, `/api/posts/${post.id}/reactions/like`);
    expect(like.status).toBe(200);
    expect(like.body).toEqual({
      postId: post.id,
      reactions: { like: 1, heart: 0, insightful: 0, thanks: 0 },
      myReactions: ['like'],
    });
    expect((await put(ben.c, `/api/posts/${post.id}/reactions/like`)).body.reactions.like).toBe(1);
    await put(ben.c, `/api/posts/${post.id}/reactions/thanks`);
    const cleoHeart = await put(cleo.c, `/api/posts/${post.id}/reactions/heart`);
    expect(cleoHeart.body).toMatchObject({ reactions: { like: 1, heart: 1, thanks: 1 }, myReactions: ['heart'] });

    const seenByBen = (await ben.c.get(`/api/threads/${thread.id}`)).body.posts[0];
    expect(seenByBen.myReactions).toEqual(['like', 'thanks']);
    const seenByAna = (await ana.c.get(`/api/threads/${thread.id}`)).body.posts[0];
    expect(seenByAna.myReactions).toEqual([]);
    expect(seenByAna.reactions).toEqual({ like: 1, heart: 1, insightful: 0, thanks: 1 });

    const undo = await ben.c.delete(`/api/posts/${post.id}/reactions/like`);
    expect(undo.body).toMatchObject({ reactions: { like: 0 }, myReactions: ['thanks'] });
    expect((await ben.c.delete(`/api/posts/${post.id}/reactions/like`)).body.reactions.like).toBe(0);
    expect((await put(ben.c, `/api/posts/${post.id}/reactions/angry`)).status).toBe(400);
    expect((await put(ben.c, `/api/posts/${MISSING_ID}/reactions/like`)).status).toBe(404);
  });

  it('bookmarks posts and lists them newest first, paginated', async () => {
    const { thread, post } = await newThread(ana, category, 'Bookmarks');
    const second = await reply(ben, thread.id, 'Worth keeping');
    expect((await put(cleo.c, `/api/posts/${post.id}/bookmark`)).body).toEqual({ postId: post.id, bookmarked: true });
    await new Promise((r) => setTimeout(r, 5));
    await put(cleo.c, `/api/posts/${second.id}/bookmark`);
    await put(cleo.c, `/api/posts/${second.id}/bookmark`);

    const page1 = await cleo.c.get('/api/bookmarks?limit=1');
    expect(page1.status).toBe(200);
    expect(page1.body.bookmarks).toHaveLength(1);
    expect(page1.body.bookmarks[0].post).toMatchObject({ id: second.id, bookmarked: true });
    expect(page1.body.bookmarks[0].thread).toEqual({ id: thread.id, title: 'Bookmarks', categoryId: category });
    const page2 = await cleo.c.get(`/api/bookmarks?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(page2.body.bookmarks[0].post.id).toBe(post.id);
    expect(page2.body.nextCursor).toBeNull();

    expect((await ana.c.get('/api/bookmarks')).body.bookmarks).toEqual([]);
    expect((await cleo.c.delete(`/api/posts/${post.id}/bookmark`)).body.bookmarked).toBe(false);
    expect((await cleo.c.get('/api/bookmarks')).body.bookmarks.map((b: Any) => b.post.id)).toEqual([second.id]);
  });
});

describe('posting rate limit', () => {
  it('allows 10 posts a minute per member, then answers 429 rate_limited with Retry-After', async () => {
    const { thread } = await newThread(ana, category, 'Rate limit');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await cleo.c.post(`/api/threads/${thread.id}/posts`, { body: `post ${i}` })).status);
    expect(statuses).toEqual(Array(10).fill(201));
    const over = await cleo.c.post(`/api/threads/${thread.id}/posts`, { body: 'one too many' });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    // New threads spend the same budget; other members are not affected.
    expect((await cleo.c.post('/api/threads', { categoryId: category, title: 'Another', body: 'x' })).status).toBe(429);
    expect((await ben.c.post(`/api/threads/${thread.id}/posts`, { body: 'still fine' })).status).toBe(201);
  });
});
