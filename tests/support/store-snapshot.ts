import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

/*
 * A fingerprint of everything in the test file's database: per collection, its document count
 * and a hash of its documents (sorted by id). Two equal snapshots mean no write landed in between.
 * Fields that reads themselves refresh (when a member was last seen) are left out.
 */

const VOLATILE = new Set(['lastSeenAt']);

export type StoreSnapshot = Record<string, { count: number; hash: string }>;

function stable(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(stable);
  if (typeof (value as { toHexString?: unknown }).toHexString === 'function')
    return (value as { toHexString(): string }).toHexString();
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !VOLATILE.has(key))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => [key, stable(v)]),
  );
}

export async function storeSnapshot(): Promise<StoreSnapshot> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('no database connection');
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const out: StoreSnapshot = {};
  for (const name of names) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    out[name] = {
      count: docs.length,
      hash: createHash('sha256')
        .update(JSON.stringify(docs.map(stable)))
        .digest('hex')
        .slice(0, 16),
    };
  }
  return out;
}

/** The collections whose content differs between two snapshots. */
export function changedCollections(before: StoreSnapshot, after: StoreSnapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n]?.hash !== after[n]?.hash || before[n]?.count !== after[n]?.count).sort();
}
