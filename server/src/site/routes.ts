import { publicSiteResponseSchema, siteSettingsPatchSchema, siteSettingsResponseSchema } from '@commons/shared';
import { routesFor } from '../http/route.js';
import type { SiteService } from './service.js';

const route = routesFor<{ site: SiteService }>('admin');

/** `/api/site` (for everyone) and `/api/admin/site-settings` (administrators read and change the site's settings). */
export const siteRoutes = [
  // What the app needs before anyone signs in: whether visitors may read the public face.
  route(
    {
      method: 'get',
      path: '/api/site',
      summary: 'What the app needs before anyone signs in: the public face, who may join, the default language',
      access: 'public',
      responses: { 200: publicSiteResponseSchema },
    },
    async ({ deps }) => {
      const { publicFace, registrationMode, defaultLocale } = await deps.site.settings();
      return { site: { publicFace, registrationMode, defaultLocale } };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/admin/site-settings',
      summary: 'The site settings (email verification, public face, who may join, default language, limits)',
      access: 'admin',
      responses: { 200: siteSettingsResponseSchema },
      errors: [401, 403],
    },
    async ({ deps }) => ({ settings: await deps.site.settings() }),
  ),
  route(
    {
      method: 'patch',
      path: '/api/admin/site-settings',
      summary: 'Change site settings (recorded in the audit log)',
      access: 'admin',
      body: siteSettingsPatchSchema,
      responses: { 200: siteSettingsResponseSchema },
      errors: [400, 401, 403],
    },
    async ({ deps, member, body }) => ({
      settings: await deps.site.update({ id: member._id.toHexString(), role: member.role }, body),
    }),
  ),
];
