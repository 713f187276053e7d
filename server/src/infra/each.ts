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
