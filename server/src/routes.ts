import type { Router } from 'express';
import { authRoutes } from './auth/routes.js';
import { healthRoutes } from './health/routes.js';
import { mailRoutes } from './mail/routes.js';
import { memberAdminRoutes } from './members/admin-routes.js';
import { memberRoutes } from './members/routes.js';
import { metricsRoutes } from './metrics/routes.js';
import { documentRoutes } from './openapi/routes.js';
import { searchRoutes } from './search/routes.js';
import { forumRoutes } from './forums/routes.js';
import { moderationRoutes } from './moderation/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { labRoutes } from './labs/routes.js';
import { eventRoutes } from './events/routes.js';
import { siteRoutes } from './site/routes.js';
import { libraryRoutes } from './library/routes.js';
import { uploadRoutes } from './storage/routes.js';
import { storyRoutes } from './stories/routes.js';
import { coalitionRoutes } from './coalitions/routes.js';
import { webhookRoutes } from './webhooks/routes.js';
import { directoryRoutes } from './directory/routes.js';
import { invitationRoutes } from './invitations/routes.js';
import { bind, mountRoutes, type BoundRoute, type MountOptions, type Route } from './http/route.js';

/**
 * Every route of the platform, by domain. The same tables register the Express routes (mountAll)
 * and produce the OpenAPI document, and the authorization matrix test calls each of them.
 */
export const routeTables = {
  documents: documentRoutes,
  health: healthRoutes,
  metrics: metricsRoutes,
  auth: authRoutes,
  members: memberRoutes,
  memberAdmin: memberAdminRoutes,
  invitations: invitationRoutes,
  search: searchRoutes,
  mail: mailRoutes,
  site: siteRoutes,
  library: libraryRoutes,
  uploads: uploadRoutes,
  stories: storyRoutes,
  coalitions: coalitionRoutes,
  webhooks: webhookRoutes,
  directory: directoryRoutes,
  events: eventRoutes,
  labs: labRoutes,
  notifications: notificationRoutes,
  moderation: moderationRoutes,
  forums: forumRoutes,
};

type DepsOf<T> = T extends Array<Route<infer D>> ? D : never;
/** The deps of every table: a table cannot be defined without being mounted. */
export type RouteDeps = { [K in keyof typeof routeTables]: DepsOf<(typeof routeTables)[K]> };

export const allRoutes: Array<Route<unknown>> = Object.values(routeTables).flat();

/**
 * Mounts every table: paths outside /api on the app itself (health, metrics), `bare` routes on a
 * router before the API's middleware, the rest on the API router (JSON, session, same origin).
 */
export function mountAll(
  targets: { root: Router; bare: Router; api: Router },
  deps: RouteDeps,
  limiter: MountOptions['limiter'],
): void {
  const bound: BoundRoute[] = (Object.keys(routeTables) as Array<keyof typeof routeTables>).flatMap((k) =>
    bind(routeTables[k] as Array<Route<unknown>>, deps[k]),
  );
  const where = (r: Route<unknown>) => (!r.path.startsWith('/api/') ? 'root' : r.bare ? 'bare' : 'api');
  for (const target of ['root', 'bare', 'api'] as const) {
    const routes = bound.filter((b) => where(b.route) === target);
    mountRoutes(targets[target], routes, { base: target === 'root' ? '' : '/api', limiter });
  }
}
