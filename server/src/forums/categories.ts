import type {
  Category,
  CategoryCreateBody,
  CategoryListQuery,
  CategoryPatchBody,
  SubscriptionLevel,
} from '@commons/shared';
import mongoose from 'mongoose';
import { activeCoalitionIds, assertCoalitionAdmin } from '../coalitions/access.js';
import { AppError } from '../http/errors.js';
import { isVisitor } from '../site/viewer.js';
import { assertCanReadCategory } from './coalition-visibility.js';
import { slugHandle } from './mentions.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { idOr404, notFound, type ForumContext } from './context.js';
import { CategoryModel, CategorySubscriptionModel, ThreadModel, type CategoryFields } from './model.js';
import { categoryWatchChanged } from './watchers.js';
import { forumPolicy } from './policy.js';
import { readableCategoryOr404 } from './read-rule.js';
import { type Actor } from '../members/actor.js';
import { effectiveLastRead, loadCategoryLevels, loadThreadStates, type Lean } from './present.js';
import { isThreadListed, unreadCountFor } from './thread-visibility.js';
import { forumPagesChanged, memberMarksChanged } from './page-model.js';

const { trusted } = mongoose;

/** Threads looked at when counting a member's unread threads per category (the most recent ones). */
const UNREAD_SCAN_LIMIT = 5000;

type CategoryLean = Lean<CategoryFields>;

