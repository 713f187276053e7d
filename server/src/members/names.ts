import { FORMER_MEMBER_KEY, shownName, type Locale } from '@commons/shared';
import { translator } from '../infra/i18n.js';

/**
 * A member's name as a reader of `locale` sees it on the server (mails, digests): a deleted
 * account reads "Former member" in that language (shared/src/members/names.ts has the rule).
 */
export function memberNameIn(locale: Locale, member: { displayName: string } | null | undefined): string {
  return shownName(member, translator(locale)(FORMER_MEMBER_KEY));
}
