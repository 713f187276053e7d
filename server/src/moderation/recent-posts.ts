import { Types } from 'mongoose';
import { postsOfAuthorSince } from '../forums/reads.js';
import { readModels } from '../infra/read-models.js';
import { bodyFingerprint } from './rules.js';

/*
 * Each member's posts of the last day as screening needs them (repeats and bursts): a window in
 * Redis, one sorted set per author (`<postId>:<fingerprint of the body>` by time written), kept
 * by the forums' writes as they happen (written, edited, deleted) instead of read from the store
 * for every screened post. A window not known to be whole (Redis lost it, or the author has not
 * posted for a day) is built once from the store; until then writes only add to it.
 */

const DAY_MS = 24 * 3600_000;
/** The burst window reaches 5 minutes before a post: kept that much longer than a day. */
const KEEP_MS = DAY_MS + 10 * 60_000;
const keyOf = (prefix: string, authorId: string) => `${prefix}:mod:recent:${authorId}`;
const wholeKeyOf = (prefix: string, authorId: string) => `${prefix}:mod:recent:${authorId}:whole`;

export interface RecentPost {
  postId: string;
  fingerprint: string;
  at: number;
}

const member = (postId: string, body: string) => `${postId}:${bodyFingerprint(body)}`;

/** A post written, or its body replaced (`before`: the body it replaced). Best effort: never fails the write. */
export async function notePostWritten(
  authorId: string,
  postId: string,
  body: string,
  createdAt: Date,
  before?: string,
): Promise<void> {
  const models = readModels();
  if (!models) return;
  const key = keyOf(models.prefix, authorId);
  const tx = models.redis.multi();
  if (before !== undefined) tx.zrem(key, member(postId, before));
  // A window known whole stays so while every write lands in it.
  await tx
    .zadd(key, createdAt.getTime(), member(postId, body))
    .zremrangebyscore(key, '-inf', Date.now() - KEEP_MS)
    .pexpire(key, KEEP_MS)
    .pexpire(wholeKeyOf(models.prefix, authorId), KEEP_MS)
    .exec()
    .catch((err: unknown) => models.log?.warn({ err, postId }, "a post left out of its author's screening window"));
}

/** A post deleted: it no longer counts as a repeat. */
export async function notePostGone(authorId: string, postId: string, body: string): Promise<void> {
  const models = readModels();
  if (!models) return;
  await models.redis
    .zrem(keyOf(models.prefix, authorId), member(postId, body))
    .catch((err: unknown) => models.log?.warn({ err, postId }, "a deleted post left in its author's screening window"));
}

/** The author's posts written since `since` (not deleted), from the window; built from the store when not whole. */
export async function recentPostsOf(authorId: string, since: number): Promise<RecentPost[]> {
  const models = readModels();
  if (!models) return fromStore(authorId, since);
  const { redis, prefix } = models;
  const key = keyOf(prefix, authorId);
  if (!(await redis.exists(wholeKeyOf(prefix, authorId)))) {
    const rows = await fromStore(authorId, Date.now() - KEEP_MS);
    const tx = redis.multi();
    for (const r of rows) tx.zadd(key, r.at, `${r.postId}:${r.fingerprint}`);
    // Keeping is best effort (a post is judged as it is written): a Redis that refuses writes
    // still gets the window read, unkept.
    await tx
      .pexpire(key, KEEP_MS)
      .set(wholeKeyOf(prefix, authorId), '1', 'PX', KEEP_MS)
      .exec()
      .catch((err: unknown) => models.log?.warn({ err, authorId }, 'a screening window left unkept'));
    return rows.filter((r) => r.at >= since);
  }
  const entries = await redis.zrangebyscore(key, since, '+inf', 'WITHSCORES');
  const out: RecentPost[] = [];
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const [postId, fingerprint] = entries[i]!.split(':');
    out.push({ postId: postId!, fingerprint: fingerprint ?? '', at: Number(entries[i + 1]) });
  }
  return out;
}

async function fromStore(authorId: string, since: number): Promise<RecentPost[]> {
  const rows = await postsOfAuthorSince(new Types.ObjectId(authorId), new Date(since), 1000);
  return rows
    .filter((r) => !r.deleted)
    .map((r) => ({ postId: r._id.toHexString(), fingerprint: bodyFingerprint(r.body), at: r.createdAt.getTime() }));
}
