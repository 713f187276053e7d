import {
  markReadBodySchema,
  notificationListQuerySchema,
  notificationPreferencesBodySchema,
  unsubscribeBodySchema,
} from '@commons/shared';
import express, { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { parse } from '../http/validate.js';
import type { NotificationService } from './service.js';

/** Signed-in routes, mounted under /api. */
export function notificationRoutes(notifications: NotificationService): Router {
  const router = Router();

  router.get('/notifications', async (req, res) => {
    const me = currentMember(req);
    const query = parse(notificationListQuerySchema, req.query);
    res.json(await notifications.list(me._id.toHexString(), query.cursor));
  });

  router.get('/notifications/unread-count', async (req, res) => {
    const me = currentMember(req);
    res.json({ unreadCount: await notifications.unreadCount(me._id.toHexString()) });
  });

  router.post('/notifications/read', async (req, res) => {
    const me = currentMember(req);
    const body = parse(markReadBodySchema, req.body);
    res.json(await notifications.markRead(me._id.toHexString(), body));
  });

  router.post('/notifications/unsubscribe', async (req, res) => {
    const body = parse(unsubscribeBodySchema, req.body);
    res.json(await notifications.unsubscribe(body.token));
  });

  router.get('/members/me/preferences', async (req, res) => {
    const me = currentMember(req);
    res.json(await notifications.preferences(me._id.toHexString()));
  });

  router.put('/members/me/preferences', async (req, res) => {
    const me = currentMember(req);
    const body = parse(notificationPreferencesBodySchema, req.body);
    res.json(await notifications.updatePreferences(me._id.toHexString(), body));
  });

  return router;
}

/**
 * RFC 8058 one-click unsubscribe: mail providers POST `List-Unsubscribe=One-Click` as a form,
 * from no browser origin and without a session, so this sits outside the JSON/same-origin API
 * router. The signed token is the only authority, and it can only turn one member's digest off.
 */
export function oneClickUnsubscribeRoute(notifications: NotificationService): Router {
  const router = Router();
  router.post(
    '/notifications/unsubscribe/one-click',
    express.urlencoded({ extended: false, limit: '2kb' }),
    async (req, res) => {
      const token = typeof req.query.token === 'string' ? req.query.token : '';
      res.json(await notifications.unsubscribe(parse(unsubscribeBodySchema, { token }).token));
    },
  );
  return router;
}
