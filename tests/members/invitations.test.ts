import { InvitationModel } from '@commons/server/invitations/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// Registration modes and invitations by email, from the administrators' console.
let p: TestPlatform;
let admin: Someone;
let member: Someone;
const PASSWORD = 'willow-candle-river-82';

beforeAll(async () => {
  p = await startTestPlatform('invitations');
  admin = await signUp(p, 'Ada Admin', 'admin');
  member = await signUp(p, 'Mo Member');
});
afterAll(async () => {
  await p?.close();
});

async function setMode(registrationMode: string) {
  return admin.c.patch('/api/admin/site-settings', { registrationMode });
}

/** The token of the invitation mailed to `email`, and the mail. */
async function invitationMail(email: string) {
  const mail = await p.sink.waitFor((m) => m.envelope.to.includes(email), 15_000);
  const url = /https?:\/\/\S+\/invitations\/accept\?token=[\w.%-]+/.exec(String(mail.text))![0];
  return { mail, token: decodeURIComponent(new URL(url).searchParams.get('token')!) };
}

const register = (email: string) =>
  p.client().post('/api/auth/register', { email, password: PASSWORD, displayName: 'New Person' });

describe('registration modes', () => {
  it('open by default; by invitation refuses sign-ups; closed refuses invitations too', async () => {
    expect((await admin.c.get('/api/admin/site-settings')).body.settings.registrationMode).toBe('open');
    expect((await setMode('sometimes')).status).toBe(400);
    expect((await member.c.patch('/api/admin/site-settings', { registrationMode: 'closed' })).status).toBe(403);

    expect((await setMode('invitation')).status).toBe(200);
    const refused = await register(`walk-in-${Date.now()}@example.org`);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'registration_closed',
      details: { registrationMode: 'invitation' },
    });

    expect((await setMode('closed')).status).toBe(200);
    const invite = await admin.c.post('/api/admin/invitations', {
      name: 'Closed Out',
      email: 'closed@example.org',
      locale: 'en',
    });
    expect(invite.status).toBe(403);
    expect(invite.body.error.code).toBe('registration_closed');
    expect((await admin.c.get('/api/admin/invitations')).body.invitations).toEqual([]);
    const audit = await admin.c.get('/api/moderation/audit?action=site.settings');
    expect(audit.body.entries[0]).toMatchObject({ details: { registrationMode: 'closed' } });
    await setMode('invitation');
  });
});

