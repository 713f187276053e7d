import {
  adminMemberListResponseSchema,
  adminMemberQuerySchema,
  adminMemberResponseSchema,
  adminRoleBodySchema,
  adminSuspendBodySchema,
  adminUnsuspendBodySchema,
  objectIdSchema,
  pendingSignUpListResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import { routesFor } from '../http/route.js';
import type { MemberDoc } from './model.js';
import type { MemberAdmin } from './admin.js';

const route = routesFor<{ admin: MemberAdmin }>('admin');
const byId = z.object({ id: objectIdSchema });
const actor = (me: MemberDoc) => ({ id: me._id.toHexString(), role: me.role, createdAt: me.createdAt });

/** `/api/admin/members`: the administrators' member list (the service checks the role too). */
export const memberAdminRoutes = [
  route(
    {
      method: 'get',
      path: '/api/admin/members',
      summary: 'Members for administrators: search by name or address, filter by role, trust level, sanction',
      access: 'admin',
      query: adminMemberQuerySchema,
      responses: { 200: adminMemberListResponseSchema },
      errors: [400, 401, 403],
    },
    async ({ deps, member, query }) => ({ members: await deps.admin.list(actor(member), query) }),
  ),
  route(
    {
      method: 'get',
      path: '/api/admin/sign-ups',
      summary: 'Sign-ups waiting for approval (joining by approval), oldest first',
      access: 'admin',
      responses: { 200: pendingSignUpListResponseSchema },
      errors: [401, 403],
    },
    async ({ deps, member }) => ({ signUps: await deps.admin.pendingSignUps(actor(member)) }),
  ),
  route(
    {
      method: 'post',
      path: '/api/admin/sign-ups/{id}/approval',
      summary: 'Approve a sign-up: the account is created and the person mailed (recorded in the audit log)',
      access: 'admin',
      params: byId,
      responses: { 200: adminMemberResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps, member, params }) => ({ member: await deps.admin.approve(actor(member), params.id) }),
  ),
  route(
    {
      method: 'delete',
      path: '/api/admin/sign-ups/{id}',
      summary: 'Decline a sign-up: it is deleted (recorded in the audit log)',
      access: 'admin',
      params: byId,
      responses: { 204: null },
      errors: [400, 401, 403, 404],
    },
    async ({ deps, member, params }) => {
      await deps.admin.decline(actor(member), params.id);
    },
  ),
  route(
    {
      method: 'patch',
      path: '/api/admin/members/{id}/role',
      summary: "Change a member's role (recorded in the audit log)",
      access: 'admin',
      params: byId,
      body: adminRoleBodySchema,
      responses: { 200: adminMemberResponseSchema },
      errors: [400, 401, 403, 404],
    },
    async ({ deps, member, params, body }) => ({
      member: await deps.admin.setRole(actor(member), params.id, body.role),
    }),
  ),
  route(
    {
      method: 'post',
      path: '/api/admin/members/{id}/suspension',
      summary: 'Suspend a member for a number of hours, with a reason (a moderation sanction, in the audit log)',
      access: 'admin',
      params: byId,
      body: adminSuspendBodySchema,
      responses: { 200: adminMemberResponseSchema },
      errors: [400, 401, 403, 404],
    },
    async ({ deps, member, params, body }) => ({ member: await deps.admin.suspend(actor(member), params.id, body) }),
  ),
  route(
    {
      method: 'delete',
      path: '/api/admin/members/{id}/suspension',
      summary: "Lift a member's suspension, with a reason (in the audit log)",
      access: 'admin',
      params: byId,
      body: adminUnsuspendBodySchema,
      responses: { 200: adminMemberResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps, member, params, body }) => ({
      member: await deps.admin.unsuspend(actor(member), params.id, body.reason),
    }),
  ),
  route(
    {
      method: 'post',
      path: '/api/admin/members/{id}/verification',
      summary: 'Mail a member a new confirmation link (recorded in the audit log)',
      access: 'admin',
      params: byId,
      responses: { 202: z.object({ accepted: z.literal(true) }) },
      errors: [401, 403, 404, 409],
    },
    async ({ deps, member, params }) => {
      await deps.admin.resendVerification(actor(member), params.id);
      return { accepted: true as const };
    },
  ),
];
