import { FORMER_MEMBER_NAME } from './schemas.js';

/**
 * How a deleted account's name is shown, in one place for the server and the client: its tombstone
 * row keeps FORMER_MEMBER_NAME (English, stored) and every reader sees the words of their own
 * language for it (catalogue key FORMER_MEMBER_KEY). The server's `memberNameIn(locale, member)`
 * (server/src/members/names.ts) and the client's `memberName(t, member)` (client/src/members/names.ts)
 * both call `shownName`.
 */
export const FORMER_MEMBER_KEY = 'members.formerMember';

/** Whether this is a deleted account (no member at all, or the tombstone's name). */
export function isFormerMember(member: { displayName: string } | null | undefined): boolean {
  return !member || member.displayName === FORMER_MEMBER_NAME;
}

/** The member's name, or `formerName` (the reader's words for "Former member") for a deleted account. */
export function shownName(member: { displayName: string } | null | undefined, formerName: string): string {
  return !member || isFormerMember(member) ? formerName : member.displayName;
}
