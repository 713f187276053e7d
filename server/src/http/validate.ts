import { safeParseInput } from '@commons/shared';
import type { z } from 'zod';
import { validationError } from './errors.js';

/** Parses untrusted input with a shared schema; a failure (a NUL character included) becomes a 400 with field errors. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = safeParseInput(schema, input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
