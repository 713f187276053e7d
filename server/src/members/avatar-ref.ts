import { avatarPath } from '@commons/shared';
import type { MemberFields } from './model.js';

/**
 * A member's picture as references carry it: its base path, or null (coloured initials then).
 * Apart from members/avatar.ts so the domains that show names do not load the image library.
 */
export function avatarOf(doc: Pick<MemberFields, 'avatarVersion'> & { _id: { toHexString(): string } }): string | null {
  return doc.avatarVersion ? avatarPath(doc._id.toHexString(), doc.avatarVersion) : null;
}
