import { Types, trusted } from 'mongoose';
import { kept } from '../infra/read-models.js';
import { findAmong, findIn } from '../infra/store/index.js';
import { KEPT_MEMBER_TTL_SECONDS, KEPT_PROJECTION, keptMemberKey } from './kept.js';
import { MemberModel, type MemberDoc, type MemberFields } from './model.js';
import { listedInDirectoryFilter } from './privacy.js';
import { PendingSignUpModel, type PendingSignUpFields } from './sign-up.model.js';

/*
 * What other domains read of the members' collection. Each call names the fields it needs, so a
 * caller gets those and nothing else (never a password hash it did not ask for); lists are read in
 * one batch through the store adapter. Reads apply no privacy rule: what is shown of a profile to
 * another member passes members/privacy.ts first.
 */

export type { MemberDoc, MemberFields } from './model.js';
export type { PendingSignUpFields } from './sign-up.model.js';
export { isEmailVerified } from './model.js';

type Id = Types.ObjectId | string;
type Field = keyof MemberFields;
/** A member row with only the fields asked for (and its id). */
export type MemberRow<K extends Field> = Pick<MemberFields, K> & { _id: Types.ObjectId };

const STAFF_ROLES = ['moderator', 'admin'] as const;

function projection(fields: readonly Field[]): Record<string, 1> {
  return { _id: 1, ...Object.fromEntries(fields.map((f) => [f, 1])) };
}

function objectId(id: Id): Types.ObjectId | null {
  if (typeof id !== 'string') return id;
  return Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : null;
}

/** A member's kept record: everything but the password's hash (members/kept.ts). */
export type MemberRecord = Omit<MemberFields, 'passwordHash'> & { _id: Types.ObjectId };

/** The member's kept row (members/kept.ts): from Redis, built from the store on a miss. */
async function keptRow(id: Id): Promise<Record<string, unknown> | null> {
  const _id = objectId(id);
  if (!_id) return null;
  return kept(keptMemberKey(_id.toHexString()), KEPT_MEMBER_TTL_SECONDS, () =>
    MemberModel.findById(_id, KEPT_PROJECTION).lean<Record<string, unknown>>().exec(),
  );
}

/**
 * The member's record as the sockets acting as them read it, dropped by every write to the
 * member. Null for an unknown id. (Kept as JSON: hydrating gives the id and dates their types.)
 */
export async function memberRecord(id: Id): Promise<MemberRecord | null> {
  const row = await keptRow(id);
  return row ? (MemberModel.hydrate(row, KEPT_PROJECTION).toObject() as MemberRecord) : null;
}

/**
 * The member's document, to act as them (sessions, their own flows, which save it), from their
 * kept record: without the password's hash, which `passwordHashOf` reads where a password is
 * checked. A fresh document each call, so one request's changes never reach another's.
 */
export async function memberDoc(id: Id): Promise<MemberDoc | null> {
  const row = await keptRow(id);
  return row ? (MemberModel.hydrate(row, KEPT_PROJECTION) as MemberDoc) : null;
}

/** The member's password hash, read from the store where a password is checked. */
export async function passwordHashOf(id: Id): Promise<string | null> {
  const _id = objectId(id);
  if (!_id) return null;
  const row = await MemberModel.findById(_id, { passwordHash: 1 }).lean<{ passwordHash: string }>().exec();
  return row?.passwordHash ?? null;
}

/** The document of the account with this address (sign-in, password reset), deleted ones included. */
export async function memberDocByEmail(email: string): Promise<MemberDoc | null> {
  return (await MemberModel.findOne({ email })) as MemberDoc | null;
}

/** One member's chosen fields; null for an unknown id. Former members are included: callers decide. */
export async function memberById<K extends Field>(id: Id, fields: readonly K[]): Promise<MemberRow<K> | null> {
  const _id = objectId(id);
  if (!_id) return null;
  // The password's hash is not kept: asked for, it is read from the store.
  if ((fields as readonly Field[]).includes('passwordHash'))
    return MemberModel.findById(_id, projection(fields)).lean<MemberRow<K>>().exec();
  const record = await memberRecord(_id);
  if (!record) return null;
  const row: Record<string, unknown> = { _id: record._id };
  for (const field of fields) row[field] = record[field as Exclude<K, 'passwordHash'>];
  return row as MemberRow<K>;
}

/** The chosen fields of the members among `ids` (unknown ids are absent), in one batch. */
export function membersByIds<K extends Field>(
  ids: Iterable<Id | null | undefined>,
  fields: readonly K[],
): Promise<MemberRow<K>[]> {
  const valid = [...ids].flatMap((id) => {
    const oid = id === null || id === undefined ? null : objectId(id);
    return oid ? [oid] : [];
  });
  return findIn('_id', valid, (match) => MemberModel.find(match, projection(fields)).lean<MemberRow<K>[]>().exec());
}

/**
 * Like membersByIds for lists that may hold every member (a thread's watchers): the store adapter
 * reads the collection once when the list is long.
 */
