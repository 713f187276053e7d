import type { SiteSettings, SiteSettingsPatch } from '@commons/shared';
import { AppError } from '../http/errors.js';
import { SiteSettingsModel } from './model.js';
import { forgetSiteSettings, setSiteDefaults, siteSettings, type SiteDefaults } from './settings.js';

export interface SiteActor {
  id: string;
  role: string;
}

/** Records an administrator's action in the audit log (moderation owns it). */
export type AuditRecorder = (
  actorId: string,
  action: 'site.settings',
  target: { type: 'site'; id: string },
  details: Record<string, unknown>,
) => Promise<void>;

/**
 * Site-wide settings. The environment gives the defaults of a fresh deployment
 * (`EMAIL_VERIFICATION`, `PUBLIC_FACE`, `REGISTRATION_MODE`; the language and the limits have
 * fixed defaults, settings.ts); what an administrator saves overrides them.
 */
export function createSiteService(deps: { defaults: SiteDefaults; audit?: AuditRecorder }) {
  setSiteDefaults(deps.defaults);

  return {
    settings: siteSettings,

    async update(actor: SiteActor, patch: SiteSettingsPatch): Promise<SiteSettings> {
      if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators change site settings.');
      const { limits, ...rest } = patch;
      const set: Record<string, unknown> = { ...rest };
      if (limits) {
        // The saved limits with this patch's on top: a limit not in the patch keeps its saved value.
        const row = await SiteSettingsModel.findOne({ key: 'site' }).lean();
        set.limits = { ...row?.limits, ...limits };
      }
      await SiteSettingsModel.updateOne({ key: 'site' }, { $set: set }, { upsert: true });
      await forgetSiteSettings();
      await deps.audit?.(actor.id, 'site.settings', { type: 'site', id: 'site' }, { ...patch });
      return siteSettings();
    },
  };
}

export type SiteService = ReturnType<typeof createSiteService>;
