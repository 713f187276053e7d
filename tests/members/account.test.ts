import { FORMER_MEMBER_NAME } from '@commons/shared';
import { LabIdeaModel, LabMessageModel } from '@commons/server/labs/model';
import { memberNameIn } from '@commons/server/members/names';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../webhooks/receiver.js';
import { categoryId, newThread, PASSWORD, reply, signUp, type Someone } from '../forums/support.js';
import { createLab, minutesFromNow } from '../labs/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// Members' rights: confirming the address, changing it, deleting the account.
let p: TestPlatform;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: Someone;
let category: string;

beforeAll(async () => {
  receiver = await startReceiver(() => 200);
  p = await startTestPlatform('account', {
    env: { EMAIL_VERIFICATION: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '20' },
  });
  admin = await signUp(p, 'Ada Admin', 'admin');
  await markVerified(admin);
  category = await categoryId(admin.c, 'introductions');
});
afterAll(async () => {
  await p?.close();
  await receiver?.close();
});

async function markVerified(who: Someone): Promise<void> {
  await verify(await linkFor(who.email));
}

async function linkFor(email: string): Promise<string> {
  const mail = await p.sink.waitFor(
    (m) => m.envelope.to.includes(email) && /confirm your email/i.test(m.subject),
    15_000,
  );
  const url = /https?:\/\/\S+verify-email\?token=[\w.%-]+/.exec(String(mail.text))![0];
  return decodeURIComponent(new URL(url).searchParams.get('token')!);
}

async function verify(token: string) {
  return p.client().post('/api/auth/verify-email', { token });
}