export function membersAmong<K extends Field>(ids: Iterable<string>, fields: readonly K[]): Promise<MemberRow<K>[]> {
  return findAmong(
    '_id',
    [...ids].filter((id) => Types.ObjectId.isValid(id)),
    (match) => MemberModel.find(match, projection(fields)).lean<MemberRow<K>[]>().exec(),
    () => MemberModel.find({}, projection(fields)).lean<MemberRow<K>[]>().exec(),
    (m) => m._id.toHexString(),
  );
}

/** Display names by id (unknown ids are absent). */
export async function displayNames(ids: Iterable<Id | null | undefined>): Promise<Map<string, string>> {
  const rows = await membersByIds(ids, ['displayName']);
  return new Map(rows.map((m) => [m._id.toHexString(), m.displayName]));
}

/** Of `ids`, how many are members (former members included). */
export async function countExisting(ids: Iterable<Id>): Promise<number> {
  return (await membersByIds(ids, [])).length;
}

export async function memberExists(id: Id): Promise<boolean> {
  const _id = objectId(id);
  return _id ? (await MemberModel.exists({ _id })) !== null : false;
}

/** Whether an account (a former member's too) holds this address. */
export async function emailTaken(email: string): Promise<boolean> {
  return (await MemberModel.exists({ email })) !== null;
}

/** The sign-up waiting for approval with this address, if any (registration by approval). */
export async function pendingSignUpByEmail(email: string): Promise<PendingSignUpFields | null> {
  return PendingSignUpModel.findOne({ email: email.toLowerCase() }).lean<PendingSignUpFields>().exec();
}

/** One waiting sign-up by id; null for an unknown or malformed id. */
export async function pendingSignUp(id: string): Promise<PendingSignUpFields | null> {
  const _id = objectId(id);
  return _id ? PendingSignUpModel.findById(_id).lean<PendingSignUpFields>().exec() : null;
}

/** Member ids by address (lower-case), for the addresses that have an account. */
export async function memberIdsByEmail(emails: Iterable<string>): Promise<Map<string, string>> {
  const rows = await findIn('email', emails, (match) => MemberModel.find(match, { email: 1 }).lean().exec());
  return new Map(rows.map((m) => [m.email.toLowerCase(), m._id.toHexString()]));
}

/** Every moderator and administrator, with the chosen fields (a handful of rows). */
export function staffMembers<K extends Field>(fields: readonly K[]): Promise<MemberRow<K>[]> {
  return findIn('role', STAFF_ROLES, (match) =>
    MemberModel.find(match, projection(fields)).lean<MemberRow<K>[]>().exec(),
  );
}

/** Of `ids` (any number), the moderators and administrators: one read of the few staff rows. */
export async function staffAmong(ids: Iterable<string>): Promise<Set<string>> {
  const staff = new Set((await staffMembers([])).map((m) => m._id.toHexString()));
  return new Set([...ids].filter((id) => staff.has(id)));
}

/**
 * Every member with the chosen fields, one at a time (periodic jobs over everyone: digests,
 * trust levels, handle back-fill). Former members are included: their rows stay.
 */
export function eachMember<K extends Field>(fields: readonly K[]): AsyncIterable<MemberRow<K>> {
  return MemberModel.find({}, projection(fields)).lean<MemberRow<K>[]>().cursor();
}

/** Whether any member exists yet (the demo seeder runs on an empty store only). */
export async function anyMember(): Promise<boolean> {
  return (await MemberModel.estimatedDocumentCount()) > 0 || (await MemberModel.exists({})) !== null;
}

/** What the directory filters on: exact fields, and words each matching name, organisation or community. */
export interface DirectoryFilter {
  communityRole?: string;
  community?: RegExp;
  organisation?: RegExp;
  interest?: RegExp;
  words: RegExp[];
}

/**
 * A page of the members the directory lists (not former members, not those who opted out),
 * matching the filter, by display name then id, after the last one of the previous page: their
 * profiles and privacy settings, without the address, password hash or session epoch.
 */
export async function listedMembersPage(
  filter: DirectoryFilter,
  after: { name: string; id: string } | null,
  limit: number,
): Promise<MemberDoc[]> {
  const and: Array<Record<string, unknown>> = [];
  if (filter.communityRole) and.push({ communityRole: filter.communityRole });
  if (filter.community) and.push({ community: filter.community });
  if (filter.organisation) and.push({ organisation: filter.organisation });
  if (filter.interest) and.push({ interests: filter.interest });
  for (const re of filter.words) and.push({ $or: [{ displayName: re }, { organisation: re }, { community: re }] });
  and.push({ deletedAt: null }, listedInDirectoryFilter);
  if (after)
    and.push({
      $or: [
        { displayName: trusted({ $gt: after.name }) },
        { displayName: after.name, _id: trusted({ $gt: new Types.ObjectId(after.id) }) },
      ],
    });
  return (await MemberModel.find({ $and: and }, { email: 0, passwordHash: 0, sessionVersion: 0 })
    .sort({ displayName: 1, _id: 1 })
    .limit(limit)) as MemberDoc[];
}
