import { Types } from 'mongoose';
import { dropKept, kept } from '../infra/read-models.js';
import { SanctionModel, type Lean, type SanctionFields } from './model.js';

/*
 * A member's standing: the sanctions that may be in force (silences and suspensions not lifted),
 * asked by every signed-in request (a suspended member reads as a visitor) and every publishing
 * path. Kept in Redis (infra/read-models.ts) and dropped by every sanction write, so a
 * suspension still bites at once on every process; the clock decides expiry at each use.
 */

export interface Standing {
  kind: 'silence' | 'suspend';
  /** ISO time, or null: until lifted. */
  expiresAt: string | null;
}

/** Kept at most this long without a change. */
const TTL_SECONDS = 600;
const keyOf = (memberId: string) => `mod:standing:${memberId}`;

/** The member's silences and suspensions in force at `at`. */
export async function standingOf(memberId: string, at = new Date()): Promise<Standing[]> {
  const standing = await kept(keyOf(memberId), TTL_SECONDS, async () => {
    const rows = await SanctionModel.find(
      { memberId: new Types.ObjectId(memberId), liftedAt: null },
      { kind: 1, expiresAt: 1 },
    ).lean();
    return rows
      .filter((s) => s.kind !== 'warn')
      .map((s): Standing => ({
        kind: s.kind === 'suspend' ? 'suspend' : 'silence',
        expiresAt: s.expiresAt ? s.expiresAt.toISOString() : null,
      }));
  });
  return standing.filter((s) => s.expiresAt === null || new Date(s.expiresAt) > at);
}

/** After any write of the member's sanctions (given, lifted, expired). */
export async function standingChanged(memberId: { toString(): string }): Promise<void> {
  await dropKept(keyOf(String(memberId)));
}

/** Whether the member is suspended now (their kept standing: no store command when warm). */
export async function isSuspended(memberId: string, at = new Date()): Promise<boolean> {
  return (await standingOf(memberId, at)).some((s) => s.kind === 'suspend');
}

/**
 * The members of `memberIds` suspended at `at`: mail of any kind (instant notifications, digests)
 * waits while a suspension lasts, as sign-in does; what arrives meanwhile stays in the app.
 */
export async function suspendedAmong(memberIds: string[], at = new Date()): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  // Suspensions in force are few: one read of them all, not one per member (a digest batch asks for 100).
  const rows = await SanctionModel.find({ kind: 'suspend', liftedAt: null }, { memberId: 1, expiresAt: 1 }).lean<
    Pick<Lean<SanctionFields>, 'memberId' | 'expiresAt'>[]
  >();
  const suspended = new Set(
    rows.filter((s) => s.expiresAt === null || s.expiresAt > at).map((s) => s.memberId.toHexString()),
  );
  return new Set(memberIds.filter((id) => suspended.has(id)));
}
