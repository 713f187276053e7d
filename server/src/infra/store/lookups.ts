import mongoose from 'mongoose';
import { storeKind } from './kind.js';

/** A filter on one field, handed to the caller's query: `{ [field]: value }` or `{ [field]: { $in } }`. */
export type FieldMatch = Record<string, unknown>;

/**
 * Documents whose `field` is one of `values`, read by the caller's `query` given the filter
 * to add. On MongoDB that is one `{ field: { $in: values } }` (an index look-up). FerretDB 1.24
 * pushes only top-level equality filters down to its backend and evaluates `$in` itself after
 * reading every document of the collection, so there each distinct value gets its own equality
 * query (run together). Duplicates and null values are dropped before asking.
 */
export async function findIn<V extends { toString(): string }, T>(
  field: string,
  values: Iterable<V | null | undefined>,
  query: (match: FieldMatch) => PromiseLike<T[]>,
): Promise<T[]> {
  const unique = new Map<string, V>();
  for (const v of values) if (v !== null && v !== undefined) unique.set(v.toString(), v);
  if (unique.size === 0) return [];
  const list = [...unique.values()];
  // Built here from typed values, never from input: marked trusted for mongoose's sanitizeFilter.
  if (storeKind() === 'mongodb') return query({ [field]: mongoose.trusted({ $in: list }) });
  const parts = await Promise.all(list.map((value) => query({ [field]: value })));
  return parts.flat();
}

/** Above this many values FerretDB reads the whole collection once instead (see findAmong). */
const AMONG_SCAN_THRESHOLD = 200;

/**
 * Like findIn, for lists that may be long (every watcher of a thread). FerretDB evaluates a long
 * `$in` once per stored document (10,000 watchers × 10,000 settings rows took seconds), and so
 * many equality queries cost as much: above a few hundred values it reads the collection once
 * (`all`) and keeps the wanted rows by `key`. MongoDB answers `$in` from the index at any length.
 */
export async function findAmong<T>(
  field: string,
  values: Iterable<string>,
  query: (match: FieldMatch) => PromiseLike<T[]>,
  all: () => PromiseLike<T[]>,
  key: (doc: T) => string,
): Promise<T[]> {
  const wanted = new Set(values);
  if (storeKind() === 'mongodb' || wanted.size <= AMONG_SCAN_THRESHOLD) return findIn(field, wanted, query);
  return (await all()).filter((doc) => wanted.has(key(doc)));
}
