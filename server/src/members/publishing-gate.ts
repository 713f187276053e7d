import { AppError } from '../http/errors.js';
import { siteSettings } from '../site/settings.js';
import type { AccountFacts } from './actor.js';
import { isEmailVerified, type MemberDoc } from './model.js';
import { memberById } from './reads.js';

/*
 * The members' part of the one publishing gate (moderation/publishing.ts calls it before it checks
 * sanctions): a confirmed address when the site asks for one, and no former member. It reads only
 * the members' own model and the site settings.
 */

/**
 * The account facts of a member document read whole (the session's), for `Actor.account`; none
 * for a document read with a projection that left either field out.
 */
export function accountFactsOf(member: object): AccountFacts | undefined {
  const doc = member as Partial<Pick<MemberDoc, 'isSelected' | 'emailVerifiedAt' | 'deletedAt'>>;
  if (typeof doc.isSelected !== 'function' || !doc.isSelected('emailVerifiedAt') || !doc.isSelected('deletedAt'))
    return undefined;
  return accountFactsOfRow({ emailVerifiedAt: doc.emailVerifiedAt, deletedAt: doc.deletedAt });
}

function accountFactsOfRow(row: Pick<MemberDoc, 'emailVerifiedAt' | 'deletedAt'>): AccountFacts {
  return { verified: isEmailVerified(row), deleted: Boolean(row.deletedAt) };
}

/**
 * 403 `forbidden` for a deleted account, `email_unverified` while the site asks for a confirmed
 * address. `known`: the account as read for this request, which spares a read of its own.
 */
export async function assertAccountMayPublish(memberId: string, known?: AccountFacts): Promise<void> {
  // The member's kept record (members/kept.ts): no store read, and an address change or a
  // deletion made by any process counts at the next post.
  const row = known ? null : await memberById(memberId, ['emailVerifiedAt', 'deletedAt']);
  const account = known ?? (row ? accountFactsOfRow(row) : null);
  if (!account || account.deleted) throw new AppError('forbidden', 'This account no longer exists.');
  if (account.verified) return;
  if ((await siteSettings()).emailVerification)
    throw new AppError('email_unverified', 'Confirm your email address before you publish.');
}
