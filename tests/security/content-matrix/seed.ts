import type { TestClient } from '../../support/http.js';
import type { TestPlatform } from '../../support/platform.js';
import { connectSocket, type ClientSocket } from '../../support/sockets.js';
import { labBody, minutesFromNow } from '../../labs/support.js';
import { resourceBody } from '../../hub/support.js';
import {
  people,
  readersOf,
  signUpCast,
  tokenOf,
  type Cast,
  type Fixture,
  type Kind,
  type Person,
  type State,
} from './cast.js';

/*
 * The content matrix's world, seeded once: every kind of content in every state it can be in,
 * written by Ana (the author) with Fay as co-facilitator of her labs, in a private coalition
 * Ana runs and Cora belongs to. Every member is mentioned in every post and has a socket in
 * every room they may join; Mel and Cora watch the public category and thread and bookmark every
 * post they can, all before moderation hides, deletes and archives: what they were given then
 * must not keep reaching them afterwards.
 */

export interface World extends Cast {
  fixtures: Fixture[];
  sockets: Record<Person, ClientSocket>;
  /** Every socket event each member's socket received, as JSON (for the token scan). */
  heard: Record<Person, string[]>;
  /** How much each had heard when moderation and time changed things. */
  changedAt: Record<Person, number>;
  /** A readable thread and post for body probes that need a place to write in. */
  publicThread: string;
}

