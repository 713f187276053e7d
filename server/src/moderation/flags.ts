import { FLAG_HIDE_THRESHOLD, type FlagBody, type PostStatus } from '@commons/shared';
import { Types } from 'mongoose';
import { postStates } from '../forums/reads.js';
import { readablePostOr404 } from '../forums/read-rule.js';
import { isModerator, type Actor } from '../members/actor.js';
import { AppError } from '../http/errors.js';
import type { Limiter } from '../http/rate-limit.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { ItemOps } from './items.js';
import { FlagModel, ProfileModel } from './model.js';
import { flagWeight, hidesAtOnce } from './rules.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { writeAudit } from './support.js';

export interface FlagDeps {
  events: DomainEvents;
  items: ItemOps;
  now: () => Date;
  /** Spent once per flag (null: unlimited). */
  flagLimiter?: Limiter | null;
  /** Spent when a child-safety report hides a post before review (null: unlimited). */
  urgentHideLimiter?: Limiter | null;
}

/** A member reports a post: weighted by their trust and accuracy, hidden at once when the weight says so. */
export function createFlags(deps: FlagDeps) {
  const { events, items, now } = deps;
  const notFound = () => new AppError('not_found', 'No post with this id.');

  return async function flag(
    actor: Actor,
    postId: string,
    body: FlagBody,
  ): Promise<{ flagged: true; postStatus: PostStatus }> {
    // A post the member may not read (by the forums' one rule: its status, its thread, its
    // category's coalition and archive) answers exactly as a missing one.
    const post = await readablePostOr404(actor, postId);
    if (post.deleted) throw notFound();
    if (post.authorId.toHexString() === actor.id) throw new AppError('forbidden', 'You cannot flag your own post.');
    await deps.flagLimiter?.consume(actor.id);
    if (await FlagModel.exists({ postId: post._id, flaggerId: actor.id }))
      throw new AppError('conflict', 'You have already flagged this post.');
    const profile = await ProfileModel.findOne({ memberId: actor.id }).lean();
    const weight = flagWeight({
      role: actor.role,
      trustLevel: profile?.trustLevel ?? 0,
      flagsUpheld: profile?.flagsUpheld ?? 0,
      flagsRejected: profile?.flagsRejected ?? 0,
    });
    try {
      await FlagModel.create({
        postId: post._id,
        flaggerId: new Types.ObjectId(actor.id),
        reason: body.reason,
        note: body.note ?? '',
        weight,
        createdAt: now(),
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('conflict', 'You have already flagged this post.');
      throw err;
    }
    let item = await items.openItem(post);
    const open = await FlagModel.find({ postId: post._id, outcome: 'open' }, { weight: 1, reason: 1 }).lean();
    const reasons = [...new Set(open.map((f) => f.reason))];
    const total = open.reduce((s, f) => s + f.weight, 0);
    const childSafetyWeight = open.filter((f) => f.reason === 'child_safety').reduce((s, f) => s + f.weight, 0);
    if (post.status === 'visible' || post.status === undefined) {
      const urgentOnly = total < FLAG_HIDE_THRESHOLD && body.reason === 'child_safety';
      // A child-safety report that hides on its own weight spends the reporter's daily budget.
      const allowed =
        hidesAtOnce({ childSafetyWeight, weight: total }) &&
        (!urgentOnly || isModerator(actor) || (await (deps.urgentHideLimiter?.tryConsume(actor.id) ?? true)));
      if (allowed) await items.restrictPost(post, 'hidden', reasons);
    }
    item = await items.refreshPriority(item);
    if (isModerator(actor))
      await writeAudit(now(), actor, 'flag.create_moderator', { type: 'post', id: postId }, body.note ?? body.reason, {
        reason: body.reason,
      });
    if (body.reason === 'child_safety')
      events.publish('moderation.urgent', { itemId: item._id.toHexString(), postId, reason: body.note ?? '' });
    events.publish('moderation.itemChanged', { itemId: item._id.toHexString() });
    const [after] = await postStates([post._id]);
    return { flagged: true, postStatus: after?.status ?? 'visible' };
  };
}
