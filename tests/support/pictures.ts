import sharp from 'sharp';
import { expect } from 'vitest';
import type { Someone } from '../forums/support.js';
import { sendFile } from '../hub/support.js';

/** A small portrait-like PNG made here: a coloured background with a lighter "face" circle. */
export async function portrait(background: string, face = '#f3d2b3'): Promise<Buffer> {
  const circle = Buffer.from(
    `<svg width="240" height="240"><circle cx="120" cy="100" r="56" fill="${face}"/><rect x="40" y="170" width="160" height="90" rx="60" fill="${face}"/></svg>`,
  );
  return sharp({ create: { width: 240, height: 240, channels: 3, background } })
    .composite([{ input: circle }])
    .png()
    .toBuffer();
}

/** Gives a member a picture through the API (as the profile page does); returns its base path. */
export async function givePicture(who: Someone, background: string): Promise<string> {
  const res = await sendFile(who.c, '/api/members/me/avatar', {
    data: await portrait(background),
    name: 'me.png',
    type: 'image/png',
  });
  expect(res.status).toBe(200);
  return res.body.user.avatar as string;
}
