import {
  markReadBodySchema,
  notificationListQuerySchema,
  notificationListResponseSchema,
  notificationPreferencesBodySchema,
  preferencesResponseSchema,
  unreadCountResponseSchema,
  unsubscribeBodySchema,
  unsubscribeResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import { routesFor } from '../http/route.js';
import express from 'express';
import type { NotificationService } from './service.js';

const route = routesFor<{ notifications: NotificationService }>('notifications');

/** The inbox, unread count, unsubscribe and notification preferences. */
export const notificationRoutes = [
  route(
    {
      method: 'get',
      path: '/api/notifications',
      summary: 'My notifications, newest first (grouped per thread and kind), with the unread count',
      access: 'member',
      query: notificationListQuerySchema,
      responses: { 200: notificationListResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { notifications }, query, member }) => {
      return await notifications.list({ id: member._id.toHexString(), role: member.role }, query.cursor);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/notifications/unread-count',
      summary: 'How many of my notifications are unread',
      access: 'member',
      responses: { 200: unreadCountResponseSchema },
      errors: [401],
    },
    async ({ deps: { notifications }, member }) => {
      return { unreadCount: await notifications.unreadCount(member._id.toHexString()) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/notifications/read',
      summary: 'Mark some ({ids}) or all ({all: true}) of my notifications as read',
      access: 'member',
      body: markReadBodySchema,
      responses: { 200: unreadCountResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { notifications }, body, member }) => {
      return await notifications.markRead(member._id.toHexString(), body);
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/notifications/unsubscribe',
      summary: 'Turn off the digest of the member an unsubscribe link was made for (works signed out)',
      access: 'public',
      body: unsubscribeBodySchema,
      responses: { 200: unsubscribeResponseSchema },
      errors: [400],
    },
    async ({ deps: { notifications }, body }) => {
      return await notifications.unsubscribe(body.token);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/members/me/preferences',
      summary: 'My notification and digest preferences',
      access: 'member',
      responses: { 200: preferencesResponseSchema },
      errors: [401],
    },
    async ({ deps: { notifications }, member }) => {
      return await notifications.preferences(member._id.toHexString());
    },
  ),
  route(
    {
      method: 'put',
      path: '/api/members/me/preferences',
      summary: 'Change my notification and digest preferences (kinds left out keep their channel)',
      access: 'member',
      body: notificationPreferencesBodySchema,
      responses: { 200: preferencesResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { notifications }, body, member }) => {
      return await notifications.updatePreferences(member._id.toHexString(), body);
    },
  ),
  // RFC 8058 one-click unsubscribe: mail providers POST `List-Unsubscribe=One-Click` as a form,
  // from no browser origin and without a session, so this sits outside the JSON/same-origin API
  // router. The signed token is the only authority, and it can only turn one member's digest off.
  route(
    {
      method: 'post',
      path: '/api/notifications/unsubscribe/one-click',
      summary:
        'RFC 8058 one-click unsubscribe (the List-Unsubscribe header of digests; form body List-Unsubscribe=One-Click)',
      access: 'public',
      bare: true,
      before: [express.urlencoded({ extended: false, limit: '2kb' })],
      query: z.object({ token: unsubscribeBodySchema.shape.token }),
      responses: { 200: unsubscribeResponseSchema },
      errors: [400],
    },
    async ({ deps: { notifications }, query }) => notifications.unsubscribe(query.token),
  ),
];
