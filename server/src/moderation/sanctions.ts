import type { ModerationMemberRef, Sanction, SanctionBody, SanctionKind } from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { AppError } from '../http/errors.js';
import { findIn } from '../infra/store/index.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Actor } from '../members/actor.js';
import { memberById, memberExists } from '../members/reads.js';
import { endAllSessions } from '../members/writes.js';
import { ProfileModel, SanctionModel, type Lean, type SanctionFields } from './model.js';
import { activeSanctions, isActiveSanction } from './publishing.js';
import { memberRefs, oid, requireModerator, writeAudit } from './support.js';
import { standingChanged } from './standing.js';

const { trusted } = mongoose;
type SanctionLean = Lean<SanctionFields>;

/**
 * Rank, checked on every action on a sanction (create, lift, and any change added later): nobody
 * acts on a sanction about themselves; only administrators act on sanctions about moderators or
 * administrators, and only they undo what an administrator decided.
 */
export function assertMayActOnSanction(
  actor: Actor,
  target: { id: string; role: string },
  sanction?: { createdByRole: string | null },
): void {
  requireModerator(actor);
  if (target.id === actor.id) throw new AppError('forbidden', 'You cannot act on a sanction about yourself.');
  if (actor.role === 'admin') return;
  if (target.role !== 'member')
    throw new AppError('forbidden', 'Only administrators can act on sanctions of moderators and administrators.');
  if (sanction?.createdByRole === 'admin')
    throw new AppError('forbidden', 'Only administrators can change a sanction an administrator gave.');
}

export function presentSanction(s: SanctionLean, refs: Map<string, ModerationMemberRef>, at: Date): Sanction {
  return {
    id: s._id.toHexString(),
    memberId: s.memberId.toHexString(),
    kind: s.kind,
    reason: s.reason,
    expiresAt: s.expiresAt ? s.expiresAt.toISOString() : null,
    liftedAt: s.liftedAt ? s.liftedAt.toISOString() : null,
    createdBy: refs.get(s.createdById.toHexString()) ?? null,
    createdAt: s.createdAt.toISOString(),
    active: isActiveSanction(s, at),
  };
}

