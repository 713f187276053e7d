import { addToKept, dropKept, dropKeptMany, keptCounts } from '../infra/read-models.js';
import { Types } from 'mongoose';
import { storeKind } from '../infra/store/index.js';
import { NotificationModel } from './model.js';

/*
 * Each member's count of unread notifications, kept in Redis (infra/read-models.ts): every
 * notification pushed carries it, so counting rows per member made a fan-out cost one store
 * command per watcher. A new unread row adds one to it; marking read, a retried fan-out that
 * cannot tell whether it counted, or a member forgotten drop it, and the next read counts again.
 */

const keyOf = (memberId: string) => `notif:unread:${memberId}`;
/** Counted again from the store at least this often, whatever happened meanwhile. */
const TTL_SECONDS = 86_400;

/**
 * Unread rows of these members, counted from the store together: one grouped count on MongoDB;
 * FerretDB 1.24 evaluates `$in` over the whole collection, so there each member is counted alone.
 */
async function countRows(memberIds: string[]): Promise<Map<string, number>> {
  if (storeKind() !== 'mongodb' || memberIds.length === 1)
    return new Map(
      await Promise.all(
        memberIds.map(
          async (id) => [id, await NotificationModel.countDocuments({ memberId: id, read: false }).exec()] as const,
        ),
      ),
    );
  const rows = await NotificationModel.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { memberId: { $in: memberIds.map((id) => new Types.ObjectId(id)) }, read: false } },
    { $group: { _id: '$memberId', n: { $sum: 1 } } },
  ]).exec();
  return new Map(rows.map((r) => [r._id.toHexString(), r.n]));
}

export async function unreadCounts(memberIds: string[]): Promise<Map<string, number>> {
  const ids = [...new Set(memberIds)];
  const byKey = await keptCounts(ids.map(keyOf), TTL_SECONDS, async (keys) => {
    const counted = await countRows(keys.map((k) => k.slice(keyOf('').length)));
    return new Map(keys.map((k) => [k, counted.get(k.slice(keyOf('').length)) ?? 0]));
  });
  return new Map(ids.map((id) => [id, byKey.get(keyOf(id)) ?? 0]));
}

export async function unreadCount(memberId: string): Promise<number> {
  return (await unreadCounts([memberId])).get(memberId) ?? 0;
}

/** After new unread rows were stored for these members (one each). */
export async function unreadAdded(memberIds: string[]): Promise<void> {
  await addToKept(memberIds.map(keyOf));
}

/** After rows of these members were marked read or removed, or when a retry cannot tell what it counted. */
export async function unreadChanged(memberIds: string[]): Promise<void> {
  if (memberIds.length === 0) return;
  if (memberIds.length === 1) await dropKept(keyOf(memberIds[0]!));
  else await dropKeptMany(memberIds.map(keyOf));
}