describe('invitations', () => {
  it('mails one invitation in the person’s language; accepting creates a confirmed account, once', async () => {
    expect(
      (await member.c.post('/api/admin/invitations', { name: 'Eve', email: 'eve@example.org', locale: 'en' })).status,
    ).toBe(403);
    const res = await admin.c.post('/api/admin/invitations', {
      name: 'Lucía Paredes',
      email: 'Lucia.Paredes@example.org',
      locale: 'es',
    });
    expect(res.status).toBe(201);
    expect(res.body.invitation).toMatchObject({ email: 'lucia.paredes@example.org', status: 'pending', locale: 'es' });
    const { mail, token } = await invitationMail('lucia.paredes@example.org');
    expect(mail.subject).toMatch(/Le invitan a unirse/);
    expect(String(mail.text)).toContain('Ada Admin');

    const preview = await p.client().post('/api/invitations/preview', { token });
    expect(preview.body.invitation).toMatchObject({ name: 'Lucía Paredes', email: 'lucia.paredes@example.org' });

    // A weak password changes nothing: the invitation still works afterwards.
    const lucia = p.client();
    const weak = await lucia.post('/api/invitations/accept', { token, displayName: 'Lucía', password: 'password' });
    expect(weak.status).toBe(400);
    const accepted = await lucia.post('/api/invitations/accept', {
      token,
      displayName: 'Lucía P.',
      password: PASSWORD,
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({
      email: 'lucia.paredes@example.org',
      displayName: 'Lucía P.',
      locale: 'es',
      emailVerified: true,
    });
    expect((await lucia.get('/api/auth/me')).status).toBe(200);

    const again = await p
      .client()
      .post('/api/invitations/accept', { token, displayName: 'Intruder', password: PASSWORD });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_token');
    const list = await admin.c.get('/api/admin/invitations');
    expect(list.body.invitations[0]).toMatchObject({ email: 'lucia.paredes@example.org', status: 'accepted' });
    const audit = await admin.c.get('/api/moderation/audit?action=invitation.create');
    expect(audit.body.entries[0]).toMatchObject({
      actor: { id: admin.id },
      details: { email: 'lucia.paredes@example.org' },
    });
    // Someone who is already a member is not invited again.
    const dup = await admin.c.post('/api/admin/invitations', {
      name: 'Lucía',
      email: 'lucia.paredes@example.org',
      locale: 'es',
    });
    expect(dup.status).toBe(409);
  });

  it('refuses a link that expired or was forged', async () => {
    const res = await admin.c.post('/api/admin/invitations', {
      name: 'Tom Late',
      email: 'tom.late@example.org',
      locale: 'en',
    });
    const { token } = await invitationMail('tom.late@example.org');
    await InvitationModel.updateOne(
      { _id: res.body.invitation.id },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    expect((await p.client().post('/api/invitations/preview', { token })).status).toBe(400);
    const late = await p.client().post('/api/invitations/accept', { token, displayName: 'Tom', password: PASSWORD });
    expect(late.body.error.code).toBe('invalid_token');
    expect((await register('tom.late@example.org')).status).toBe(403);
    const forged = `${token.slice(0, -3)}abc`;
    expect((await p.client().post('/api/invitations/preview', { token: forged })).status).toBe(400);
    expect((await admin.c.get('/api/admin/invitations')).body.invitations[0]).toMatchObject({ status: 'expired' });
  });

  it('invites everyone of a CSV file, each in their language, or nobody when a line is bad', async () => {
    const before = (await admin.c.get('/api/admin/invitations')).body.invitations.length;
    const bad = await admin.c.post('/api/admin/invitations/csv', {
      locale: 'en',
      csv: `name,email,language\nRae Good,rae@example.org,en\nNo Email,,en\nSam Dup,rae@example.org\nZed,zed@example.org,fr\nMo,${member.email}\n`,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.lines.map((l: { line: number }) => l.line)).toEqual([3, 4, 5, 6]);
    expect((await admin.c.get('/api/admin/invitations')).body.invitations).toHaveLength(before);

    const good = await admin.c.post('/api/admin/invitations/csv', {
      locale: 'en',
      csv: 'Rae Good,rae@example.org\n"Núñez, Inés",ines@example.org,es\n',
    });
    expect(good.status).toBe(201);
    expect(good.body.invitations.map((i: { name: string; locale: string }) => [i.name, i.locale])).toEqual([
      ['Rae Good', 'en'],
      ['Núñez, Inés', 'es'],
    ]);
    expect((await invitationMail('rae@example.org')).mail.subject).toMatch(/You are invited/);
    expect((await invitationMail('ines@example.org')).mail.subject).toMatch(/Le invitan/);
  });
});

describe('invitations withdrawn or sent again', () => {
  it('a withdrawn invitation’s link says so; a resent one has a new link and the old one stops', async () => {
    await setMode('invitation');
    const first = await admin.c.post('/api/admin/invitations', {
      name: 'Wren Gone',
      email: 'wren@example.org',
      locale: 'en',
    });
    const { token: wrenToken } = await invitationMail('wren@example.org');
    // Only administrators, only real ids; nothing changes on a refusal.
    expect((await member.c.post(`/api/admin/invitations/${first.body.invitation.id}/withdrawal`)).status).toBe(403);
    expect((await admin.c.post('/api/admin/invitations/not-an-id/withdrawal')).status).toBe(404);
    expect((await admin.c.post(`/api/admin/invitations/${'0'.repeat(24)}/resend`)).status).toBe(404);
    expect((await p.client().post('/api/invitations/preview', { token: wrenToken })).status).toBe(200);

    const withdrawn = await admin.c.post(`/api/admin/invitations/${first.body.invitation.id}/withdrawal`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.invitation.status).toBe('withdrawn');
    expect((await admin.c.post(`/api/admin/invitations/${first.body.invitation.id}/withdrawal`)).status).toBe(409);
    const preview = await p.client().post('/api/invitations/preview', { token: wrenToken });
    expect(preview.status).toBe(400);
    expect(preview.body.error.code).toBe('invitation_withdrawn');
    const accept = await p
      .client()
      .post('/api/invitations/accept', { token: wrenToken, displayName: 'Wren', password: PASSWORD });
    expect(accept.body.error.code).toBe('invitation_withdrawn');

    const second = await admin.c.post('/api/admin/invitations', {
      name: 'Olu Again',
      email: 'olu@example.org',
      locale: 'es',
    });
    const { token: oldToken } = await invitationMail('olu@example.org');
    const resent = await admin.c.post(`/api/admin/invitations/${second.body.invitation.id}/resend`);
    expect(resent.status).toBe(201);
    expect(resent.body.invitation).toMatchObject({ email: 'olu@example.org', locale: 'es', status: 'pending' });
    expect(resent.body.invitation.id).not.toBe(second.body.invitation.id);
    const newMail = await p.sink.waitFor(
      (m) => m.envelope.to.includes('olu@example.org') && !String(m.text).includes(encodeURIComponent(oldToken)),
      15_000,
    );
    const newToken = decodeURIComponent(/token=([\w.%-]+)/.exec(String(newMail.text))![1]!);
    expect(newToken).not.toBe(oldToken);
    expect((await p.client().post('/api/invitations/preview', { token: oldToken })).body.error.code).toBe(
      'invitation_withdrawn',
    );
    // The list shows one row per person: the newest.
    const listed = (await admin.c.get('/api/admin/invitations')).body.invitations as { email: string; id: string }[];
    expect(listed.filter((i) => i.email === 'olu@example.org').map((i) => i.id)).toEqual([resent.body.invitation.id]);
    const olu = await p
      .client()
      .post('/api/invitations/accept', { token: newToken, displayName: 'Olu', password: PASSWORD });
    expect(olu.status).toBe(201);
    expect((await admin.c.post(`/api/admin/invitations/${resent.body.invitation.id}/withdrawal`)).status).toBe(409);

    const actions = async (action: string) =>
      (await admin.c.get(`/api/moderation/audit?action=${action}`)).body.entries as {
        targetId: string;
        details: Record<string, unknown>;
      }[];
    expect((await actions('invitation.withdraw'))[0]).toMatchObject({ targetId: first.body.invitation.id });
    expect((await actions('invitation.resend'))[0]).toMatchObject({
      targetId: resent.body.invitation.id,
      details: { replaces: second.body.invitation.id },
    });
  });
});

describe('joining by approval', () => {
  it('a sign-up waits, cannot sign in, is listed for administrators and approved; the person is mailed', async () => {
    expect((await setMode('approval')).status).toBe(200);
    const site = await p.client().get('/api/site');
    expect(site.body.site).toMatchObject({ registrationMode: 'approval' });
    const asked = await p.client().post('/api/auth/register', {
      email: 'Pat.Wait@example.org',
      password: PASSWORD,
      displayName: 'Pat Wait',
      locale: 'es',
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ pending: true });
    const waiting = await p.sink.waitFor((m) => m.envelope.to.includes('pat.wait@example.org'), 15_000);
    expect(waiting.subject).toMatch(/espera aprobación/);
    // The same address again: taken while it waits.
    expect((await register('pat.wait@example.org')).status).toBe(409);

    // Not a member: no sign-in (a clear code for the right password only), no directory, no mention.
    const wrong = await p
      .client()
      .post('/api/auth/login', { email: 'pat.wait@example.org', password: 'not-the-password-1' });
    expect(wrong.status).toBe(401);
    const early = await p.client().post('/api/auth/login', { email: 'pat.wait@example.org', password: PASSWORD });
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe('registration_pending');
    expect((await member.c.get('/api/members?q=pat')).body.members).toEqual([]);

    expect((await member.c.get('/api/admin/sign-ups')).status).toBe(403);
    const list = await admin.c.get('/api/admin/sign-ups');
    const pat = (list.body.signUps as { id: string; email: string; locale: string }[]).find(
      (s) => s.email === 'pat.wait@example.org',
    )!;
    expect(pat).toMatchObject({ locale: 'es' });
    expect((await member.c.post(`/api/admin/sign-ups/${pat.id}/approval`)).status).toBe(403);
    expect((await admin.c.post('/api/admin/sign-ups/nope/approval')).status).toBe(404);
    expect((await admin.c.post(`/api/admin/sign-ups/${'0'.repeat(24)}/approval`)).status).toBe(404);

    const approved = await admin.c.post(`/api/admin/sign-ups/${pat.id}/approval`);
    expect(approved.status).toBe(200);
    expect(approved.body.member).toMatchObject({ id: pat.id, email: 'pat.wait@example.org', emailVerified: false });
    const welcome = await p.sink.waitFor(
      (m) => m.envelope.to.includes('pat.wait@example.org') && /aprobó su registro/.test(String(m.text)),
      15_000,
    );
    expect(welcome.subject).toMatch(/Bienvenida/);
    const signedIn = await p.client().post('/api/auth/login', { email: 'pat.wait@example.org', password: PASSWORD });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ id: pat.id, locale: 'es' });
    expect((await admin.c.get('/api/admin/sign-ups')).body.signUps).toEqual([]);
    expect((await admin.c.post(`/api/admin/sign-ups/${pat.id}/approval`)).status).toBe(404);
    const audit = await admin.c.get('/api/moderation/audit?action=member.approved');
    expect(audit.body.entries[0]).toMatchObject({ actor: { id: admin.id }, targetId: pat.id });
  });

  it('declining deletes the sign-up; nothing of it stays but the audit entry', async () => {
    await setMode('approval');
    await p
      .client()
      .post('/api/auth/register', { email: 'dee@example.org', password: PASSWORD, displayName: 'Dee Clined' });
    const dee = ((await admin.c.get('/api/admin/sign-ups')).body.signUps as { id: string; email: string }[]).find(
      (s) => s.email === 'dee@example.org',
    )!;
    expect((await member.c.delete(`/api/admin/sign-ups/${dee.id}`)).status).toBe(403);
    expect((await admin.c.delete(`/api/admin/sign-ups/${dee.id}`)).status).toBe(204);
    expect((await admin.c.delete(`/api/admin/sign-ups/${dee.id}`)).status).toBe(404);
    const after = await p.client().post('/api/auth/login', { email: 'dee@example.org', password: PASSWORD });
    expect(after.status).toBe(401);
    const audit = await admin.c.get('/api/moderation/audit?action=member.declined');
    expect(audit.body.entries[0]).toMatchObject({ targetId: dee.id, details: {} });
    expect(JSON.stringify(audit.body.entries[0])).not.toContain('dee@example.org');
    // The address may sign up again.
    expect((await register('dee@example.org')).status).toBe(202);
    await setMode('invitation');
  });
});
