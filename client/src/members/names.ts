import { FORMER_MEMBER_KEY, shownName } from '@commons/shared';
import type { TFunction } from 'i18next';

/**
 * A member's name as the reader's language shows it: a deleted account (no member, or the
 * tombstone's stored English name) reads "Former member" in the reader's language.
 */
export function memberName(t: TFunction, member: { displayName: string } | null | undefined): string {
  return shownName(member, t(FORMER_MEMBER_KEY));
}
