import { readFileSync } from 'node:fs';
import { allRoutes } from '@commons/server/routes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryId, newThread, put, signUp, type Someone } from '../forums/support.js';
import { resourceBody } from '../hub/support.js';
import { connectAs, createLab, minutesFromNow, type ClientSocket } from '../labs/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/*
 * Silence holds on every publishing path. Every write route the API mounts and every socket event
 * a client may send is classified here: a publishing one is tried as a silenced member and must
 * answer 403 `member_silenced`; any other needs a reason. A new route fails this file until it is
 * classified, so nobody adds a publishing path that skips assertMayPublish without noticing.
 */

let p: TestPlatform;
let sil: Someone;
let mod: Someone;
let admin: Someone;
const sockets: ClientSocket[] = [];
const ids = {} as Record<
  'category' | 'thread' | 'post' | 'lab' | 'action' | 'resource' | 'story' | 'event' | 'coalition',
  string
>;

beforeAll(async () => {
  p = await startTestPlatform('moderation-publishing', { workers: false });
  [sil, mod, admin] = await Promise.all([
    signUp(p, 'Sid Silenced'),
    signUp(p, 'Moe Mod', 'moderator'),
    signUp(p, 'Ada Admin', 'admin'),
  ]);
  ids.category = await categoryId(sil.c, 'introductions');
  const { thread, post } = await newThread(sil, ids.category, 'Before the silence', 'Written in good times.');
  ids.thread = thread.id;
  ids.post = post.id;
  const lab = await createLab(sil, { title: 'Lab before the silence', startsAt: minutesFromNow(5) });
  ids.lab = lab.id;
  const action = await sil.c.post(`/api/labs/${ids.lab}/actions`, { title: 'Print flyers' });
  expect(action.status).toBe(201);
  ids.action = action.body.action.id;
  const resource = await sil.c.post('/api/resources', resourceBody({ title: 'Toolkit before the silence' }));
  expect(resource.status).toBe(201);
  ids.resource = resource.body.resource.id;
  const story = await sil.c.post('/api/stories', storyBody());
  expect(story.status).toBe(201);
  ids.story = story.body.story.id;
  const event = await sil.c.post('/api/events', eventBody());
  expect(event.status).toBe(201);
  ids.event = event.body.event.id;
  const coalition = await sil.c.post('/api/coalitions', { name: 'Silent Hill Parents', joinPolicy: 'open' });
  expect(coalition.status).toBe(201);
  ids.coalition = coalition.body.coalition.id;
  const silenced = await mod.c.post('/api/moderation/sanctions', {
    memberId: sil.id,
    kind: 'silence',
    reason: 'Cool down for a day.',
    durationHours: 24,
  });
  expect(silenced.status).toBe(201);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const storyBody = () => ({
  title: 'How our block built a play space',
  body: 'We started with **three families** and a borrowed lot.',
  community: 'Mattapan, Boston',
  topics: ['community-engagement-leadership'],
});
const eventBody = () => ({
  title: 'Family resource fair planning',
  description: 'Bring ideas for the spring fair.',
  kind: 'meeting',
  startsAt: hours(48),
  durationMinutes: 90,
  timeZone: 'America/Chicago',
  place: 'Dudley Library, room 2',
});

type Send = () => Promise<{ status: number; body: { error?: { code: string } } }>;

/** Write routes that publish what others read: each is tried as the silenced member. */
const publishing: Record<string, Send> = {
  'post /api/threads': () => sil.c.post('/api/threads', { categoryId: ids.category, title: 'Loud', body: 'Hello' }),
  'patch /api/threads/{id}': () => sil.c.patch(`/api/threads/${ids.thread}`, { title: 'A new title for it' }),
  'post /api/threads/{id}/posts': () => sil.c.post(`/api/threads/${ids.thread}/posts`, { body: 'A reply' }),
  'patch /api/posts/{id}': () => sil.c.patch(`/api/posts/${ids.post}`, { body: 'Edited while silenced' }),
  'post /api/stories': () => sil.c.post('/api/stories', storyBody()),
  'patch /api/stories/{id}': () => sil.c.patch(`/api/stories/${ids.story}`, { title: 'Retitled while silenced' }),
  'post /api/labs': () => sil.c.post('/api/labs', { ...labBodyFrom(), title: 'A lab while silenced' }),
  'patch /api/labs/{id}': () => sil.c.patch(`/api/labs/${ids.lab}`, { title: 'Renamed while silenced' }),
  'post /api/labs/{id}/actions': () => sil.c.post(`/api/labs/${ids.lab}/actions`, { title: 'Another action' }),
  'patch /api/labs/{id}/actions/{actionId}': () =>
    sil.c.patch(`/api/labs/${ids.lab}/actions/${ids.action}`, {
      title: 'Print more flyers',
      ownerId: null,
      dueDate: null,
      status: 'open',
    }),
  'post /api/labs/{id}/outcomes': () => sil.c.post(`/api/labs/${ids.lab}/outcomes`, { title: 'We decided' }),
  'post /api/events': () => sil.c.post('/api/events', eventBody()),
  'patch /api/events/{id}': () => sil.c.patch(`/api/events/${ids.event}`, { title: 'Renamed fair planning' }),
  'post /api/resources': () => sil.c.post('/api/resources', resourceBody({ title: 'Toolkit while silenced' })),
  'patch /api/resources/{id}': () => sil.c.patch(`/api/resources/${ids.resource}`, { title: 'Retitled toolkit' }),
  'post /api/coalitions': () => sil.c.post('/api/coalitions', { name: 'Loud Parents', joinPolicy: 'open' }),
  'patch /api/coalitions/{id}': () => sil.c.patch(`/api/coalitions/${ids.coalition}`, { description: 'Loud now' }),
};
// Admin-only imports publish too; the admin is silenced by nobody here, so it is tried by rule below.
const adminOnly = new Set(['post /api/resources/import']);

/** Write routes that publish nothing others read, and why a silenced member may still use them. */
const notPublishing: Record<string, string> = {
  'post /api/auth/register': 'signing up',
  'post /api/auth/login': 'signing in (a suspension refuses it)',
  'post /api/auth/logout': 'signing out',
  'post /api/auth/password-reset': 'account recovery',
  'post /api/auth/password-reset/confirm': 'account recovery',
  'patch /api/members/me': 'own profile and preferences (moderators can sanction abuse there too)',
  'put /api/members/me/preferences': 'notification settings',
  'put /api/members/{id}/follow': 'following is private',
  'put /api/members/{id}/block': 'blocking protects the member',
  'put /api/members/{id}/mute': 'muting protects the member',
  'post /api/auth/verify-email': 'confirming the address',
  'post /api/auth/verify-email/resend': 'asking for a confirmation link',
  'post /api/members/me/email': 'own address (confirmed again before the next post)',
  'post /api/notifications/read': 'reading',
  'post /api/notifications/unsubscribe': 'unsubscribing',
  'post /api/notifications/unsubscribe/one-click': 'one-click unsubscribe',
  'post /api/threads/{id}/read': 'reading',
  'put /api/threads/{id}/subscription': 'watching',
  'put /api/categories/{id}/subscription': 'watching',
  'put /api/posts/{id}/bookmark': 'private bookmark',
  'put /api/posts/{id}/reactions/{kind}': 'a reaction carries no text',
  'post /api/posts/preview': 'preview stores nothing',
  'post /api/posts/{id}/flags': 'reporting harm must stay possible (weighted and rate limited)',
  'post /api/posts/{id}/appeal': 'appealing a decision about their own post',
  'put /api/labs/{id}/rsvp': 'attending',
  'put /api/events/{id}/rsvp': 'attending',
  'post /api/labs/{id}/cancel': 'withdrawing their own lab publishes nothing',
  'post /api/events/{id}/cancel': 'withdrawing their own event publishes nothing',
  'post /api/labs/{id}/invitations': 'invitations go to chosen members of an existing lab (rate limited)',
  'post /api/coalitions/{id}/membership': 'joining',
  'post /api/coalitions/{id}/requests/{memberId}': 'answering a join request',
  'post /api/uploads': 'an upload is private until a story or resource publishes it',
  'put /api/resources/{id}/save': 'private mark',
  'put /api/resources/{id}/useful': 'a count carries no text',
  'post /api/categories': 'administrators manage categories',
  'patch /api/categories/{id}': 'administrators manage categories',
  'patch /api/stories/{id}/featured': 'moderators curate',
  'patch /api/resources/{id}/featured': 'moderators curate',
  'post /api/resources/{id}/review': 'moderators review',
  'post /api/moderation/items/{id}/claim': 'moderators decide',
  'post /api/moderation/items/{id}/resolve': 'moderators decide',
  'post /api/moderation/items/resolve': 'moderators decide',
  'post /api/moderation/sanctions': 'moderators decide',
  'post /api/moderation/sanctions/{id}/lift': 'moderators decide',
  'post /api/webhooks': 'administrators integrate',
  'patch /api/webhooks/{id}': 'administrators integrate',
  'post /api/webhooks/{id}/test': 'administrators integrate',
  'patch /api/admin/site-settings': 'administrators configure the site',
  'patch /api/admin/members/{id}/role': 'administrators manage roles',
  'post /api/admin/members/{id}/verification': 'administrators resend a confirmation link',
  'put /api/members/me/privacy': 'privacy settings',
  'post /api/members/me/avatar': 'own picture, like the profile (moderators can sanction abuse there too)',
  'post /api/admin/members/{id}/suspension': 'an administrator suspends a member (sanctions)',
  'post /api/admin/invitations': 'an administrator invites people by mail; nothing is published',
  'post /api/admin/invitations/csv': 'an administrator invites people by mail; nothing is published',
  'post /api/admin/invitations/{id}/withdrawal': 'an administrator withdraws an invitation; nothing is published',
  'post /api/admin/invitations/{id}/resend': 'an administrator sends an invitation again; nothing is published',
  'post /api/admin/sign-ups/{id}/approval': 'an administrator approves a sign-up (an account, like signing up)',
  'post /api/invitations/preview': 'reading an invitation before accepting it',
  'post /api/invitations/accept': 'creating an account from an invitation (signing up)',
};

/** Socket events a client may send that publish: tried in the lab room. */
const publishingEvents = ['lab:message:send', 'lab:idea:add'];
/** Socket events that carry no text of the member's: presence, rooms, votes, a facilitator's controls. */
const notPublishingEvents = new Set(
  [
    'session:ping',
    'thread:join thread:leave thread:typing category:join category:leave forum:join forum:leave',
    'lab:join lab:leave lab:messages:since lab:start lab:phase:advance lab:phase:extend lab:chat:set lab:end',
    'lab:hand:raise lab:hand:lower lab:hand:next lab:quiet lab:idea:dot lab:consensus:vote lab:spotlight',
    'lab:board:set lab:mute lab:remove lab:handoff lab:consensus:set lab:idea:merge lab:idea:group',
  ].flatMap((line) => line.split(' ')),
);

function labBodyFrom() {
  return {
    title: 'Lab',
    purpose: 'Agree on three actions to make walking to school safer for children.',
    startsAt: minutesFromNow(48 * 60),
    durationMinutes: 60,
    visibility: 'public',
    facilitatorIds: [],
    agenda: [{ title: 'Talk', minutes: 60, kind: 'discuss' }],
  };
}

describe('silence on every publishing path', () => {
  it('classifies every write route the API mounts', () => {
    const writes = allRoutes
      .filter((r) => ['post', 'put', 'patch'].includes(r.method))
      .map((r) => `${r.method} ${r.path}`);
    const unclassified = writes.filter((w) => !(w in publishing) && !(w in notPublishing) && !adminOnly.has(w));
    expect(unclassified, 'classify these routes in tests/moderation/publishing.test.ts').toEqual([]);
    const stale = [...Object.keys(publishing), ...Object.keys(notPublishing)].filter((r) => !writes.includes(r));
    expect(stale, 'routes classified here that the API no longer mounts').toEqual([]);
  });

  it('refuses each publishing route to a silenced member with member_silenced, writing nothing', async () => {
    const answers: Record<string, string> = {};
    for (const [route, send] of Object.entries(publishing)) {
      const res = await send();
      answers[route] = `${res.status} ${res.body.error?.code ?? ''}`.trim();
    }
    const expected = Object.fromEntries(Object.keys(publishing).map((r) => [r, '403 member_silenced']));
    expect(answers).toEqual(expected);
    const thread = await mod.c.get(`/api/threads/${ids.thread}`);
    expect(thread.body.thread.title).toBe('Before the silence');
    expect(thread.body.posts).toHaveLength(1);
  });

  it('refuses lab chat and ideas over the socket', async () => {
    const socket = await connectAs(p, sil, sockets);
    const joined = await socket.emitWithAck('lab:join', { labId: ids.lab });
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
    const sent = await socket.emitWithAck('lab:message:send', { labId: ids.lab, body: 'Loud in the lab' });
    const idea = await socket.emitWithAck('lab:idea:add', { labId: ids.lab, text: 'A loud idea' });
    const codes = [sent, idea].map((r) => (r.ok ? 'ok' : r.error.code));
    expect(Object.fromEntries(publishingEvents.map((e, i) => [e, codes[i]]))).toEqual({
      'lab:message:send': 'member_silenced',
      'lab:idea:add': 'member_silenced',
    });
  });

  it('classifies every socket event a client may send', () => {
    const source = readFileSync(new URL('../../shared/src/events.ts', import.meta.url), 'utf8');
    const clientEvents = source.slice(source.indexOf('export interface ClientToServerEvents'));
    const names = [...clientEvents.slice(0, clientEvents.indexOf('\n}')).matchAll(/^\s+'([a-z]+(?::[a-z]+)+)':/gm)].map(
      (m) => m[1]!,
    );
    const unclassified = names.filter((n) => !publishingEvents.includes(n) && !notPublishingEvents.has(n));
    expect(unclassified, 'classify these socket events in tests/moderation/publishing.test.ts').toEqual([]);
  });

  it('lets the silenced member still read, react and report', async () => {
    expect((await sil.c.get(`/api/threads/${ids.thread}`)).status).toBe(200);
    const other = await signUp(p, 'Olu Other');
    const { post } = await newThread(other, ids.category, 'Another thread', 'Someone else wrote this.');
    expect((await put(sil.c, `/api/posts/${post.id}/reactions/like`)).status).toBe(200);
    expect((await sil.c.post(`/api/posts/${post.id}/flags`, { reason: 'spam' })).status).toBe(201);
  });

  it('lets the same member publish again once the silence is lifted', async () => {
    const mine = await mod.c.get(`/api/moderation/members/${sil.id}`);
    const active = mine.body.sanctions.find((s: { active: boolean }) => s.active);
    expect(
      (await admin.c.post(`/api/moderation/sanctions/${active.id}/lift`, { reason: 'Talked it over.' })).status,
    ).toBe(200);
    expect((await sil.c.post('/api/stories', storyBody())).status).toBe(201);
  });
});