/** Warnings, silences and suspensions: who may give and lift them, their expiry, sign-in. */
export function createSanctions(deps: { events: DomainEvents; now: () => Date }) {
  const { events, now } = deps;

  async function targetOf(memberId: Types.ObjectId | string): Promise<{ _id: Types.ObjectId; role: string }> {
    const target = await memberById(typeof memberId === 'string' ? oid(memberId, 'member') : memberId, ['role']);
    if (!target) throw new AppError('not_found', 'No member with this id.');
    return target;
  }

  return {
    async sanction(actor: Actor, body: SanctionBody): Promise<Sanction> {
      requireModerator(actor);
      const target = await targetOf(body.memberId);
      assertMayActOnSanction(actor, { id: body.memberId, role: target.role });
      const at = now();
      const expiresAt = body.kind === 'warn' ? null : new Date(at.getTime() + (body.durationHours ?? 0) * 3600_000);
      const doc = await SanctionModel.create({
        memberId: target._id,
        kind: body.kind,
        reason: body.reason,
        expiresAt,
        createdById: new Types.ObjectId(actor.id),
        createdAt: at,
      });
      await standingChanged(target._id);
      // A suspension ends every session at once: the session epoch moves on (the listener drops sockets).
      if (body.kind === 'suspend') await endAllSessions(target._id);
      await writeAudit(at, actor, 'sanction.create', { type: 'member', id: body.memberId }, body.reason, {
        kind: body.kind,
        sanctionId: doc._id.toHexString(),
        expiresAt: expiresAt?.toISOString() ?? null,
      });
      events.publish('moderation.sanctioned', {
        memberId: body.memberId,
        kind: body.kind,
        reason: body.reason,
        expiresAt,
      });
      const lean = doc.toObject<SanctionLean>();
      return presentSanction(lean, await memberRefs([lean.createdById]), at);
    },

    async liftSanction(actor: Actor, id: string, reason: string): Promise<Sanction> {
      requireModerator(actor);
      const existing = await SanctionModel.findById(oid(id, 'sanction')).lean<SanctionLean>();
      if (!existing) throw new AppError('not_found', 'No sanction with this id.');
      const [target, giver] = await Promise.all([
        targetOf(existing.memberId),
        memberById(existing.createdById, ['role']),
      ]);
      assertMayActOnSanction(
        actor,
        { id: target._id.toHexString(), role: target.role },
        {
          createdByRole: giver?.role ?? null,
        },
      );
      const at = now();
      const lifted = await SanctionModel.findOneAndUpdate(
        { _id: existing._id, liftedAt: null },
        { $set: { liftedAt: at } },
        { returnDocument: 'after' },
      ).lean<SanctionLean>();
      if (!lifted) throw new AppError('conflict', 'This sanction was already lifted.');
      await standingChanged(lifted.memberId);
      await writeAudit(at, actor, 'sanction.lift', { type: 'sanction', id }, reason, {
        memberId: lifted.memberId.toHexString(),
      });
      return presentSanction(lifted, await memberRefs([lifted.createdById]), at);
    },

    async memberModeration(actor: Actor, memberId: string) {
      if (memberId !== actor.id) requireModerator(actor);
      const id = oid(memberId, 'member');
      if (!(await memberExists(id))) throw new AppError('not_found', 'No member with this id.');
      const [profile, rows] = await Promise.all([
        ProfileModel.findOne({ memberId: id }).lean(),
        SanctionModel.find({ memberId: id }).sort({ createdAt: -1 }).limit(100).lean<SanctionLean[]>(),
      ]);
      const refs = await memberRefs(rows.map((r) => r.createdById));
      const at = now();
      return {
        memberId,
        trustLevel: profile?.trustLevel ?? 0,
        sanctions: rows.map((r) => presentSanction(r, refs, at)),
      };
    },

    /** The expiry job: marks sanctions whose time is up as lifted (use-time checks already ignore them). */
    async expireSanctions(): Promise<number> {
      const at = now();
      const due = await SanctionModel.find({ liftedAt: null, expiresAt: trusted({ $ne: null, $lte: at }) }).lean<
        SanctionLean[]
      >();
      let count = 0;
      for (const s of due) {
        const res = await SanctionModel.updateOne({ _id: s._id, liftedAt: null }, { $set: { liftedAt: s.expiresAt } });
        if (res.modifiedCount === 0) continue;
        await standingChanged(s.memberId);
        count += 1;
        await writeAudit(at, null, 'sanction.lift', { type: 'sanction', id: s._id.toHexString() }, 'expired', {
          memberId: s.memberId.toHexString(),
        });
      }
      return count;
    },

    /** Suspended members cannot sign in (auth calls this after checking the password). */
    /** Trust level and the active sanction (silence or suspension) of each member, for the admins' member list. */
    async standings(
      memberIds: string[],
    ): Promise<Map<string, { trustLevel: number; sanction: SanctionKind | null; suspendedUntil: Date | null }>> {
      const ids = memberIds.map((id) => new Types.ObjectId(id));
      const [active, profiles] = await Promise.all([
        activeSanctions(ids, deps.now()),
        findIn('memberId', ids, (match) => ProfileModel.find(match, { memberId: 1, trustLevel: 1 }).lean()),
      ]);
      const out = new Map(
        memberIds.map((id) => [
          id,
          { trustLevel: 0, sanction: null as SanctionKind | null, suspendedUntil: null as Date | null },
        ]),
      );
      for (const p of profiles) out.get(p.memberId.toHexString())!.trustLevel = p.trustLevel ?? 0;
      for (const s of active) {
        const entry = out.get(s.memberId.toHexString())!;
        if (entry.sanction !== 'suspend') entry.sanction = s.kind;
        if (s.kind === 'suspend' && s.expiresAt && (!entry.suspendedUntil || s.expiresAt > entry.suspendedUntil))
          entry.suspendedUntil = s.expiresAt;
      }
      return out;
    },

    async assertCanSignIn(memberId: string): Promise<void> {
      const active = (await activeSanctions([new Types.ObjectId(memberId)], now())).find((s) => s.kind === 'suspend');
      if (active)
        throw new AppError('member_suspended', 'Your account is suspended.', {
          until: active.expiresAt?.toISOString() ?? null,
          reason: active.reason,
        });
    },
  };
}
