import type { SiteLimits, SiteSettings } from '@commons/shared';
import { createHash } from 'node:crypto';
import { dropKept, kept } from '../infra/read-models.js';
import { SiteSettingsModel } from './model.js';

/**
 * Gates read the settings on every post: they are kept in Redis for every process and dropped by
 * the save, so a change applies everywhere at once and a warm gate costs no store command.
 */
const KEPT_SECONDS = 3_600;

/** The limits of a fresh deployment: the values the platform enforced before they could be set. */
export const DEFAULT_LIMITS: SiteLimits = { postsPerMinute: 10, libraryUploadMb: 20 };

/** What the environment decides for a fresh deployment; the rest has fixed defaults. */
export type SiteDefaults = Pick<SiteSettings, 'emailVerification' | 'publicFace' | 'registrationMode'>;

// Module-level so that the publishing gate (moderation/publishing.ts), a plain function, reads them
// without being handed a service. The environment gives a fresh deployment's defaults.
let defaults: SiteSettings = {
  emailVerification: true,
  publicFace: true,
  registrationMode: 'open',
  defaultLocale: 'en',
  limits: DEFAULT_LIMITS,
};

/** Processes started with other defaults keep other values (the key names the defaults). */
const keptKey = () =>
  `site:settings:${createHash('sha256').update(JSON.stringify(defaults)).digest('hex').slice(0, 12)}`;

/** The values used until an administrator saves others (`EMAIL_VERIFICATION`...); set at start-up. */
export function setSiteDefaults(value: SiteDefaults): void {
  defaults = { ...defaults, ...value };
}

/** The site-wide settings in force. */
export function siteSettings(): Promise<SiteSettings> {
  return kept(keptKey(), KEPT_SECONDS, readSiteSettings);
}

async function readSiteSettings(): Promise<SiteSettings> {
  const row = await SiteSettingsModel.findOne({ key: 'site' }).lean();
  const value: SiteSettings = {
    emailVerification: row?.emailVerification ?? defaults.emailVerification,
    publicFace: row?.publicFace ?? defaults.publicFace,
    registrationMode: row?.registrationMode ?? defaults.registrationMode,
    defaultLocale: row?.defaultLocale ?? defaults.defaultLocale,
    // Limits saved one by one: a limit added later takes its default on older rows.
    limits: { ...defaults.limits, ...row?.limits },
  };
  return value;
}

/** The site's limits in force (cached as the settings are), for the code that enforces them. */
export async function siteLimits(): Promise<SiteLimits> {
  return (await siteSettings()).limits;
}

/** After a change is saved: the next read, in any process, goes to the store. */
export function forgetSiteSettings(): Promise<void> {
  return dropKept(keptKey());
}
