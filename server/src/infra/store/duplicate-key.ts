import { storeKind } from './kind.js';

/**
 * A write refused by a unique index. MongoDB answers code 11000 (so does FerretDB on inserts); a
 * bulk insert whose every failure is one counts as one. FerretDB 1.24 reports a unique violation
 * on an update as an InternalError carrying its backend's text: SQLite's "UNIQUE constraint
 * failed", PostgreSQL's "duplicate key value violates unique constraint". Only it sends those.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message, writeErrors } = err as { code?: unknown; message?: unknown; writeErrors?: unknown };
  if (code === 11000) return true;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) return writeErrors.every((w: unknown) => isDuplicateKey(w));
  return (
    storeKind() === 'ferretdb' &&
    typeof message === 'string' &&
    (message.includes('UNIQUE constraint failed') || message.includes('duplicate key value violates unique constraint'))
  );
}
