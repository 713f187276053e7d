/**
 * Which store answers: production runs MongoDB 7; `npm start` and the tests run FerretDB 1.24.
 * Read once at connect time from what the server reports (FerretDB adds `ferretdb*` fields to
 * `buildInfo`), so the adapter picks its tactics by fact, not by configuration.
 */
export type StoreKind = 'mongodb' | 'ferretdb';

/**
 * Until a connection reports otherwise the adapter assumes FerretDB: its tactics (equality look-ups
 * per id) are correct on MongoDB too, only slower, while `$in` on FerretDB reads whole collections.
 */
let current: StoreKind = 'ferretdb';

export function storeKind(): StoreKind {
  return current;
}

/** For tests that check each tactic on the same server. */
export function useStoreKind(kind: StoreKind): void {
  current = kind;
}

export function kindFromBuildInfo(info: Record<string, unknown>): StoreKind {
  return Object.keys(info).some((key) => key.toLowerCase().startsWith('ferretdb')) ? 'ferretdb' : 'mongodb';
}

/** The part of a driver's Db this needs (mongoose bundles its own driver). */
export interface StoreAdmin {
  admin(): { command(command: Record<string, unknown>): Promise<unknown> };
}

/** Asks the server what it is and remembers the answer for the process. */
export async function detectStore(db: StoreAdmin): Promise<StoreKind> {
  const info = (await db.admin().command({ buildInfo: 1 })) as Record<string, unknown>;
  current = kindFromBuildInfo(info);
  return current;
}
