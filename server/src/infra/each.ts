/**
 * Documents whose `field` is one of `values`, fetched as one equality query per distinct value
 * (run together). FerretDB 1.24 pushes top-level equality filters down to its backend but
 * evaluates `$in` (like `$or`, ranges and sorts) itself, after reading and decoding every
 * document of the collection; for the handful of ids of a page, equality queries are far
 * cheaper there, and on MongoDB they stay index look-ups.
 */
export async function findEach<V extends { toString(): string }, T>(
  values: Iterable<V | null | undefined>,
  one: (value: V) => Promise<T[]>,
): Promise<T[]> {
  const unique = new Map<string, V>();
  for (const v of values) if (v !== null && v !== undefined) unique.set(v.toString(), v);
  const parts = await Promise.all([...unique.values()].map(one));
  return parts.flat();
}

/** Above this many ids, one plain read of the collection beats per-id queries and `$in`. */
const AMONG_SCAN_THRESHOLD = 200;

/**
 * Documents whose `key` is one of `values`: by equality queries for a few values (findEach), or
 * for many by one unfiltered read of the collection, kept with a Set. FerretDB 1.24 evaluates a
 * long `$in` once per stored document (10,000 watchers × 10,000 settings rows took seconds);
 * a plain read is linear there and on MongoDB alike.
 */
export async function findAmong<T>(
  values: Iterable<string>,
  one: (value: string) => Promise<T[]>,
  all: () => Promise<T[]>,
  key: (doc: T) => string,
): Promise<T[]> {
  const wanted = new Set(values);
  if (wanted.size <= AMONG_SCAN_THRESHOLD) return findEach(wanted, one);
  return (await all()).filter((doc) => wanted.has(key(doc)));
}
