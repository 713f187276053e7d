import { Types, type MongooseQueryMiddleware, type Query, type Schema } from 'mongoose';
import { dropKeptMany } from '../infra/read-models.js';

/*
 * Each member's record, kept in Redis for the requests and sockets that act as them: every
 * signed-in request and every socket handshake reads its member, which was one store command on
 * every hot path. Every write to the members' collection drops the copies of the members it names
 * after it is stored (hooks on the schema below, so no write path can forget), and a version
 * counter makes a read that raced a write keep nothing (infra/read-models.ts).
 */

/** Kept at most this long without a change: bounds what a write whose drop failed leaves behind. */
export const KEPT_MEMBER_TTL_SECONDS = 300;

export const keptMemberKey = (id: string): string => `member:${id}`;

/**
 * What is kept: everything but the password's hash, which stays in the store and is read only
 * where a password is checked (`passwordHashOf`).
 */
export const KEPT_PROJECTION = { passwordHash: 0 } as const;

/** The members a write's filter names by `_id` (one id, or `$in` ids); null when it names none. */
function idsInFilter(filter: Record<string, unknown>): string[] | null {
  const id = filter._id;
  if (id instanceof Types.ObjectId || typeof id === 'string') return [String(id)];
  const among = (id as { $in?: unknown } | undefined)?.$in;
  return Array.isArray(among) ? among.map(String) : null;
}

/** Drops the kept records of these members (after their write is stored). */
export function dropKeptMembers(ids: Iterable<string | Types.ObjectId>): Promise<void> {
  return dropKeptMany([...ids].map((id) => keptMemberKey(String(id))));
}

/** Writes whose own result names the member they changed. */
const FIND_AND_WRITE: MongooseQueryMiddleware[] = ['findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete'];
/** Writes that must name their members by `_id` in the filter. */
const FILTERED_WRITES: MongooseQueryMiddleware[] = ['updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany'];

/**
 * Installs the drops on the members' schema (before the model is compiled). A filtered write
 * that does not name its members by `_id` is refused before it runs: it could change members
 * whose kept copies nobody would drop.
 */
export function dropKeptOnWrite<T>(schema: Schema<T>): void {
  schema.post('save', async function (this: { _id: Types.ObjectId }) {
    await dropKeptMembers([this._id]);
  });
  schema.post('deleteOne', { document: true, query: false }, async function (this: { _id: Types.ObjectId }) {
    await dropKeptMembers([this._id]);
  });
  schema.pre(FILTERED_WRITES, { document: false, query: true }, function (this: Query<unknown, T>) {
    if (!idsInFilter(this.getFilter() as Record<string, unknown>))
      throw new Error(
        `members.${(this as { op?: string }).op ?? 'write'}: name the members by _id, so their kept records can be dropped`,
      );
  });
  schema.post(FILTERED_WRITES, { document: false, query: true }, async function (this: Query<unknown, T>) {
    await dropKeptMembers(idsInFilter(this.getFilter() as Record<string, unknown>) ?? []);
  });
  schema.post(FIND_AND_WRITE, async function (res: { _id?: Types.ObjectId } | null) {
    if (res?._id) await dropKeptMembers([res._id]);
  });
  schema.pre('bulkWrite', function () {
    throw new Error('members.bulkWrite: write members one filter at a time, so their kept records can be dropped');
  });
}
