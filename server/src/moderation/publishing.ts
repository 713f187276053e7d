import { type Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { findIn } from '../infra/store/index.js';
import type { AccountFacts } from '../members/actor.js';
import { assertAccountMayPublish } from '../members/publishing-gate.js';
import { SanctionModel, type Lean, type SanctionFields } from './model.js';
import { standingOf } from './standing.js';

/*
 * The one gate every publishing path calls before it writes what others will read: forum threads,
 * replies and edits, stories, labs and their chat, ideas, action items and outcomes, events,
 * resources. A plain function of this module (not a dependency passed in), so no service can be
 * built without it. It asks the members first (a confirmed address when the site wants one, not a
 * former member), then checks sanctions. tests/moderation/publishing.test.ts walks every write
 * route of the API and fails on one that publishes for a silenced member or is not classified.
 */

type SanctionLean = Lean<SanctionFields>;

/** A silence or suspension in force at `at` (warnings never are; the clock decides, not the expiry job). */
export function isActiveSanction(s: Pick<SanctionFields, 'kind' | 'liftedAt' | 'expiresAt'>, at: Date): boolean {
  return s.kind !== 'warn' && s.liftedAt === null && (s.expiresAt === null || s.expiresAt > at);
}

/** Sanctions in force now for these members. */
export async function activeSanctions(memberIds: Types.ObjectId[], at = new Date()): Promise<SanctionLean[]> {
  if (memberIds.length === 0) return [];
  const rows = await findIn('memberId', memberIds, (match) => SanctionModel.find(match).lean<SanctionLean[]>());
  return rows.filter((s) => isActiveSanction(s, at));
}

/**
 * 403 `email_unverified` or `forbidden` (a former member) from the members' check, then
 * `member_silenced` or `member_suspended` (with `until`) when the member may not publish now.
 */
export async function assertMayPublish(actor: { id: string; account?: AccountFacts }, at = new Date()): Promise<void> {
  if (!/^[0-9a-f]{24}$/.test(actor.id)) return;
  await assertAccountMayPublish(actor.id, actor.account);
  const active = await standingOf(actor.id, at);
  // A suspension outranks a silence: it is what the member must hear.
  const first = active.find((s) => s.kind === 'suspend') ?? active[0];
  if (!first) return;
  const until = first.expiresAt;
  if (first.kind === 'suspend') throw new AppError('member_suspended', 'Your account is suspended.', { until });
  throw new AppError('member_silenced', 'You cannot post until your silence ends.', { until });
}
