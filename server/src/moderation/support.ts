import type { AuditAction, ModerationMemberRef } from '@commons/shared';
import { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { isModerator, type Actor } from '../members/actor.js';
import { avatarOf } from '../members/avatar-ref.js';
import { membersByIds } from '../members/reads.js';
import { AuditModel, type AuditFields } from './model.js';

/* Small helpers the moderation modules (flags, queue, sanctions, audit) share. */

export const OBJECT_ID = /^[0-9a-f]{24}$/;

export function oid(id: string, what: string): Types.ObjectId {
  if (!OBJECT_ID.test(id)) throw new AppError('not_found', `No ${what} with this id.`);
  return new Types.ObjectId(id);
}

export function requireModerator(actor: Actor): void {
  if (!isModerator(actor)) throw new AppError('forbidden', 'Only moderators and administrators can do this.');
}

export async function memberRefs(
  ids: Array<Types.ObjectId | null | undefined>,
): Promise<Map<string, ModerationMemberRef>> {
  const rows = await membersByIds(ids, ['displayName', 'avatarVersion']);
  return new Map(
    rows.map((m) => {
      const avatar = avatarOf(m);
      return [
        m._id.toHexString(),
        { id: m._id.toHexString(), displayName: m.displayName, ...(avatar ? { avatar } : {}) },
      ];
    }),
  );
}

/** Writes one audit entry (every moderator action and every automatic lift leaves one). */
export async function writeAudit(
  at: Date,
  actor: Pick<Actor, 'id'> | null,
  action: AuditAction,
  target: { type: AuditFields['targetType']; id: string },
  reason: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await AuditModel.create({
    actorId: actor ? new Types.ObjectId(actor.id) : null,
    action,
    targetType: target.type,
    targetId: target.id,
    reason,
    details,
    at,
  });
}
