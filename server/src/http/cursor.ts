import { z } from 'zod';
import { AppError } from './errors.js';

/*
 * Opaque page cursors: base64url JSON checked with a strict schema built from the fields below,
 * so a tampered cursor is a 400, never a query (and never a 500 from a value the store cannot
 * cast). Every cursor of every domain is made here; a cursor field is one of these.
 */

/** The largest time a JavaScript Date holds (±8.64e15 ms); pages start after 1970 anyway. */
const MAX_TIME_MS = 8_640_000_000_000_000;

export const cursorField = {
  /** A timestamp in milliseconds that is a valid Date. */
  time: () => z.number().int().min(0).max(MAX_TIME_MS),
  /** A document id. */
  id: () => z.string().regex(/^[0-9a-f]{24}$/),
  /** A sort key copied from a document (a name): bounded, no NUL. */
  text: () =>
    z
      .string()
      .max(400)
      .refine((s) => !s.includes('\u0000')),
  /** A position in a bounded candidate list. */
  offset: (max: number) => z.number().int().min(0).max(max),
  flag: () => z.boolean(),
};

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function invalidCursor(): AppError {
  return new AppError('validation_failed', 'The cursor is not valid.', {
    fieldErrors: { cursor: ['invalid cursor'] },
    formErrors: [],
  });
}

export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.infer<S> {
  if (cursor.length > 2000 || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw invalidCursor();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}