describe('email verification', () => {
  it('lets an unconfirmed member read and edit their profile but not publish, until they open the link', async () => {
    const bea = await signUp(p, 'Bea Unconfirmed');
    const me = await bea.c.get('/api/auth/me');
    expect(me.body.user).toMatchObject({ emailVerified: false, mustVerifyEmail: true });
    expect((await bea.c.patch('/api/members/me', { bio: 'Parent in Dorchester' })).status).toBe(200);
    expect((await bea.c.get('/api/threads')).status).toBe(200);

    const refused = await bea.c.post('/api/threads', { categoryId: category, title: 'Hello all', body: 'Hi there.' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('email_unverified');
    // The same gate stands before every kind of publishing (here: a story and a coalition).
    const story = await bea.c.post('/api/stories', {
      title: 'Our reading circle',
      body: 'How we started it.',
      community: 'Dorchester',
      topics: ['equity-tools'],
    });
    expect(story.body.error?.code).toBe('email_unverified');
    const coalition = await bea.c.post('/api/coalitions', { name: 'Bea coalition', joinPolicy: 'open' });
    expect(coalition.body.error?.code).toBe('email_unverified');

    // A forged or altered token changes nothing.
    const token = await linkFor(bea.email);
    expect((await verify(`${token.slice(0, -2)}xx`)).status).toBe(400);
    expect((await verify('not-a-token-at-all-but-long-enough')).status).toBe(400);
    expect((await bea.c.get('/api/auth/me')).body.user.emailVerified).toBe(false);

    // A resend mails another link; either works.
    expect((await bea.c.post('/api/auth/verify-email/resend')).status).toBe(202);
    expect((await verify(token)).status).toBe(204);
    expect((await bea.c.get('/api/auth/me')).body.user).toMatchObject({ emailVerified: true, mustVerifyEmail: false });
    expect((await bea.c.post('/api/auth/verify-email/resend')).status).toBe(409);
    await newThread(bea, category, 'Hello from Bea');
  });

  it('refuses an expired link', async () => {
    const cal = await signUp(p, 'Cal Late');
    const token = await linkFor(cal.email);
    const [payload, sig] = token.split('.');
    const claim = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { x: number };
    expect(claim.x).toBeGreaterThan(Date.now() + 47 * 3_600_000);
    // Changing the expiry breaks the signature; a link past its time is refused the same way.
    claim.x = Date.now() - 1000;
    const stale = `${Buffer.from(JSON.stringify(claim)).toString('base64url')}.${sig}`;
    expect((await verify(stale)).status).toBe(400);
  });

  it('re-verifies a changed address and tells the old one', async () => {
    const dan = await signUp(p, 'Dan Mover');
    await markVerified(dan);
    const newEmail = `dan.moved.${Date.now()}@example.org`;
    const wrong = await dan.c.post('/api/members/me/email', { email: newEmail, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    const taken = await dan.c.post('/api/members/me/email', { email: admin.email, password: PASSWORD });
    expect(taken.status).toBe(409);
    const changed = await dan.c.post('/api/members/me/email', { email: newEmail, password: PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ email: newEmail, emailVerified: false, mustVerifyEmail: true });
    const told = await p.sink.waitFor((m) => m.envelope.to.includes(dan.email) && /changed/i.test(m.subject), 15_000);
    expect(told.text).toContain(newEmail);
    const refused = await dan.c.post('/api/threads', { categoryId: category, title: 'Moved house', body: 'Hi.' });
    expect(refused.body.error?.code).toBe('email_unverified');
    expect((await verify(await linkFor(newEmail))).status).toBe(204);
    await newThread(dan, category, 'Moved house');
  });

  it('is a site setting administrators can turn off (recorded in the audit log)', async () => {
    const eve = await signUp(p, 'Eve Later');
    const body = { categoryId: category, title: 'Posting unconfirmed', body: 'Hi.' };
    expect((await eve.c.post('/api/threads', body)).status).toBe(403);
    expect((await eve.c.patch('/api/admin/site-settings', { emailVerification: false })).status).toBe(403);
    const off = await admin.c.patch('/api/admin/site-settings', { emailVerification: false });
    expect(off.body.settings).toEqual({
      emailVerification: false,
      publicFace: true,
      registrationMode: 'open',
      defaultLocale: 'en',
      limits: { postsPerMinute: 10, libraryUploadMb: 20 },
    });
    expect((await eve.c.get('/api/auth/me')).body.user.mustVerifyEmail).toBe(false);
    expect((await eve.c.post('/api/threads', body)).status).toBe(201);
    const audit = await admin.c.get('/api/moderation/audit?action=site.settings');
    expect(audit.body.entries[0]).toMatchObject({ action: 'site.settings', details: { emailVerification: false } });
    await admin.c.patch('/api/admin/site-settings', { emailVerification: true });
  });

  it('sets the default language and the limits; bad values change nothing; the limit applies at once', async () => {
    const settings = async () => (await admin.c.get('/api/admin/site-settings')).body.settings;
    const before = await settings();
    for (const bad of [
      { defaultLocale: 'fr' },
      { limits: { postsPerMinute: 0 } },
      { limits: { postsPerMinute: 2.5 } },
      { limits: { libraryUploadMb: 21 } },
      { limits: { postsPerHour: 3 } },
      { limits: { postsPerMinute: { $gt: 1 } } },
    ]) {
      const res = await admin.c.patch('/api/admin/site-settings', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await settings()).toEqual(before);

    const res = await admin.c.patch('/api/admin/site-settings', { defaultLocale: 'es', limits: { postsPerMinute: 1 } });
    expect(res.body.settings).toMatchObject({
      defaultLocale: 'es',
      limits: { postsPerMinute: 1, libraryUploadMb: 20 },
    });
    expect((await p.client().get('/api/site')).body.site).toMatchObject({ defaultLocale: 'es' });
    const audit = await admin.c.get('/api/moderation/audit?action=site.settings');
    expect(audit.body.entries[0]).toMatchObject({ details: { limits: { postsPerMinute: 1 } } });

    // A sign-up without a language takes the site's.
    const nico = p.client();
    const joined = await nico.post('/api/auth/register', {
      email: 'nico.default@example.org',
      password: PASSWORD,
      displayName: 'Nico Default',
    });
    expect(joined.body.user.locale).toBe('es');
    await admin.c.patch('/api/admin/site-settings', { defaultLocale: 'en' });
    // One post a minute now: the second is refused.
    const poster = await signUp(p, 'Lou Limited');
    await markVerified(poster);
    expect((await newThread(poster, category, 'One a minute', 'First.')).thread).toBeTruthy();
    const second = await poster.c.post('/api/threads', { categoryId: category, title: 'Too soon', body: 'Second.' });
    expect(second.status).toBe(429);
    await admin.c.patch('/api/admin/site-settings', { limits: { postsPerMinute: 10 } });
  });
});

describe("the administrators' member list", () => {
  it('searches and filters members, changes a role and resends a link, each in the audit log', async () => {
    const jo = await signUp(p, 'Jo Quillfeather');
    expect((await jo.c.get('/api/admin/members')).status).toBe(403);
    const found = await admin.c.get('/api/admin/members?q=quillfeather');
    expect(found.body.members).toEqual([
      expect.objectContaining({ id: jo.id, email: jo.email, role: 'member', emailVerified: false, sanction: null }),
    ]);
    expect((await admin.c.get('/api/admin/members?role=admin')).body.members.map((m: { id: string }) => m.id)).toEqual([
      admin.id,
    ]);

    const before = p.sink.mails().filter((m) => m.envelope.to.includes(jo.email)).length;
    expect((await admin.c.post(`/api/admin/members/${jo.id}/verification`)).status).toBe(202);
    await p.sink.waitFor(
      (m) =>
        m.envelope.to.includes(jo.email) &&
        p.sink.mails().filter((x) => x.envelope.to.includes(jo.email)).length > before,
      15_000,
    );

    const promoted = await admin.c.patch(`/api/admin/members/${jo.id}/role`, { role: 'moderator' });
    expect(promoted.body.member.role).toBe('moderator');
    expect((await jo.c.get('/api/auth/me')).body.user.role).toBe('moderator');
    expect((await admin.c.patch(`/api/admin/members/${admin.id}/role`, { role: 'member' })).status).toBe(400);
    const audit = await admin.c.get('/api/moderation/audit?action=member.role');
    expect(audit.body.entries[0]).toMatchObject({ targetId: jo.id, details: { from: 'member', to: 'moderator' } });
    const resent = await admin.c.get('/api/moderation/audit?action=member.verification_resent');
    expect(resent.body.entries[0]).toMatchObject({ targetId: jo.id });
  });
});

describe('data export', () => {
  it('downloads profile, posts, reactions, labs, action items, RSVPs, bookmarks and settings, a few times an hour', async () => {
    const ivy = await signUp(p, 'Ivy Exporter');
    await markVerified(ivy);
    const mine = await newThread(ivy, category, 'Ivy asks about respite care', 'Where do parents find respite care?');
    expect((await ivy.c.request('PUT', `/api/posts/${mine.post.id}/reactions/like`)).status).toBeLessThan(300);
    expect((await ivy.c.request('PUT', `/api/posts/${mine.post.id}/bookmark`)).status).toBeLessThan(300);
    const lab = await createLab(admin, { startsAt: minutesFromNow(60 * 24) });
    expect((await ivy.c.request('PUT', `/api/labs/${lab.id}/rsvp`, { status: 'going' })).status).toBe(200);
    const action = await admin.c.post(`/api/labs/${lab.id}/actions`, {
      title: 'Map respite providers',
      ownerId: ivy.id,
    });
    expect(action.status).toBe(201);
    const prefs = { kinds: {}, digest: { frequency: 'weekly', hour: 7 } };
    expect((await ivy.c.request('PUT', '/api/members/me/preferences', prefs)).status).toBe(200);

    const res = await ivy.c.get('/api/members/me/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="commons-my-data-\d{4}-\d{2}-\d{2}\.json"/,
    );
    const body = res.body;
    expect(body.profile).toMatchObject({ id: ivy.id, email: ivy.email, displayName: 'Ivy Exporter' });
    expect(body.data.forums.posts[0]).toMatchObject({
      threadId: mine.thread.id,
      body: 'Where do parents find respite care?',
    });
    expect(body.data.forums.reactions).toEqual([expect.objectContaining({ postId: mine.post.id, kind: 'like' })]);
    expect(body.data.forums.bookmarks).toEqual([expect.objectContaining({ postId: mine.post.id })]);
    expect(body.data.labs.participation).toEqual([expect.objectContaining({ labId: lab.id, rsvp: 'going' })]);
    expect(body.data.labs.actionItems).toEqual([expect.objectContaining({ title: 'Map respite providers' })]);
    expect(body.data.events.rsvps).toEqual([]);
    expect(JSON.stringify(body.data.notifications)).toContain('weekly');
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|argon2/);

    for (let i = 0; i < 4; i++) expect((await ivy.c.get('/api/members/me/export')).status).toBe(200);
    const limited = await ivy.c.get('/api/members/me/export');
    expect(limited.status).toBe(429);
  });
});

describe('account deletion', () => {
  it('removes the account and personal data; public posts stay under "Former member"', async () => {
    const hook = await admin.c.post('/api/webhooks', { url: `${receiver.url}/posts`, events: ['post.created'] });
    expect(hook.status).toBe(201);
    const fay = await signUp(p, 'Fay Zanzibar');
    await markVerified(fay);
    const other = await signUp(p, 'Gus Other');
    await markVerified(other);
    const mine = await newThread(fay, category, 'Quokka gardens for toddlers', 'Our quokka garden plan.');
    const notes = await reply(fay, mine.thread.id, 'More quokka notes.');
    // Someone quotes her: the quote carries her name until the account goes.
    const quoting = await reply(other, mine.thread.id, 'Quoting Fay.', { quotePostId: notes.id });
    expect(quoting.bodyHtml).toContain('Zanzibar');
    expect((await fay.c.request('PUT', `/api/posts/${mine.post.id}/bookmark`)).status).toBeLessThan(300);
    await other.c.request('PUT', `/api/members/${fay.id}/follow`);

    expect((await fay.c.request('DELETE', '/api/members/me', { password: 'wrong-password-here' })).status).toBe(401);
    const gone = await fay.c.request('DELETE', '/api/members/me', { password: PASSWORD });
    expect(gone.status).toBe(204);
    expect((await fay.c.get('/api/auth/me')).status).toBe(401);
    const again = await p.client().post('/api/auth/login', { email: fay.email, password: PASSWORD });
    expect(again.status).toBe(401);
    expect((await other.c.get(`/api/members/${fay.id}`)).status).toBe(404);
    const directory = await other.c.get('/api/members?q=Zanzibar');
    expect(JSON.stringify(directory.body)).not.toContain('Zanzibar');

    // The thread stays, shown under "Former member": in the thread, in search and in webhooks.
    const thread = await other.c.get(`/api/threads/${mine.thread.id}`);
    expect(JSON.stringify(thread.body)).not.toContain('Zanzibar');
    expect(thread.body.thread.author.displayName).toBe('Former member');
    const found = await other.c.get('/api/search?q=quokka&type=posts');
    expect(found.body.results.length).toBeGreaterThan(0);
    expect(JSON.stringify(found.body)).not.toContain('Zanzibar');
    await reply(other, mine.thread.id, 'Thanks for the quokka plan.');
    const [delivery] = await receiver.waitFor((r) => r.body.includes('Thanks for the quokka plan'));
    expect(delivery!.body).toContain('Former member');
    expect(delivery!.body).not.toContain('Zanzibar');

    // The audit log keeps the fact, not the name.
    const audit = await admin.c.get('/api/moderation/audit?action=member.deleted');
    expect(audit.body.entries[0]).toMatchObject({ targetId: fay.id, actor: { displayName: 'Former member' } });
  });

  it('lab chat and ideas lose the name with the account; each reader sees "Former member" in their language', async () => {
    const ida = await signUp(p, 'Ida Pangolin');
    const lab = await createLab(admin, { startsAt: minutesFromNow(60) });
    const labId = new Types.ObjectId(String(lab.id));
    const authorId = new Types.ObjectId(ida.id);
    // Written as the room writes them: the author's name beside the text.
    await LabMessageModel.create({ labId, seq: 1, authorId, authorName: 'Ida Pangolin', body: 'Pangolin note' });
    await LabIdeaModel.create({ labId, phaseIndex: 0, authorId, authorName: 'Ida Pangolin', text: 'Pangolin idea' });
    expect((await ida.c.request('DELETE', '/api/members/me', { password: PASSWORD })).status).toBe(204);
    const [message, idea] = await Promise.all([
      LabMessageModel.findOne({ labId }).lean(),
      LabIdeaModel.findOne({ labId }).lean(),
    ]);
    expect([message?.authorName, idea?.authorName]).toEqual([FORMER_MEMBER_NAME, FORMER_MEMBER_NAME]);
    expect(message?.body).toBe('Pangolin note');
    // One rule, server and client: the stored name reads in the reader's language.
    expect(memberNameIn('es', { displayName: FORMER_MEMBER_NAME })).toBe('Antiguo miembro');
    expect(memberNameIn('en', null)).toBe('Former member');
    expect(memberNameIn('es', { displayName: 'Ida' })).toBe('Ida');
  });

  it('deletes what they wrote too when they ask', async () => {
    const hal = await signUp(p, 'Hal Wombat');
    await markVerified(hal);
    const mine = await newThread(hal, category, 'Wombat playgroup', 'Wombat playgroup details.');
    const res = await hal.c.request('DELETE', '/api/members/me', { password: PASSWORD, deleteContent: true });
    expect(res.status).toBe(204);
    const found = await admin.c.get('/api/search?q=wombat&type=posts');
    expect(found.body.results).toEqual([]);
    const post = await admin.c.get(`/api/threads/${mine.thread.id}/posts`);
    expect(JSON.stringify(post.body)).not.toContain('Wombat playgroup details');
  });
});