type Answer = { status: number; body: any; text: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

function must(res: Answer, status: number, what: string): Answer {
  if (res.status !== status) throw new Error(`seeding ${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res;
}
const put = (c: TestClient, path: string, body?: unknown) => c.request('PUT', path, body);

/** Waits until the queues have nothing waiting or running (the fan-out of what was written). */
export async function settle(p: TestPlatform): Promise<void> {
  const until = Date.now() + 20_000;
  for (;;) {
    await p.runtime.outbox.settle();
    const counts = await Promise.all(
      Object.values(p.runtime.queues).map((q) => q.getJobCounts('waiting', 'active', 'prioritized')),
    );
    if (counts.every((c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) === 0)) return;
    if (Date.now() > until) throw new Error(`queues still busy: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function seedWorld(p: TestPlatform, opened: ClientSocket[]): Promise<World> {
  const t0 = Date.now();
  const phase = (name: string) => process.env.MATRIX_COUNTS && console.info(`seed ${name}: ${Date.now() - t0} ms`);
  const cast = await signUpCast(p);
  phase('cast');
  const { who } = cast;
  const ana = who.author.c;
  const admin = who.admin.c;
  const mod = who.moderator.c;
  const fixtures: Fixture[] = [];
  const add = (
    kind: Kind,
    state: State,
    id: string | null,
    token = tokenOf(kind, state),
    extra: Partial<Fixture> = {},
  ) => fixtures.push({ kind, state, id, token, readers: readersOf(kind, state), ...extra });
  const mentions = cast.handles.join(' ');

  // ---------------------------------------------------------------- coalitions and categories
  const coalition = async (state: State, visibility: 'public' | 'private') =>
    must(
      await ana.post('/api/coalitions', { name: tokenOf('coalition', state), joinPolicy: 'request', visibility }),
      201,
      `coalition ${state}`,
    ).body.coalition.id as string;
  const [privateCoalition, publicCoalition, deletedCoalition] = await Promise.all([
    coalition('private', 'private'),
    coalition('public', 'public'),
    coalition('deleted', 'public'),
  ]);
  const joinCoalition = async () => {
    const asked = await who.coalitionMember.c.post(`/api/coalitions/${privateCoalition}/membership`, {});
    must(asked, 200, 'join request');
    const approved = await ana.post(`/api/coalitions/${privateCoalition}/requests/${who.coalitionMember.id}`, {
      decision: 'approve',
    });
    must(approved, 200, 'approve');
  };
  add('coalition', 'private', privateCoalition);
  add('coalition', 'public', publicCoalition);

  // Sockets first, so they hear what happens from here on.
  const heard = Object.fromEntries(people.map((c) => [c, [] as string[]])) as Record<Person, string[]>;
  const connect = async (c: Person) => {
    const socket = await connectSocket(p.url, who[c], opened);
    socket.onAny((event: string, payload: unknown) => heard[c].push(`${event} ${JSON.stringify(payload)}`));
    return [c, socket] as const;
  };
  const category = async (body: Record<string, unknown>, by: TestClient) =>
    must(await by.post('/api/categories', body), 201, `category ${String(body.name)}`).body.category.id as string;
  const [[publicCategory, privateCategory, archivedCategory], connected] = await Promise.all([
    Promise.all([
      category({ name: tokenOf('category', 'public'), public: true }, admin),
      category({ name: tokenOf('category', 'private'), coalitionId: privateCoalition }, ana),
      category({ name: tokenOf('category', 'archived') }, admin),
    ]),
    Promise.all(people.map(connect)),
    joinCoalition(),
  ]);
  const sockets = Object.fromEntries(connected) as Record<Person, ClientSocket>;
  /** Every member asks to join every room (what they may not join is refused, and checked later). */
  const joinAll = (rooms: Array<[string, Record<string, string>]>) =>
    Promise.all(
      people.flatMap((c) =>
        rooms.map(([event, payload]) =>
          (sockets[c].timeout(10_000) as unknown as ClientSocket).emitWithAck(event as 'thread:join', payload as never),
        ),
      ),
    );
  await joinAll([
    ['forum:join', {}],
    ...[publicCategory, privateCategory, archivedCategory].map((categoryId): [string, Record<string, string>] => [
      'category:join',
      { categoryId },
    ]),
  ]);

  phase('coalitions, categories, sockets');
  // ---------------------------------------------------------------- threads and labs (rooms)
  // Opening posts are the post fixtures of their thread's state (Ana writes few posts: eight in
  // five minutes would be held as a burst).
  const thread = async (state: State, categoryId: string) => {
    const res = await ana.post('/api/threads', {
      categoryId,
      title: `Thread ${tokenOf('thread', state)}`,
      body: `Opening words ${tokenOf('post', state)}, for ${mentions}.`,
    });
    const made = must(res, 201, `thread ${state}`).body as { thread: { id: string }; post: { id: string } };
    // An edit, so the post has revisions that say the word too.
    const edit = await ana.patch(`/api/posts/${made.post.id}`, {
      body: `Edited ${tokenOf('post', state)} ${mentions}.`,
    });
    must(edit, 200, 'edit');
    return made;
  };
  const lab = async (state: State, over: Record<string, unknown>) =>
    must(
      await ana.post(
        '/api/labs',
        labBody({
          title: `Lab ${tokenOf('lab', state)}`,
          // Soon, so its room is open to join (15 minutes before the start).
          startsAt: minutesFromNow(10),
          facilitatorIds: [who.facilitator.id],
          ...over,
        }),
      ),
      201,
      `lab ${state}`,
    ).body.lab.id as string;
  const [[publicThread, privateThread, hiddenThread, archivedThread], [publicLab, privateLab, inviteLab]] =
    await Promise.all([
      Promise.all([
        thread('public', publicCategory),
        thread('private', privateCategory),
        thread('hidden', publicCategory),
        thread('archived', archivedCategory),
      ]),
      Promise.all([
        lab('public', {}),
        lab('private', { coalitionId: privateCoalition }),
        lab('invite', { visibility: 'invite' }),
      ]),
    ]);
  add('lab', 'public', publicLab);
  add('lab', 'private', privateLab);
  add('lab', 'invite', inviteLab);
  await joinAll([
    ...[publicThread, privateThread, hiddenThread, archivedThread].map((t): [string, Record<string, string>] => [
      'thread:join',
      { threadId: t.thread.id },
    ]),
    ...[publicLab, privateLab, inviteLab].map((labId): [string, Record<string, string>] => ['lab:join', { labId }]),
  ]);

  // ---------------------------------------------------------------- posts, watched, bookmarked, mentioned
  phase('threads, labs, joins');
  // Two members watch and bookmark what they may (every member is mentioned everywhere).
  const watchers: Person[] = ['member', 'coalitionMember'];
  await Promise.all(
    watchers.flatMap((c) => [
      put(who[c].c, `/api/threads/${publicThread.thread.id}/subscription`, { level: 'watching' }),
      put(who[c].c, `/api/categories/${publicCategory}/subscription`, { level: 'watching' }),
    ]),
  );
  const replyIn = async (threadId: string, state: State, n: string) => {
    const token = tokenOf('post', state, n);
    const res = await ana.post(`/api/threads/${threadId}/posts`, { body: `Reply ${token} for ${mentions}.` });
    const id = must(res, 201, `post ${state}${n}`).body.post.id as string;
    must(await ana.patch(`/api/posts/${id}`, { body: `Edited reply ${token} for ${mentions}.` }), 200, 'edit');
    return id;
  };
  const [hiddenReply, deletedReply] = await Promise.all([
    replyIn(publicThread.thread.id, 'hidden', '1'),
    replyIn(publicThread.thread.id, 'deleted', '1'),
  ]);
  const posts = [
    publicThread.post.id,
    privateThread.post.id,
    hiddenThread.post.id,
    archivedThread.post.id,
    hiddenReply,
    deletedReply,
  ];
  await Promise.all(watchers.flatMap((c) => posts.map((id) => put(who[c].c, `/api/posts/${id}/bookmark`))));

  // ---------------------------------------------------------------- the hub's kinds
  // Approved resources and stories open a discussion thread under their author's name: Fay's, so
  // Ana stays under the burst limit (only pending and rejected resources need Ana as their author).
  const resource = async (state: State, by: TestClient, over: Record<string, unknown> = {}) =>
    must(
      await by.post('/api/resources', resourceBody({ title: `Resource ${tokenOf('resource', state)}`, ...over })),
      201,
      `resource ${state}`,
    ).body.resource.id as string;
  const fay = who.facilitator.c;
  const review = async (id: string, decision: 'approve' | 'reject') =>
    must(await mod.post(`/api/resources/${id}/review`, { decision, note: '' }), 200, `review ${decision}`);
  // The deleted one is deleted while pending (an approved one's discussion thread would stay).
  const [publicResource, heldResource, hiddenResource, deletedResource] = await Promise.all([
    resource('public', fay),
    resource('held', ana),
    resource('hidden', ana),
    resource('deleted', fay),
  ]);
  await Promise.all([review(publicResource, 'approve'), review(hiddenResource, 'reject')]);
  add('resource', 'public', publicResource);
  add('resource', 'held', heldResource);
  add('resource', 'hidden', hiddenResource);

  const story = async (title: string, community: string) =>
    must(
      await fay.post('/api/stories', {
        title,
        body: 'How it went, told by the people who did it.',
        community,
        topics: ['early-childhood'],
      }),
      201,
      'story',
    ).body.story.id as string;
  // A deleted story's discussion thread stays too: the word is in its community only.
  const [publicStory, deletedStory] = await Promise.all([
    story(`Story ${tokenOf('story', 'public')}`, 'Mattapan, Boston'),
    story('A story soon deleted', tokenOf('story', 'deleted')),
  ]);
  add('story', 'public', publicStory);

  const event = must(
    await ana.post('/api/events', {
      title: `Event ${tokenOf('event', 'public')}`,
      description: 'Meet the **community**.',
      kind: 'webinar',
      startsAt: minutesFromNow(48 * 60),
      durationMinutes: 60,
      timeZone: 'America/New_York',
      onlineUrl: `https://meet.example.org/${tokenOf('event', 'members')}`,
    }),
    201,
    'event',
  ).body.event.id as string;
  add('event', 'public', event);
  // The meeting link is for members only.
  add('event', 'members', null);

  phase('hub');
  await settle(p);
  phase('settled');

  // ---------------------------------------------------------------- moderation and time change things
  // From here on, what was public a moment ago is hidden, deleted or archived: what members heard
  // before is theirs, what they hear after is checked against the new state (`since: 'change'`).
  const changedAt = Object.fromEntries(people.map((c) => [c, heard[c].length])) as Record<Person, number>;
  const hide = async (postId: string) =>
    must(await mod.post(`/api/posts/${postId}/flags`, { reason: 'harassment', note: 'Not OK.' }), 201, 'hide');
  await Promise.all([
    hide(hiddenReply),
    hide(hiddenThread.post.id),
    ana.delete(`/api/posts/${deletedReply}`).then((r) => must(r, 204, 'delete post')),
    admin.patch(`/api/categories/${archivedCategory}`, { archived: true }).then((r) => must(r, 200, 'archive')),
    mod.delete(`/api/resources/${deletedResource}`).then((r) => must(r, 204, 'delete resource')),
    fay.delete(`/api/stories/${deletedStory}`).then((r) => must(r, 204, 'delete story')),
    admin.delete(`/api/coalitions/${deletedCoalition}`).then((r) => must(r, 204, 'delete coalition')),
  ]);

  // After the change, in rooms joined before it: the author edits the hidden post and writes in
  // the hidden thread (an archived category's threads take no more posts).
  must(
    await ana.patch(`/api/posts/${hiddenReply}`, {
      body: `Edited again ${tokenOf('post', 'hidden', '1')} ${mentions}.`,
    }),
    200,
    'edit hidden',
  );
  const inHiddenThread = await replyIn(hiddenThread.thread.id, 'hidden', '2');
  phase('changes');
  await settle(p);
  phase('settled again');

  const changed = { since: 'change' as const };
  add('category', 'public', publicCategory);
  add('category', 'private', privateCategory);
  add('category', 'archived', archivedCategory, undefined, changed);
  add('thread', 'public', publicThread.thread.id);
  add('thread', 'private', privateThread.thread.id);
  add('thread', 'hidden', hiddenThread.thread.id, undefined, changed);
  add('thread', 'archived', archivedThread.thread.id, undefined, changed);
  add('post', 'public', publicThread.post.id);
  add('post', 'private', privateThread.post.id);
  add('post', 'hidden', hiddenThread.post.id, undefined, changed);
  add('post', 'hidden', hiddenReply, tokenOf('post', 'hidden', '1'), changed);
  add('post', 'hidden', inHiddenThread, tokenOf('post', 'hidden', '2'));
  add('post', 'archived', archivedThread.post.id, undefined, changed);
  add('post', 'deleted', deletedReply, tokenOf('post', 'deleted', '1'), { ...changed, tombstone: true });
  add('resource', 'deleted', deletedResource, undefined, changed);
  add('story', 'deleted', deletedStory, undefined, changed);
  add('coalition', 'deleted', deletedCoalition, undefined, changed);

  return { ...cast, fixtures, sockets, heard, changedAt, publicThread: publicThread.thread.id };
}