async function threadCounts(): Promise<Map<string, number>> {
  // Threads whose opening post is held or hidden are not counted (they are listed for few).
  const rows = await ThreadModel.aggregate<{ _id: mongoose.Types.ObjectId; n: number }>([
    { $match: { hidden: { $ne: true } } },
    { $group: { _id: '$categoryId', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [String(r._id), r.n]));
}

/**
 * Per category, the threads with posts the member has not read: threads active since they
 * joined whose last sequence number is past their read mark, muted ones left out.
 */
async function unreadThreadCounts(actor: Actor, levels: Map<string, SubscriptionLevel>): Promise<Map<string, number>> {
  const threads = await ThreadModel.find(
    { lastActivityAt: trusted({ $gte: actor.createdAt }) },
    { categoryId: 1, lastSeq: 1, lastActivityAt: 1, hidden: 1, authorId: 1, restrictedSeqs: 1 },
  )
    .sort({ lastActivityAt: -1 })
    .limit(UNREAD_SCAN_LIMIT)
    .lean();
  const states = await loadThreadStates(
    actor.id,
    threads.map((t) => t._id),
  );
  const out = new Map<string, number>();
  for (const t of threads) {
    const categoryId = t.categoryId.toHexString();
    const state = states.get(t._id.toHexString());
    const level = state?.level ?? levels.get(categoryId) ?? 'normal';
    if (level === 'muted' || !isThreadListed(actor, t)) continue;
    if (unreadCountFor(t, effectiveLastRead(t, state, actor), actor) > 0)
      out.set(categoryId, (out.get(categoryId) ?? 0) + 1);
  }
  return out;
}

async function presentCategories(categories: CategoryLean[], actor: Actor): Promise<Category[]> {
  const levels = await loadCategoryLevels(actor.id);
  const [counts, unread] = await Promise.all([threadCounts(), unreadThreadCounts(actor, levels)]);
  return categories.map((c) => {
    const id = c._id.toHexString();
    return {
      id,
      slug: c.slug,
      name: c.name,
      description: c.description,
      position: c.position,
      archived: c.archived,
      public: Boolean(c.public),
      coalitionId: c.coalitionId ? c.coalitionId.toHexString() : null,
      threadCount: counts.get(id) ?? 0,
      unreadThreadCount: unread.get(id) ?? 0,
      subscription: levels.get(id) ?? 'normal',
    };
  });
}

export async function findCategory(id: string): Promise<CategoryLean> {
  const category = await CategoryModel.findById(idOr404(id, 'category')).lean<CategoryLean>();
  if (!category) throw notFound('category');
  return category;
}

/** A coalition's categories are for its members (and, if it is public, every member): never for visitors. */
const coalitionStaysClosed = () =>
  new AppError('conflict', 'A coalition’s categories cannot be public; only site-wide categories can.', {
    fieldErrors: { public: ['coalition category'] },
    formErrors: [],
  });

export function categoryOps(ctx: ForumContext) {
  async function presentOne(category: CategoryLean, actor: Actor): Promise<Category> {
    const [out] = await presentCategories([category], actor);
    return out!;
  }

  return {
    async listCategories(actor: Actor, query: CategoryListQuery): Promise<Category[]> {
      await ctx.ready();
      const includeArchived = query.includeArchived === 'true';
      if (includeArchived) forumPolicy.manageCategories(actor);
      const filter: Record<string, unknown> = includeArchived ? {} : { archived: false };
      if (isVisitor(actor)) {
        // A visitor's index: the public site-wide categories (the read rule says the same per category).
        if (includeArchived || query.coalitionId) return [];
        filter.public = true;
        filter.coalitionId = null;
      } else if (query.coalitionId) {
        // One coalition's categories (its page), if the actor may read them.
        const coalitionId = new mongoose.Types.ObjectId(query.coalitionId);
        await assertCanReadCategory(actor, { coalitionId });
        filter.coalitionId = coalitionId;
      } else {
        // The forum index: site-wide categories and those of the coalitions the actor belongs to.
        filter.coalitionId = trusted({ $in: [null, ...(await activeCoalitionIds(actor.id))] });
      }
      const categories = await CategoryModel.find(filter).sort({ position: 1, name: 1 }).lean<CategoryLean[]>();
      return presentCategories(categories, actor);
    },

    /** One category by id or slug. */
    async getCategory(actor: Actor, idOrSlug: string): Promise<Category> {
      await ctx.ready();
      return presentOne(await readableCategoryOr404(actor, idOrSlug), actor);
    },

    async createCategory(actor: Actor, body: CategoryCreateBody): Promise<Category> {
      // A coalition's own category: made by its admins; its default slug carries the coalition's name.
      const coalition = body.coalitionId ? await assertCoalitionAdmin(actor, body.coalitionId) : null;
      if (!coalition) forumPolicy.manageCategories(actor);
      if (coalition && body.public) throw coalitionStaysClosed();
      await ctx.ready();
      const slug = body.slug ?? slugHandle(coalition ? `${coalition.name} ${body.name}` : body.name);
      let position = body.position;
      if (position === undefined) {
        const last = await CategoryModel.findOne({}, { position: 1 }).sort({ position: -1 }).lean();
        position = (last?.position ?? -1) + 1;
      }
      try {
        const created = await CategoryModel.create({
          slug,
          name: body.name,
          description: body.description,
          position,
          archived: false,
          public: body.public ?? false,
          coalitionId: coalition?._id ?? null,
        });
        ctx.events.publish('category.changed', {
          actorId: actor.id,
          categoryId: created._id.toHexString(),
          action: 'category.create',
          details: { name: body.name, coalitionId: coalition?._id.toHexString() ?? null },
        });
        return presentOne(created.toObject<CategoryLean>(), actor);
      } catch (err) {
        if (isDuplicateKey(err))
          throw new AppError('conflict', `A category with the slug "${slug}" already exists.`, {
            fieldErrors: { slug: ['taken'] },
          });
        throw err;
      }
    },

    /**
     * The coalition's first open category, or one made for it when it has none: where the
     * platform itself posts a coalition's content (a lab's summary), which never goes site-wide.
     * Two callers at once make one category (the slug is unique; the loser reads the winner's).
     */
    async coalitionCategoryFor(
      actor: Actor,
      coalitionId: string,
      make: { slug: string; name: string; description: string },
    ): Promise<Category> {
      await ctx.ready();
      const id = new mongoose.Types.ObjectId(coalitionId);
      const first = () =>
        CategoryModel.findOne({ coalitionId: id, archived: false }).sort({ position: 1, name: 1 }).lean<CategoryLean>();
      const existing = await first();
      if (existing) return presentOne(existing, actor);
      const last = await CategoryModel.findOne({}, { position: 1 }).sort({ position: -1 }).lean();
      try {
        const created = await CategoryModel.create({
          ...make,
          position: (last?.position ?? -1) + 1,
          archived: false,
          coalitionId: id,
        });
        return presentOne(created.toObject<CategoryLean>(), actor);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const made = await first();
        if (!made) throw err;
        return presentOne(made, actor);
      }
    },

    async updateCategory(actor: Actor, id: string, patch: CategoryPatchBody): Promise<Category> {
      const existing = await findCategory(id);
      if (existing.coalitionId) await assertCoalitionAdmin(actor, existing.coalitionId.toHexString());
      else forumPolicy.manageCategories(actor);
      if (existing.coalitionId && patch.public) throw coalitionStaysClosed();
      const updated = await CategoryModel.findOneAndUpdate(
        { _id: idOr404(id, 'category') },
        { $set: patch },
        { returnDocument: 'after' },
      ).lean<CategoryLean>();
      if (!updated) throw notFound('category');
      // An archive or a change of who may read it reaches every cached page of the category.
      await forumPagesChanged({ required: true });
      ctx.events.publish('category.changed', {
        actorId: actor.id,
        categoryId: id,
        action: 'category.update',
        details: { ...patch },
      });
      return presentOne(updated, actor);
    },

    /** For `category:join`: the category must exist and be visible to the member. */
    async joinCategory(actor: Actor, id: string): Promise<{ categoryId: string }> {
      const category = await readableCategoryOr404(actor, id);
      return { categoryId: category._id.toHexString() };
    },

    async setCategorySubscription(
      actor: Actor,
      id: string,
      level: SubscriptionLevel,
    ): Promise<{ level: SubscriptionLevel }> {
      const category = await readableCategoryOr404(actor, id);
      await CategorySubscriptionModel.updateOne(
        { memberId: actor.id, categoryId: category._id },
        { $set: { level } },
        { upsert: true },
      );
      await Promise.all([memberMarksChanged(actor.id), categoryWatchChanged([category._id])]);
      return { level };
    },
  };
}
