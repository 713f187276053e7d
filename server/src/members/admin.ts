import type {
  AdminMember,
  AdminMemberQuery,
  AdminSuspendBody,
  PendingSignUp,
  Role,
  SanctionKind,
} from '@commons/shared';
import { isValidObjectId } from 'mongoose';
import type { DomainEvents } from '../infra/domain-events.js';
import { AppError } from '../http/errors.js';
import { escapeRegex } from '../search/terms.js';
import { isEmailVerified, MemberModel, type MemberDoc } from './model.js';
import { PendingSignUpModel, type PendingSignUpFields } from './sign-up.model.js';

export interface AdminActor {
  id: string;
  role: Role;
  createdAt: Date;
}

type AuditAction = 'member.role' | 'member.verification_resent' | 'member.approved' | 'member.declined';
/** A member, or a sign-up waiting for approval (declined ones never become members). */
type AuditTarget = { type: 'member' | 'sign_up'; id: string };

/** The administrators' member list and what they change there; every change goes to the audit log. */
export function createMemberAdmin(deps: {
  events: DomainEvents;
  /** Moderation: trust level and active sanction per member. */
  standings: (
    ids: string[],
  ) => Promise<Map<string, { trustLevel: number; sanction: SanctionKind | null; suspendedUntil: Date | null }>>;
  /**
   * Moderation's sanctions service: suspends (audited there as sanction.create, sessions end), and
   * lifts the member's active suspensions (each audited as sanction.lift; false when there were none).
   */
  suspend: (actor: AdminActor, memberId: string, body: AdminSuspendBody) => Promise<void>;
  liftSuspensions: (actor: AdminActor, memberId: string, reason: string) => Promise<boolean>;
  audit: (actorId: string, action: AuditAction, target: AuditTarget, details: Record<string, unknown>) => Promise<void>;
  /** Auth: mails a new confirmation link. */
  resendVerification: (member: MemberDoc) => Promise<void>;
  /** Auth: turns a waiting sign-up into an account (mails the person), or deletes it. */
  approveSignUp: (signUpId: string) => Promise<MemberDoc>;
  declineSignUp: (signUpId: string) => Promise<void>;
}) {
  function requireAdmin(actor: AdminActor): void {
    if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators manage members.');
  }

  async function find(id: string): Promise<MemberDoc> {
    const member = isValidObjectId(id) ? ((await MemberModel.findById(id)) as MemberDoc | null) : null;
    if (!member || member.deletedAt) throw new AppError('not_found', 'No member with this id.');
    return member;
  }

  async function present(docs: MemberDoc[]): Promise<AdminMember[]> {
    const standing = await deps.standings(docs.map((d) => d._id.toHexString()));
    return docs.map((d) => {
      const s = standing.get(d._id.toHexString());
      return {
        id: d._id.toHexString(),
        displayName: d.displayName,
        email: d.email,
        role: d.role,
        emailVerified: isEmailVerified(d),
        trustLevel: s?.trustLevel ?? 0,
        sanction: s?.sanction ?? null,
        suspendedUntil: s?.suspendedUntil?.toISOString() ?? null,
        lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
        createdAt: d.createdAt.toISOString(),
      };
    });
  }

  return {
    /** Up to 100 members, most recently seen first. */
    async list(actor: AdminActor, query: AdminMemberQuery): Promise<AdminMember[]> {
      requireAdmin(actor);
      const and: Record<string, unknown>[] = [{ deletedAt: null }];
      if (query.role) and.push({ role: query.role });
      if (query.q) {
        const re = new RegExp(escapeRegex(query.q), 'i');
        and.push({ $or: [{ displayName: re }, { email: re }] });
      }
      const docs = (await MemberModel.find({ $and: and }).sort({ lastSeenAt: -1, _id: 1 }).limit(500)) as MemberDoc[];
      const members = await present(docs);
      return members
        .filter((m) => query.trustLevel === undefined || m.trustLevel === query.trustLevel)
        .filter((m) => query.sanctioned === undefined || (m.sanction !== null) === (query.sanctioned === 'true'))
        .slice(0, 100);
    },

    async setRole(actor: AdminActor, id: string, role: Role): Promise<AdminMember> {
      requireAdmin(actor);
      if (id === actor.id) throw new AppError('bad_request', 'Ask another administrator to change your own role.');
      const member = await find(id);
      const from = member.role;
      await MemberModel.updateOne({ _id: member._id }, { $set: { role } });
      member.role = role;
      await deps.audit(actor.id, 'member.role', { type: 'member', id }, { from, to: role });
      deps.events.publish('member.updated', { memberId: id });
      return (await present([member]))[0]!;
    },

    /** Suspends the member for a while, with a reason the member is told when they try to sign in. */
    async suspend(actor: AdminActor, id: string, body: AdminSuspendBody): Promise<AdminMember> {
      requireAdmin(actor);
      const member = await find(id);
      if (id === actor.id) throw new AppError('bad_request', 'You cannot suspend yourself.');
      await deps.suspend(actor, id, body);
      return (await present([member]))[0]!;
    },

    async unsuspend(actor: AdminActor, id: string, reason: string): Promise<AdminMember> {
      requireAdmin(actor);
      const member = await find(id);
      if (!(await deps.liftSuspensions(actor, id, reason)))
        throw new AppError('conflict', 'This member is not suspended.');
      return (await present([member]))[0]!;
    },

    async resendVerification(actor: AdminActor, id: string): Promise<void> {
      requireAdmin(actor);
      const member = await find(id);
      await deps.resendVerification(member);
      await deps.audit(actor.id, 'member.verification_resent', { type: 'member', id }, {});
    },

    /** Sign-ups waiting for approval, oldest first (they have waited longest). */
    async pendingSignUps(actor: AdminActor): Promise<PendingSignUp[]> {
      requireAdmin(actor);
      const rows = await PendingSignUpModel.find({}).sort({ createdAt: 1 }).limit(200).lean<PendingSignUpFields[]>();
      return rows.map((r) => ({
        id: r._id.toHexString(),
        displayName: r.displayName,
        email: r.email,
        locale: r.locale,
        createdAt: r.createdAt.toISOString(),
      }));
    },

    /** Approves a sign-up: the account exists from now on, and the person is told by mail. */
    async approve(actor: AdminActor, signUpId: string): Promise<AdminMember> {
      requireAdmin(actor);
      const member = await deps.approveSignUp(signUpId);
      // No name or address in the log: the id resolves to the member while the account exists.
      await deps.audit(actor.id, 'member.approved', { type: 'member', id: signUpId }, {});
      return (await present([member]))[0]!;
    },

    /** Declines a sign-up: it is deleted; the log keeps only that an administrator declined one. */
    async decline(actor: AdminActor, signUpId: string): Promise<void> {
      requireAdmin(actor);
      await deps.declineSignUp(signUpId);
      await deps.audit(actor.id, 'member.declined', { type: 'sign_up', id: signUpId }, {});
    },
  };
}

export type MemberAdmin = ReturnType<typeof createMemberAdmin>;
