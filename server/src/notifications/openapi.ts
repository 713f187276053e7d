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
import { defineOperations } from '../openapi/operation.js';

const tag = 'notifications';

export const notificationOperations = defineOperations([
  {
    method: 'get',
    path: '/api/notifications',
    summary: 'My notifications, newest first (grouped per thread and kind), with the unread count',
    tag,
    access: 'member',
    query: notificationListQuerySchema,
    responses: { 200: notificationListResponseSchema },
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/notifications/unread-count',
    summary: 'How many of my notifications are unread',
    tag,
    access: 'member',
    responses: { 200: unreadCountResponseSchema },
    errors: [401],
  },
  {
    method: 'post',
    path: '/api/notifications/read',
    summary: 'Mark some ({ids}) or all ({all: true}) of my notifications as read',
    tag,
    access: 'member',
    body: markReadBodySchema,
    responses: { 200: unreadCountResponseSchema },
    errors: [400, 401],
  },
  {
    method: 'post',
    path: '/api/notifications/unsubscribe',
    summary: 'Turn off the digest of the member an unsubscribe link was made for (works signed out)',
    tag,
    access: 'public',
    body: unsubscribeBodySchema,
    responses: { 200: unsubscribeResponseSchema },
    errors: [400],
  },
  {
    method: 'post',
    path: '/api/notifications/unsubscribe/one-click',
    summary:
      'RFC 8058 one-click unsubscribe (the List-Unsubscribe header of digests; form body List-Unsubscribe=One-Click)',
    tag,
    access: 'public',
    query: z.object({ token: z.string() }),
    responses: { 200: unsubscribeResponseSchema },
    errors: [400],
  },
  {
    method: 'get',
    path: '/api/members/me/preferences',
    summary: 'My notification and digest preferences',
    tag,
    access: 'member',
    responses: { 200: preferencesResponseSchema },
    errors: [401],
  },
  {
    method: 'put',
    path: '/api/members/me/preferences',
    summary: 'Change my notification and digest preferences (kinds left out keep their channel)',
    tag,
    access: 'member',
    body: notificationPreferencesBodySchema,
    responses: { 200: preferencesResponseSchema },
    errors: [400, 401],
  },
]);
