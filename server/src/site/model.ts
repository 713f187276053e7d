import { locales, registrationModes, type Locale, type RegistrationMode, type SiteLimits } from '@commons/shared';
import mongoose, { Schema } from 'mongoose';

/** One row, `key: 'site'`: what administrators set in the console. Missing fields take the defaults. */
export interface SiteSettingsFields {
  key: 'site';
  emailVerification?: boolean;
  publicFace?: boolean;
  registrationMode?: RegistrationMode;
  defaultLocale?: Locale;
  /** Each limit saved on its own (`limits.<name>`), so one change does not fix the others' values. */
  limits?: Partial<SiteLimits>;
  updatedAt: Date;
}

const siteSettingsSchema = new Schema<SiteSettingsFields>(
  {
    key: { type: String, required: true },
    emailVerification: { type: Boolean },
    publicFace: { type: Boolean },
    registrationMode: { type: String, enum: registrationModes },
    defaultLocale: { type: String, enum: locales },
    // Validated by siteLimitsSchema (shared) before it is written.
    limits: { type: Schema.Types.Mixed },
  },
  { timestamps: { createdAt: false, updatedAt: true } },
);
siteSettingsSchema.index({ key: 1 }, { unique: true });

export const SiteSettingsModel = mongoose.model<SiteSettingsFields>(
  'SiteSettings',
  siteSettingsSchema,
  'site_settings',
);
