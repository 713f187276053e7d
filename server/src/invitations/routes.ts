import {
  invitationAcceptBodySchema,
  invitationCreateBodySchema,
  invitationCsvBodySchema,
  invitationListResponseSchema,
  invitationPreviewResponseSchema,
  invitationResponseSchema,
  objectIdSchema,
  selfResponseSchema,
  verifyEmailBodySchema,
} from '@commons/shared';
import { z } from 'zod';
import { logIn, type SelfPresenter } from '../auth/routes.js';
import { routesFor } from '../http/route.js';
import type { MemberDoc } from '../members/reads.js';
import type { InvitationService } from './service.js';

export interface InvitationRouteDeps {
  invitations: InvitationService;
  present: SelfPresenter;
}

const admin = routesFor<InvitationRouteDeps>('admin');
const invited = routesFor<InvitationRouteDeps>('auth');
const actor = (me: MemberDoc) => ({ id: me._id.toHexString(), role: me.role });
const byId = z.object({ id: objectIdSchema });

/**
 * `/api/admin/invitations` (administrators: list, invite one, invite from a CSV file) and
 * `/api/invitations` (the invited person: see the invitation, accept it and be signed in).
 */
export const invitationRoutes = [
  admin(
    {
      method: 'get',
      path: '/api/admin/invitations',
      summary: 'Invitations, newest first (pending, accepted or expired)',
      access: 'admin',
      responses: { 200: invitationListResponseSchema },
      errors: [401, 403],
    },
    async ({ deps, member }) => ({ invitations: await deps.invitations.list(actor(member)) }),
  ),
  admin(
    {
      method: 'post',
      path: '/api/admin/invitations',
      summary: 'Invite one person by email; the mail goes out in their language (recorded in the audit log)',
      access: 'admin',
      body: invitationCreateBodySchema,
      responses: { 201: invitationResponseSchema },
      errors: [400, 401, 403, 409],
    },
    async ({ deps, member, body }) => ({ invitation: await deps.invitations.create(actor(member), body) }),
  ),
  admin(
    {
      method: 'post',
      path: '/api/admin/invitations/csv',
      summary: 'Invite everyone in a CSV text (name,email[,language]); one bad line invites nobody',
      access: 'admin',
      body: invitationCsvBodySchema,
      responses: { 201: invitationListResponseSchema },
      errors: [400, 401, 403],
    },
    async ({ deps, member, body }) => ({ invitations: await deps.invitations.createFromCsv(actor(member), body) }),
  ),
  admin(
    {
      method: 'post',
      path: '/api/admin/invitations/{id}/withdrawal',
      summary: 'Withdraw an invitation not yet accepted: its link stops working (recorded in the audit log)',
      access: 'admin',
      params: byId,
      responses: { 200: invitationResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps, member, params }) => ({ invitation: await deps.invitations.withdraw(actor(member), params.id) }),
  ),
  admin(
    {
      method: 'post',
      path: '/api/admin/invitations/{id}/resend',
      summary: 'Send an invitation again with a new link; the old link stops working (recorded in the audit log)',
      access: 'admin',
      params: byId,
      responses: { 201: invitationResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps, member, params }) => ({ invitation: await deps.invitations.resend(actor(member), params.id) }),
  ),
  // The token travels in the body, as confirmation tokens do (verifyEmailBodySchema: { token }).
  invited(
    {
      method: 'post',
      path: '/api/invitations/preview',
      summary: 'What an invitation link is for (name, address, expiry); 400 when unknown, used or expired',
      access: 'public',
      body: verifyEmailBodySchema,
      responses: { 200: invitationPreviewResponseSchema },
      errors: [400, 403],
    },
    async ({ deps, body }) => ({ invitation: await deps.invitations.preview(body.token) }),
  ),
  invited(
    {
      method: 'post',
      path: '/api/invitations/accept',
      summary: 'Accept an invitation: creates the account (address confirmed) and signs in',
      access: 'public',
      body: invitationAcceptBodySchema,
      limit: { name: 'invitation-accept', points: 20, durationSeconds: 3600, by: 'ip' },
      responses: { 201: selfResponseSchema },
      errors: [400, 403, 409, 429],
    },
    async ({ deps, body, req }) => {
      const member = await deps.invitations.accept(body);
      await logIn(req, member);
      return { user: await deps.present(member) };
    },
  ),
];
