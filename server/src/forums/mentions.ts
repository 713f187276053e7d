import { LRUCache } from 'lru-cache';
import type { MemberRef } from '@commons/shared';
import mongoose, { type Types } from 'mongoose';
import { avatarOf } from '../members/avatar-ref.js';
import { displayNames, eachMember, membersByIds } from '../members/reads.js';
import { escapeRegex, fold } from '../search/terms.js';
import type { MentionTarget } from './markdown.js';
import { MemberHandleModel } from './model.js';
import { findIn, isDuplicateKey } from '../infra/store/index.js';

/*
 * Mentions are written `@handle`. "@Display Name" cannot be parsed reliably (where does the
 * name end?), so every member gets a handle: the slug of their display name, accents folded
 * ("Ana López" -> "ana-lopez"), with "-2", "-3"... when two names clash. Handles live in the
 * forums' own collection, kept in step by listeners (member.registered / member.updated) and a
 * backfill at start-up, so the members domain is untouched. A rename gives a new handle; mentions
 * already made keep pointing at the member id they resolved to.
 */

const { trusted } = mongoose;

export function slugHandle(displayName: string): string {
  const slug = fold(displayName)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'member';
}

function fits(handle: string, base: string): boolean {
  return handle === base || new RegExp(`^${escapeRegex(base)}-\\d+$`).test(handle);
}

/** Gives the member a handle for their current display name (keeps the one they have if it still fits). */
export async function syncHandle(memberId: Types.ObjectId | string, displayName: string): Promise<string> {
  forgetMemberRef(memberId);
  const base = slugHandle(displayName);
  const existing = await MemberHandleModel.findOne({ memberId }).lean();
  if (existing && fits(existing.handle, base)) {
    if (existing.displayName !== displayName)
      await MemberHandleModel.updateOne({ memberId }, { $set: { displayName } });
    return existing.handle;
  }
  for (let n = 1; n < 1000; n++) {
    const handle = n === 1 ? base : `${base}-${n}`;
    try {
      await MemberHandleModel.updateOne({ memberId }, { $set: { handle, displayName } }, { upsert: true });
      return handle;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Either the handle is taken or a concurrent sync created this member's entry: look again.
      const mine = await MemberHandleModel.findOne({ memberId }).lean();
      if (mine && fits(mine.handle, base)) return mine.handle;
    }
  }
  throw new Error(`no free handle for ${base}`);
}

/** Gives every member without a (current) handle one. Runs at start-up and when a mention misses. */
export async function backfillHandles(): Promise<number> {
  const handles = new Map<string, string>();
  for await (const h of MemberHandleModel.find({}, { memberId: 1, displayName: 1 }).lean().cursor()) {
    handles.set(h.memberId.toHexString(), h.displayName);
  }
  let synced = 0;
  // Former members (deleted accounts) have no handle: nobody can mention them.
  for await (const m of eachMember(['displayName', 'deletedAt'])) {
    if (m.deletedAt || handles.get(m._id.toHexString()) === m.displayName) continue;
    await syncHandle(m._id, m.displayName);
    synced++;
  }
  return synced;
}

/** When each database was last backfilled (one in a process; test files sharing a process have one each). */
const lastBackfill = new Map<string, number>();

/** Resolves handles to members; unknown handles are left out. */
export async function resolveHandles(handles: string[]): Promise<Map<string, MentionTarget>> {
  const lookup = async () => {
    const found = await MemberHandleModel.find({ handle: trusted({ $in: handles }) }).lean();
    const names = await displayNames(found.map((h) => h.memberId));
    const out = new Map<string, MentionTarget>();
    for (const h of found) {
      const id = h.memberId.toHexString();
      const displayName = names.get(id);
      if (displayName !== undefined) out.set(h.handle, { id, displayName });
    }
    return out;
  };
  let out = await lookup();
  // A member registered a moment ago may not have a handle yet: backfill, at most every 10 s.
  const db = MemberHandleModel.db.name;
  if (out.size < handles.length && Date.now() - (lastBackfill.get(db) ?? 0) > 10_000) {
    lastBackfill.set(db, Date.now());
    if ((await backfillHandles()) > 0) out = await lookup();
  }
  return out;
}

/**
 * Display names and handles change rarely and every page shows many authors, so each process
 * keeps them briefly. A rename in this process forgets the entry at once; other processes see
 * it within the TTL.
 */
const refCache = new LRUCache<string, MemberRef>({ max: 20_000, ttl: 30_000 });

export function forgetMemberRef(memberId: Types.ObjectId | string): void {
  refCache.delete(String(memberId));
}

/** Members by id as lists show them (display name and handle); unknown ids are left out. */
export async function loadMemberRefs(
  ids: Iterable<Types.ObjectId | string | null | undefined>,
): Promise<Map<string, MemberRef>> {
  const unique = [
    ...new Set([...ids].filter((id): id is Types.ObjectId | string => Boolean(id)).map((id) => String(id))),
  ];
  const out = new Map<string, MemberRef>();
  const missing: string[] = [];
  for (const id of unique) {
    const cached = refCache.get(id);
    if (cached) out.set(id, cached);
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  const [members, handles] = await Promise.all([
    membersByIds(missing, ['displayName', 'avatarVersion']),
    findIn('memberId', missing, (match) => MemberHandleModel.find(match, { memberId: 1, handle: 1 }).lean()),
  ]);
  const handleOf = new Map(handles.map((h) => [h.memberId.toHexString(), h.handle]));
  for (const m of members) {
    const id = m._id.toHexString();
    const avatar = avatarOf(m);
    const ref: MemberRef = {
      id,
      displayName: m.displayName,
      handle: handleOf.get(id) ?? slugHandle(m.displayName),
      ...(avatar ? { avatar } : {}),
    };
    // A member without a stored handle yet gets one soon (backfill): do not pin the guess.
    if (handleOf.has(id)) refCache.set(id, ref);
    out.set(id, ref);
  }
  return out;
}

/** Members whose handle starts with what was typed after "@" (mention autocomplete). */
/**
 * Members whose display name has a word starting with what was typed after "@" ("lóp" and
 * "ana lo" both find Ana López; accents and case do not matter), those whose name starts with
 * it first. Matching on the handle, the folded name, keeps it one indexed field.
 */
export async function suggestMentions(q: string, limit = 8): Promise<MemberRef[]> {
  const prefix = slugHandle(q.replace(/^@/, ''));
  const found = await MemberHandleModel.find({ handle: new RegExp(`(^|-)${escapeRegex(prefix)}`) })
    .sort({ handle: 1 })
    .limit(limit * 4)
    .lean();
  const starts = (h: { handle: string }) => (h.handle.startsWith(prefix) ? 0 : 1);
  found.sort((a, b) => starts(a) - starts(b) || a.handle.localeCompare(b.handle));
  const chosen = found.slice(0, limit);
  const refs = await loadMemberRefs(chosen.map((h) => h.memberId));
  return chosen.map((h) => refs.get(h.memberId.toHexString())).filter((r): r is MemberRef => r !== undefined);
}
