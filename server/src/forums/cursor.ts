import type { z } from 'zod';
import { AppError } from '../http/errors.js';

/** Opaque cursors: base64url JSON checked with a schema, so a tampered cursor is a 400, never a query. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('validation_failed', 'The cursor is not valid.', {
      fieldErrors: { cursor: ['invalid cursor'] },
      formErrors: [],
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'The cursor is not valid.', {
      fieldErrors: { cursor: ['invalid cursor'] },
      formErrors: [],
    });
  }
  return parsed.data;
}
