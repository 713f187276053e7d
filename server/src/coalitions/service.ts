import type {
  Coalition,
  CoalitionCreateBody,
  CoalitionDetailResponse,
  CoalitionListQuery,
  CoalitionPatchBody,
  CoalitionRequestDecision,
} from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { z } from 'zod';
import type { DomainEvents } from '../infra/domain-events.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import { loadMemberRefs } from '../forums/mentions.js';
import { archiveCoalitionCategories, dropCoalitionSubscriptionsOutside } from '../forums/coalition-visibility.js';
import { isAdmin, type Actor } from '../members/actor.js';
import { AppError } from '../http/errors.js';
import { escapeRegex, fold } from '../search/terms.js';
import { CoalitionModel, MembershipModel, type CoalitionFields, type MembershipFields } from './model.js';
import { exportCoalitionMember, forgetCoalitionMember } from './member-data.js';
import { assertMayPublish } from '../moderation/publishing.js';
import { readableCoalition, readableCoalitionOr404, readableCoalitions, type ReadableCoalition } from './read-rule.js';

const { trusted } = mongoose;

const cursorSchema = z.object({ n: cursorField.text(), i: cursorField.id() }).strict();

/** Coalitions: open ones anyone joins; others by request, approved by the coalition's admins. */
export function createCoalitionService(deps: { events: DomainEvents }) {
  async function membershipOf(coalitionId: Types.ObjectId, memberId: string): Promise<MembershipFields | null> {
    return MembershipModel.findOne({ coalitionId, memberId: new Types.ObjectId(memberId) }).lean<MembershipFields>();
  }

  function present(doc: ReadableCoalition, mine: MembershipFields | null | undefined): Coalition {
    return {
      id: doc._id.toHexString(),
      name: doc.name,
      description: doc.description,
      community: doc.community,
      joinPolicy: doc.joinPolicy,
      visibility: doc.visibility ?? 'public',
      memberCount: doc.memberCount,
      createdAt: doc.createdAt.toISOString(),
      myMembership: mine ? { role: mine.role, status: mine.status } : null,
    };
  }

  /** Coalition admins, and site administrators, manage a coalition. */
  async function assertManager(actor: Actor, coalition: CoalitionFields): Promise<void> {
    if (isAdmin(actor)) return;
    const mine = await membershipOf(coalition._id, actor.id);
    if (mine?.status === 'active' && mine.role === 'admin') return;
    throw new AppError('forbidden', 'Only the coalition’s admins can do that.');
  }

  const nameKeyOf = (name: string) => fold(name).replace(/\s+/g, ' ');
  const nameTaken = () =>
    new AppError('conflict', 'A coalition with this name already exists.', {
      fieldErrors: { name: ['taken'] },
      formErrors: [],
    });

  /**
   * After fewer members may read a private coalition's content (one left, or it turned private or
   * was deleted): category subscriptions of anyone else are dropped, so no digest lists its
   * threads to them, and open sockets are checked again (realtime/recheck-rooms.ts), so no live
   * push reaches them.
   */
  async function afterReadersShrank(coalition: Pick<CoalitionFields, '_id' | 'visibility'>, only?: string) {
    if (coalition.visibility !== 'private') return;
    const members = await MembershipModel.find(
      { coalitionId: coalition._id, status: 'active' },
      { memberId: 1 },
    ).lean();
    // A member still in keeps their subscriptions.
    if (only && members.some((m) => m.memberId.toHexString() === only)) return;
    await dropCoalitionSubscriptionsOutside(
      coalition._id,
      members.map((m) => m.memberId),
      only ? new Types.ObjectId(only) : undefined,
    );
    deps.events.publish('coalition.readersShrank', {
      coalitionId: coalition._id.toHexString(),
      memberId: only ?? null,
    });
  }

  async function detail(actor: Actor, coalition: ReadableCoalition): Promise<CoalitionDetailResponse> {
    const rows = await MembershipModel.find({ coalitionId: coalition._id })
      .sort({ createdAt: 1 })
      .limit(1000)
      .lean<MembershipFields[]>();
    const mine = rows.find((r) => r.memberId.toHexString() === actor.id) ?? null;
    const manages = isAdmin(actor) || (mine?.status === 'active' && mine.role === 'admin');
    const refs = await loadMemberRefs(rows.map((r) => r.memberId));
    const ref = (r: MembershipFields) => refs.get(r.memberId.toHexString());
    return {
      coalition: present(coalition, mine),
      members: rows
        .filter((r) => r.status === 'active' && ref(r))
        .map((r) => ({ member: ref(r)!, role: r.role, since: r.updatedAt.toISOString() })),
      requests: manages
        ? rows
            .filter((r) => r.status === 'pending' && ref(r))
            .map((r) => ({ member: ref(r)!, requestedAt: r.createdAt.toISOString() }))
        : [],
    };
  }

  return {
    /** This domain's part of a member's data export (members/member-data.ts). */
    exportMember: (memberId: string) => exportCoalitionMember(memberId),
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    forgetMember: (memberId: string) => forgetCoalitionMember(memberId),
    async create(actor: Actor, body: CoalitionCreateBody): Promise<CoalitionDetailResponse> {
      await assertMayPublish(actor);
      let doc: CoalitionFields;
      try {
        doc = (
          await CoalitionModel.create({
            ...body,
            nameKey: nameKeyOf(body.name),
            createdById: new Types.ObjectId(actor.id),
            memberCount: 1,
          })
        ).toObject() as CoalitionFields;
      } catch (err) {
        if (isDuplicateKey(err)) throw nameTaken();
        throw err;
      }
      await MembershipModel.create({
        coalitionId: doc._id,
        memberId: new Types.ObjectId(actor.id),
        role: 'admin',
        status: 'active',
      });
      return detail(actor, readableCoalition(actor, doc));
    },

    async list(
      actor: Actor,
      query: CoalitionListQuery,
    ): Promise<{ coalitions: Coalition[]; nextCursor: string | null }> {
      const and: Array<Record<string, unknown>> = [];
      for (const word of fold(query.q ?? '')
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean)
        .slice(0, 5)) {
        const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(word)}`, 'iu');
        and.push({ $or: [{ nameKey: re }, { community: re }] });
      }
      if (query.mine === 'true') {
        const mine = await MembershipModel.find({ memberId: new Types.ObjectId(actor.id) }, { coalitionId: 1 })
          .limit(1000)
          .lean();
        and.push({ _id: trusted({ $in: mine.map((m) => m.coalitionId) }) });
      }
      if (query.cursor) {
        const c = decodeCursor(cursorSchema, query.cursor);
        and.push({
          $or: [{ nameKey: trusted({ $gt: c.n }) }, { nameKey: c.n, _id: trusted({ $gt: new Types.ObjectId(c.i) }) }],
        });
      }
      const docs = await CoalitionModel.find(and.length ? { $and: and } : {})
        .sort({ nameKey: 1, _id: 1 })
        .limit(query.limit + 1)
        .lean<CoalitionFields[]>();
      const page = docs.slice(0, query.limit);
      const mine = await MembershipModel.find({
        memberId: new Types.ObjectId(actor.id),
        coalitionId: trusted({ $in: page.map((d) => d._id) }),
      }).lean<MembershipFields[]>();
      const mineBy = new Map(mine.map((m) => [m.coalitionId.toHexString(), m]));
      const last = page.at(-1);
      return {
        coalitions: readableCoalitions(actor, page).map((d) => present(d, mineBy.get(d._id.toHexString()))),
        nextCursor:
          docs.length > query.limit && last ? encodeCursor({ n: last.nameKey, i: last._id.toHexString() }) : null,
      };
    },

    async get(actor: Actor, id: string): Promise<CoalitionDetailResponse> {
      return detail(actor, await readableCoalitionOr404(actor, id));
    },

    /** Open coalitions: joined at once. Others: a request waits for an admin. */
    async join(actor: Actor, id: string): Promise<CoalitionDetailResponse> {
      const coalition = await readableCoalitionOr404(actor, id);
      const status = coalition.joinPolicy === 'open' ? 'active' : 'pending';
      try {
        await MembershipModel.create({
          coalitionId: coalition._id,
          memberId: new Types.ObjectId(actor.id),
          role: 'member',
          status,
        });
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError('conflict', 'You are already a member or have asked to join.');
        throw err;
      }
      if (status === 'active') await CoalitionModel.updateOne({ _id: coalition._id }, { $inc: { memberCount: 1 } });
      return detail(actor, await readableCoalitionOr404(actor, id));
    },

    /** Leave, or withdraw a request. The last admin cannot leave while others remain. */
    async leave(actor: Actor, id: string): Promise<CoalitionDetailResponse> {
      const coalition = await readableCoalitionOr404(actor, id);
      const mine = await membershipOf(coalition._id, actor.id);
      if (!mine) throw new AppError('not_found', 'You are not a member of this coalition.');
      if (mine.role === 'admin' && mine.status === 'active') {
        const admins = await MembershipModel.countDocuments({
          coalitionId: coalition._id,
          role: 'admin',
          status: 'active',
        });
        if (admins <= 1 && coalition.memberCount > 1)
          throw new AppError('conflict', 'Make another member an admin before you leave.');
      }
      const removed = await MembershipModel.deleteOne({ _id: mine._id });
      if (removed.deletedCount > 0 && mine.status === 'active')
        await CoalitionModel.updateOne({ _id: coalition._id }, { $inc: { memberCount: -1 } });
      await afterReadersShrank(coalition, actor.id);
      return detail(actor, await readableCoalitionOr404(actor, id));
    },

    /** Coalition admins (and site administrators) change its name, description, place and policies. */
    async update(actor: Actor, id: string, patch: CoalitionPatchBody): Promise<CoalitionDetailResponse> {
      await assertMayPublish(actor);
      const coalition = await readableCoalitionOr404(actor, id);
      await assertManager(actor, coalition);
      const set: Record<string, unknown> = { ...patch };
      if (patch.name !== undefined) {
        const nameKey = nameKeyOf(patch.name);
        set.nameKey = nameKey;
        const clash = await CoalitionModel.exists({ nameKey, _id: trusted({ $ne: coalition._id }) });
        if (clash) throw nameTaken();
      }
      let updated: CoalitionFields | null;
      try {
        updated = await CoalitionModel.findOneAndUpdate(
          { _id: coalition._id },
          { $set: set },
          { returnDocument: 'after' },
        ).lean<CoalitionFields>();
      } catch (err) {
        if (isDuplicateKey(err)) throw nameTaken();
        throw err;
      }
      if (!updated) throw new AppError('not_found', 'No coalition with this id.');
      // Turning private: outsiders' subscriptions to its categories go.
      if (coalition.visibility !== 'private') await afterReadersShrank(updated);
      return detail(actor, readableCoalition(actor, updated));
    },

    /**
     * Site administrators delete a coalition: its memberships go, its categories are archived
     * (with their threads, then seen by administrators only), its labs stay for staff and their
     * facilitators (coalitions/access.ts treats a missing coalition as private with no members).
     */
    async remove(actor: Actor, id: string): Promise<void> {
      if (!isAdmin(actor)) throw new AppError('forbidden', 'Only administrators can delete a coalition.');
      const coalition = await readableCoalitionOr404(actor, id);
      await CoalitionModel.deleteOne({ _id: coalition._id });
      await MembershipModel.deleteMany({ coalitionId: coalition._id });
      await archiveCoalitionCategories(coalition._id);
      await afterReadersShrank({ _id: coalition._id, visibility: 'private' });
    },

    async decide(
      actor: Actor,
      id: string,
      memberId: string,
      { decision }: CoalitionRequestDecision,
    ): Promise<CoalitionDetailResponse> {
      const coalition = await readableCoalitionOr404(actor, id);
      await assertManager(actor, coalition);
      const filter = { coalitionId: coalition._id, memberId: new Types.ObjectId(memberId), status: 'pending' as const };
      if (decision === 'approve') {
        const res = await MembershipModel.updateOne(filter, { $set: { status: 'active' } });
        if (res.modifiedCount === 0) throw new AppError('not_found', 'No request from this member.');
        await CoalitionModel.updateOne({ _id: coalition._id }, { $inc: { memberCount: 1 } });
      } else {
        const res = await MembershipModel.deleteOne(filter);
        if (res.deletedCount === 0) throw new AppError('not_found', 'No request from this member.');
      }
      return detail(actor, await readableCoalitionOr404(actor, id));
    },
  };
}

export type CoalitionService = ReturnType<typeof createCoalitionService>;
