import { z } from 'zod';
import { displayNameSchema, localeSchema, timeZoneSchema } from '../members/schemas.js';

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email());
/** Strength rules beyond length live in the server's password policy (common-password list). */
export const passwordSchema = z.string().min(1).max(256);

export const registerBodySchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    displayName: displayNameSchema,
    locale: localeSchema.optional(),
    /** The device's zone (the browser sends it); else the server's default. */
    timeZone: timeZoneSchema.optional(),
  })
  .strict();
export type RegisterBody = z.infer<typeof registerBodySchema>;

export const loginBodySchema = z.object({ email: emailSchema, password: passwordSchema }).strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

export const passwordResetRequestSchema = z.object({ email: emailSchema }).strict();
export type PasswordResetRequest = z.infer<typeof passwordResetRequestSchema>;

export const passwordResetConfirmSchema = z
  .object({ token: z.string().min(20).max(200), password: passwordSchema })
  .strict();
export type PasswordResetConfirm = z.infer<typeof passwordResetConfirmSchema>;

export const MIN_PASSWORD_LENGTH = 10;
