import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFile } from '../hub/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import type { TestClient } from '../support/http.js';

let p: TestPlatform;
let ana: TestClient;
let anaId: string;
let uploadDir: string;
beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(tmpdir(), 'commons-avatars-'));
  p = await startTestPlatform('members', { workers: false, env: { UPLOAD_DIR: uploadDir } });
  ana = p.client();
  const res = await ana.post('/api/auth/register', {
    email: 'ana@example.org',
    password: 'maple-lantern-harbor-41',
    displayName: 'Ana',
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  anaId = res.body.user.id;
});
afterAll(async () => {
  await p?.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

describe('profiles', () => {
  it('lets a member edit their profile and shows it to others without the email', async () => {
    const patch = {
      displayName: 'Ana López',
      bio: 'Parent leader in Mattapan.',
      communityRole: 'parent',
      organisation: 'Mattapan Family Network',
      community: 'Mattapan, Boston',
      interests: ['early childhood', 'data & storytelling'],
      locale: 'es',
      timeZone: 'America/New_York',
    };
    const res = await ana.patch('/api/members/me', patch);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject(patch);

    const ben = p.client();
    await ben.post('/api/auth/register', {
      email: 'ben@example.org',
      password: 'maple-lantern-harbor-42',
      displayName: 'Ben',
    });
    const seen = await ben.get(`/api/members/${anaId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.member).toMatchObject({
      id: anaId,
      displayName: 'Ana López',
      communityRole: 'parent',
      community: 'Mattapan, Boston',
    });
    expect(seen.body.member.email).toBeUndefined();
  });

  it('refuses unknown fields, a bad community role, a bad time zone and a role change', async () => {
    for (const body of [
      { role: 'admin' },
      { communityRole: 'mayor' },
      { timeZone: 'Mars/Olympus' },
      { interests: 'x' },
    ]) {
      const res = await ana.patch('/api/members/me', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const me = await ana.get('/api/auth/me');
    expect(me.body.user.role).toBe('member');
  });

  it('needs a session, and answers 404 for unknown or malformed ids', async () => {
    expect((await p.client().patch('/api/members/me', { bio: 'x' })).status).toBe(401);
    expect((await p.client().get(`/api/members/${anaId}`)).status).toBe(401);
    expect((await ana.get('/api/members/000000000000000000000000')).status).toBe(404);
    expect((await ana.get('/api/members/not-an-id')).status).toBe(404);
  });
});

describe('operator role command', () => {
  it('promotes a member by email through the member service', async () => {
    const { setRole } = await import('@commons/server/members/cli');
    const out = await setRole(p.runtime, 'ana@example.org', 'moderator');
    expect(out).toMatch(/moderator/);
    const me = await ana.get('/api/auth/me');
    expect(me.body.user.role).toBe('moderator');
    await expect(setRole(p.runtime, 'nobody@example.org', 'admin')).rejects.toThrow(/No member/);
  });
});

describe('pictures', () => {
  /** A real photo-like JPEG, wider than tall, carrying EXIF (camera, place) the server must drop. */
  const photo = () =>
    sharp({ create: { width: 640, height: 400, channels: 3, background: '#2a7ab0' } })
      .composite([
        { input: { create: { width: 200, height: 400, channels: 3, background: '#f2c14e' } }, left: 220, top: 0 },
      ])
      .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Secret Camera', Copyright: 'Ana at home' } })
      .jpeg()
      .toBuffer();
  const png = () =>
    sharp({ create: { width: 120, height: 300, channels: 4, background: { r: 20, g: 120, b: 60, alpha: 0.5 } } })
      .png()
      .toBuffer();
  const upload = (c: TestClient, data: Buffer, name: string, type: string, headers: Record<string, string> = {}) =>
    sendFile(c, '/api/members/me/avatar', { data, name, type }, headers);

  it('takes a JPEG, keeps no metadata, and serves square WebP sizes with long cache headers', async () => {
    const original = await photo();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const res = await upload(ana, original, 'me.jpg', 'image/jpeg');
    expect(res.status).toBe(200);
    const base: string = res.body.user.avatar;
    expect(base).toMatch(new RegExp(`^/api/avatars/${anaId}/[0-9a-f]{16}$`));
    for (const size of [48, 96, 192]) {
      const got = await fetch(`${p.url}${base}/${size}`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/webp');
      expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      const meta = await sharp(Buffer.from(await got.arrayBuffer())).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
        format: 'webp',
        width: size,
        height: size,
      });
      expect(meta.exif).toBeUndefined();
      expect(meta.icc).toBeUndefined();
    }
    // The stored files hold none of the original's bytes or words.
    const stored = await fetch(`${p.url}${base}/192`).then(async (r) => Buffer.from(await r.arrayBuffer()));
    expect(stored.includes('Secret Camera')).toBe(false);
    // Others see it on the profile; a visitor may load the picture (it shows beside public posts).
    const ben = p.client();
    await ben.post('/api/auth/register', {
      email: 'ben2@example.org',
      password: 'maple-lantern-harbor-43',
      displayName: 'Ben Two',
    });
    expect((await ben.get(`/api/members/${anaId}`)).body.member.avatar).toBe(base);
    expect((await fetch(`${p.url}${base}/96`)).status).toBe(200);
  });

  it('replaces it with a PNG (the old files go), and removes it (initials again)', async () => {
    const before: string = (await ana.get('/api/auth/me')).body.user.avatar;
    const res = await upload(ana, await png(), 'tall.png', 'image/png');
    expect(res.status).toBe(200);
    const after: string = res.body.user.avatar;
    expect(after).not.toBe(before);
    expect((await fetch(`${p.url}${before}/96`)).status).toBe(404);
    const meta = await sharp(Buffer.from(await (await fetch(`${p.url}${after}/96`)).arrayBuffer())).metadata();
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([96, 96, true]);

    const removed = await ana.delete('/api/members/me/avatar');
    expect(removed.status).toBe(200);
    expect(removed.body.user.avatar).toBeNull();
    expect((await fetch(`${p.url}${after}/96`)).status).toBe(404);
    expect((await ana.get(`/api/members/${anaId}`)).body.member.avatar).toBeNull();
  });

  it('refuses what is not a picture with a 4xx and changes nothing', async () => {
    await upload(ana, await png(), 'keep.png', 'image/png');
    const kept: string = (await ana.get('/api/auth/me')).body.user.avatar;
    const refusals: Array<[Buffer, string, string, number]> = [
      [Buffer.from('just some words, not a picture'), 'me.png', 'image/png', 415],
      [
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        'a.svg',
        'image/svg+xml',
        415,
      ],
      [Buffer.from('%PDF-1.4 a document'), 'cv.pdf', 'application/pdf', 415],
      // A PNG signature followed by nothing a decoder can read.
      [
        Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]),
        'broken.png',
        'image/png',
        415,
      ],
      [Buffer.alloc(9 * 1024 * 1024, 1), 'huge.jpg', 'image/jpeg', 413],
    ];
    for (const [data, name, type, status] of refusals) {
      const res = await upload(ana, data, name, type);
      expect(res.status, name).toBe(status);
      expect(res.body.error.code, name).toMatch(/unsupported_media_type|payload_too_large/);
    }
    expect((await upload(ana, await png(), 'x.png', 'image/png', { origin: 'https://evil.example' })).status).toBe(403);
    expect(
      (await sendFile(p.client(), '/api/members/me/avatar', { data: await png(), name: 'x.png', type: 'image/png' }))
        .status,
    ).toBe(401);
    expect((await ana.get('/api/auth/me')).body.user.avatar).toBe(kept);
    // Sizes and versions that were never made are not found; malformed ones are refused.
    expect((await fetch(`${p.url}${kept}/64`)).status).toBe(400);
    expect((await fetch(`${p.url}/api/avatars/${anaId}/0000000000000000/96`)).status).toBe(404);
    expect((await fetch(`${p.url}/api/avatars/${anaId}/..%2f..%2fetc/96`)).status).toBe(400);
  });

  it('goes with the account', async () => {
    const kept: string = (await ana.get('/api/auth/me')).body.user.avatar;
    expect((await fetch(`${p.url}${kept}/48`)).status).toBe(200);
    const gone = await ana.request('DELETE', '/api/members/me', { password: 'maple-lantern-harbor-41' });
    expect(gone.status).toBe(204);
    for (const size of [48, 96, 192]) expect((await fetch(`${p.url}${kept}/${size}`)).status).toBe(404);
  });
});
