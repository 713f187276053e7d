import {
  accountDeleteBodySchema,
  avatarLimits,
  avatarParamsSchema,
  type AvatarSize,
  badgesQuerySchema,
  badgesResponseSchema,
  emailChangeBodySchema,
  memberExportSchema,
  memberResponseSchema,
  objectIdSchema,
  privacyResponseSchema,
  privacySettingsSchema,
  profilePatchSchema,
  selfResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import type { SelfPresenter } from '../auth/routes.js';
import type { AuthService } from '../auth/service.js';
import { answered, routesFor } from '../http/route.js';
import { readOneFile } from '../storage/multipart.js';
import type { AvatarService } from './avatar.js';
import { coalitionBadgesFor, profilesFor, savePrivacy } from './privacy.js';
import type { MemberService } from './service.js';

export interface MemberRouteDeps {
  members: MemberService;
  avatars: AvatarService;
  auth: AuthService;
  present: SelfPresenter;
  verificationRequired: () => Promise<boolean>;
}

const route = routesFor<MemberRouteDeps>('members');

/** `/api/members/me` and `/api/members/{id}`: my profile, address, data export and account. */
export const memberRoutes = [
  route(
    {
      method: 'patch',
      path: '/api/members/me',
      summary: 'Edit my profile',
      access: 'member',
      body: profilePatchSchema,
      responses: { 200: selfResponseSchema },
      errors: [400, 401],
    },
    async ({ deps, member, body }) => ({ user: await deps.present(await deps.members.updateProfile(member, body)) }),
  ),
  // The whole set at once: the settings form always sends every choice.
  route(
    {
      method: 'put',
      path: '/api/members/me/privacy',
      summary:
        'Save my privacy settings: listed in the directory, who sees each profile field, who may mention or invite me',
      access: 'member',
      body: privacySettingsSchema,
      responses: { 200: privacyResponseSchema },
      errors: [400, 401],
    },
    async ({ member, body }) => ({ privacy: await savePrivacy(member, body) }),
  ),
  route(
    {
      method: 'post',
      path: '/api/members/me/email',
      summary: 'Change my email address (password required); the new one must be confirmed, the old one is told',
      access: 'member',
      body: emailChangeBodySchema,
      responses: { 200: selfResponseSchema },
      errors: [400, 401, 409],
    },
    async ({ deps, member, body }) => ({ user: await deps.present(await deps.auth.changeEmail(member, body)) }),
  ),
  // A download: the browser saves it as a file named for the day. Building it reads every domain: a few a day is plenty.
  route(
    {
      method: 'get',
      path: '/api/members/me/export',
      summary: 'Download my data as JSON: profile, posts, reactions, labs, action items, RSVPs, bookmarks, settings',
      access: 'member',
      limit: { name: 'member-export', points: 5, durationSeconds: 3600, by: 'member' },
      responses: { 200: memberExportSchema },
      errors: [401, 429],
    },
    async ({ deps, member, res }) => {
      const body = await deps.members.exportData(member, await deps.verificationRequired());
      const day = body.exportedAt.slice(0, 10);
      res.setHeader('Content-Disposition', `attachment; filename="commons-my-data-${day}.json"`);
      res.setHeader('Cache-Control', 'no-store');
      return body;
    },
  ),
  // The account goes, then this session: the answer clears the cookie.
  route(
    {
      method: 'delete',
      path: '/api/members/me',
      summary: 'Delete my account (password required); `deleteContent` also deletes my public posts',
      access: 'member',
      body: accountDeleteBodySchema,
      responses: { 204: null },
      errors: [400, 401],
    },
    async ({ deps, member, body, req, res }) => {
      await deps.members.deleteAccount(member, body);
      await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      res.clearCookie('commons.sid');
    },
  ),
  // Multipart like /api/uploads (the CSRF check lets it through here only, same-origin).
  route(
    {
      method: 'post',
      path: '/api/members/me/avatar',
      summary:
        'Upload my picture (multipart/form-data, field "file": PNG, JPEG, GIF or WebP, at most 8 MB; type checked by content, metadata removed, stored as square WebP at 48, 96 and 192 px)',
      access: 'member',
      limit: { name: 'avatar-upload', points: 20, durationSeconds: 3600, by: 'member' },
      responses: { 200: selfResponseSchema },
      errors: [400, 401, 413, 415, 429],
    },
    async ({ deps, member, req, res }) => {
      const file = await readOneFile(req, res, { field: 'file', maxBytes: avatarLimits.uploadMaxBytes });
      return { user: await deps.present(await deps.avatars.set(member, file.buffer)) };
    },
  ),
  route(
    {
      method: 'delete',
      path: '/api/members/me/avatar',
      summary: 'Remove my picture (coloured initials show instead)',
      access: 'member',
      responses: { 200: selfResponseSchema },
      errors: [401],
    },
    async ({ deps, member }) => ({ user: await deps.present(await deps.avatars.remove(member)) }),
  ),
  // Before the session middleware: every picture on a page asks, and none needs the caller.
  route(
    {
      method: 'get',
      path: '/api/avatars/{id}/{version}/{size}',
      summary:
        "A member's picture (image/webp), square, at 48, 96 or 192 px; the version in the path changes with every upload, so it is cached for good",
      access: 'public',
      bare: true,
      params: avatarParamsSchema,
      responses: { 200: z.any() },
      errors: [400, 404],
    },
    async ({ deps, params, res }) => {
      const { stream, size } = await deps.avatars.open(params.id, params.version, Number(params.size) as AvatarSize);
      res.setHeader('Content-Type', 'image/webp');
      res.setHeader('Content-Length', String(size));
      res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // A new picture gets a new URL and the old files are deleted, so nothing stale is kept.
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      stream.pipe(res);
      return answered;
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/members/badges',
      summary:
        "Coalition badges of these members as I may see them: each member's privacy choice applies, and a private coalition shows only to its members",
      access: 'member',
      query: badgesQuerySchema,
      responses: { 200: badgesResponseSchema },
      errors: [400, 401],
    },
    async ({ member, query }) => ({ members: await coalitionBadgesFor(member._id.toHexString(), query.ids) }),
  ),
  route(
    {
      method: 'get',
      path: '/api/members/{id}',
      summary: 'A member profile; fields the member keeps from the caller come back empty',
      access: 'member',
      params: z.object({ id: objectIdSchema }),
      responses: { 200: memberResponseSchema },
      errors: [401, 404],
    },
    async ({ deps, member, params }) => {
      const [shown] = await profilesFor(member._id.toHexString(), [await deps.members.get(params.id)]);
      return { member: shown };
    },
  ),
];
