import {
  appealBodySchema,
  auditQuerySchema,
  auditResponseSchema,
  blockListResponseSchema,
  blockResponseSchema,
  bulkResolveBodySchema,
  bulkResolveResponseSchema,
  flagBodySchema,
  flagResponseSchema,
  itemResponseSchema,
  memberModerationResponseSchema,
  muteResponseSchema,
  objectIdSchema,
  postModerationResponseSchema,
  queueQuerySchema,
  queueResponseSchema,
  resolveBodySchema,
  sanctionBodySchema,
  sanctionResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import { routesFor } from '../http/route.js';
import { actorOf } from '../forums/service.js';
import type { ModerationService } from './service.js';

const byId = z.object({ id: objectIdSchema });
const liftBodySchema = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();

const route = routesFor<{ moderation: ModerationService }>('moderation');

/** Flags, the review queue, sanctions, the audit log, appeals, blocks and mutes: parse, call the service, shape. */
export const moderationRoutes = [
  route(
    {
      method: 'post',
      path: '/api/posts/{id}/flags',
      summary: 'Flag a post for the moderators (once per member)',
      access: 'member',
      params: byId,
      body: flagBodySchema,
      responses: { 201: flagResponseSchema },
      errors: [400, 401, 403, 404, 409, 429],
    },
    async ({ deps: { moderation }, params, body, member }) => {
      const me = actorOf(member);
      return await moderation.flag(me, params.id, body);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/posts/{id}/moderation',
      summary: 'Why my post is held or hidden (author or moderators)',
      access: 'member',
      params: byId,
      responses: { 200: postModerationResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { moderation }, params, member }) => {
      const me = actorOf(member);
      return { moderation: await moderation.postModeration(me, params.id) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/posts/{id}/appeal',
      summary: 'Appeal a held or hidden post, once',
      access: 'member',
      params: byId,
      body: appealBodySchema,
      responses: { 201: postModerationResponseSchema },
      errors: [400, 401, 404, 409],
    },
    async ({ deps: { moderation }, params, body, member }) => {
      const me = actorOf(member);
      return { moderation: await moderation.appeal(me, params.id, body) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/moderation/queue',
      summary: 'The review queue, most urgent first (moderators)',
      access: 'moderator',
      query: queueQuerySchema,
      responses: { 200: queueResponseSchema },
      errors: [400, 401, 403],
    },
    async ({ deps: { moderation }, query, member }) => {
      const me = actorOf(member);
      return { items: await moderation.queue(me, query) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/moderation/items/{id}',
      summary: 'One review item (moderators)',
      access: 'moderator',
      params: byId,
      responses: { 200: itemResponseSchema },
      errors: [401, 403, 404],
    },
    async ({ deps: { moderation }, params, member }) => {
      const me = actorOf(member);
      return { item: await moderation.getItem(me, params.id) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/moderation/items/{id}/claim',
      summary: 'Claim a review item (moderators)',
      access: 'moderator',
      params: byId,
      responses: { 200: itemResponseSchema },
      errors: [401, 403, 404, 409],
    },
    async ({ deps: { moderation }, params, member }) => {
      const me = actorOf(member);
      return { item: await moderation.claim(me, params.id) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/moderation/items/{id}/resolve',
      summary: 'Keep, hide or delete the post; the first moderator wins (moderators)',
      access: 'moderator',
      params: byId,
      body: resolveBodySchema,
      responses: { 200: itemResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { moderation }, params, body, member }) => {
      const me = actorOf(member);
      return { item: await moderation.resolve(me, params.id, body) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/moderation/items/resolve',
      summary: 'Resolve several items at once (moderators)',
      access: 'moderator',
      body: bulkResolveBodySchema,
      responses: { 200: bulkResolveResponseSchema },
      errors: [400, 401, 403],
    },
    async ({ deps: { moderation }, body, member }) => {
      const me = actorOf(member);
      return { results: await moderation.bulkResolve(me, body) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/moderation/sanctions',
      summary: 'Warn, silence or suspend a member (moderators)',
      access: 'moderator',
      body: sanctionBodySchema,
      responses: { 201: sanctionResponseSchema },
      errors: [400, 401, 403, 404],
    },
    async ({ deps: { moderation }, body, member }) => {
      const me = actorOf(member);
      return { sanction: await moderation.sanction(me, body) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/moderation/sanctions/{id}/lift',
      summary: 'Lift a sanction early (moderators)',
      access: 'moderator',
      params: byId,
      body: liftBodySchema,
      responses: { 200: sanctionResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { moderation }, params, body, member }) => {
      const me = actorOf(member);
      const { reason } = body;
      return { sanction: await moderation.liftSanction(me, params.id, reason) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/moderation/members/{id}',
      summary: "A member's trust level and sanctions (moderators, or the member)",
      access: 'member',
      params: byId,
      responses: { 200: memberModerationResponseSchema },
      errors: [401, 403, 404],
    },
    async ({ deps: { moderation }, params, member }) => {
      const me = actorOf(member);
      return await moderation.memberModeration(me, params.id);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/moderation/audit',
      summary: 'Audit log of moderator actions, filterable (moderators)',
      access: 'moderator',
      query: auditQuerySchema,
      responses: { 200: auditResponseSchema },
      errors: [400, 401, 403],
    },
    async ({ deps: { moderation }, query, member }) => {
      const me = actorOf(member);
      return { entries: await moderation.auditLog(me, query) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/members/me/blocks',
      summary: 'Members I blocked or muted',
      access: 'member',
      responses: { 200: blockListResponseSchema },
      errors: [401],
    },
    async ({ deps: { moderation }, member }) => {
      const me = actorOf(member);
      return await moderation.blockList(me.id);
    },
  ),
  route(
    {
      method: 'put',
      path: '/api/members/{id}/mute',
      summary: 'Mute a member: they cannot mention or notify me; their posts still show',
      access: 'member',
      params: byId,
      responses: { 200: muteResponseSchema },
      errors: [400, 401, 404],
    },
    async ({ deps: { moderation }, params, member }) => {
      const me = actorOf(member);
      return await moderation.setMute(me, params.id, true);
    },
  ),
  route(
    {
      method: 'delete',
      path: '/api/members/{id}/mute',
      summary: 'Unmute a member',
      access: 'member',
      params: byId,
      responses: { 200: muteResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { moderation }, params, member }) => {
      const me = actorOf(member);
      return await moderation.setMute(me, params.id, false);
    },
  ),
  route(
    {
      method: 'put',
      path: '/api/members/{id}/block',
      summary: 'Block a member: their posts collapse for me, they cannot mention or notify me',
      access: 'member',
      params: byId,
      responses: { 200: blockResponseSchema },
      errors: [400, 401, 404],
    },
    async ({ deps: { moderation }, params, member }) => {
      const me = actorOf(member);
      return await moderation.setBlock(me, params.id, true);
    },
  ),
  route(
    {
      method: 'delete',
      path: '/api/members/{id}/block',
      summary: 'Unblock a member',
      access: 'member',
      params: byId,
      responses: { 200: blockResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { moderation }, params, member }) => {
      const me = actorOf(member);
      return await moderation.setBlock(me, params.id, false);
    },
  ),
];
