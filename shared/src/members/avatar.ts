import { z } from 'zod';
import { objectIdSchema } from '../ids.js';

/**
 * Members' pictures. The server turns an upload into square WebP files of these sizes (pixels);
 * a page asks for the smallest that covers the size shown at the screen's density.
 */
export const avatarSizes = [48, 96, 192] as const;
export type AvatarSize = (typeof avatarSizes)[number];

export const avatarLimits = {
  /** The file a member sends, in bytes (a phone photo fits; the stored sizes are a few kB). */
  uploadMaxBytes: 8 * 1024 * 1024,
  /** Pixels of the picture sent (width × height): larger images are refused before decoding. */
  inputMaxPixels: 40_000_000,
};

/** A picture's version: new for every upload, so its URLs can be cached for good. */
export const avatarVersionSchema = z.string().regex(/^[0-9a-f]{16}$/);

/**
 * Where a member's picture is served, without the size: the client adds `/48`, `/96` or `/192`.
 * The version changes with every upload, so a replaced picture never comes back from a cache.
 */
export function avatarPath(memberId: string, version: string): string {
  return `/api/avatars/${memberId}/${version}`;
}

/** A member's picture at one size (the base path from `avatar` fields, plus the size). */
export function avatarUrl(base: string, size: AvatarSize): string {
  return `${base}/${size}`;
}

export const avatarParamsSchema = z.object({
  id: objectIdSchema,
  version: avatarVersionSchema,
  size: z.enum(avatarSizes.map(String) as [`${AvatarSize}`, ...`${AvatarSize}`[]]),
});

/** `avatar` on member references: the picture's base path, absent when the member has none (initials then). */
export const avatarRefField = { avatar: z.string().optional() };
