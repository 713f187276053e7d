import { z } from 'zod';

/** Where a NUL character hides in untrusted input (a string value or an object key), or null. */
function findNul(value: unknown): Array<string | number> | null {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\u0000')) return path;
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return null;
}

/**
 * No text crossing a boundary may hold U+0000: the store refuses it in keys and query strings
 * (a 500), and no member writes it. Checked once here for every schema (every string field of
 * every body, query, socket payload and import row) rather than on each string schema.
 */
const withoutNul = z.unknown().superRefine((value, ctx) => {
  const path = findNul(value);
  if (path) ctx.addIssue({ code: 'custom', path, message: 'Text must not contain the NUL character (U+0000).' });
});

/** Parses untrusted input with a shared schema, refusing NUL characters anywhere in it first. */
export function safeParseInput<S extends z.ZodType>(schema: S, input: unknown): z.ZodSafeParseResult<z.output<S>> {
  const nul = withoutNul.safeParse(input);
  if (!nul.success) return { success: false, error: nul.error } as z.ZodSafeParseResult<z.output<S>>;
  return schema.safeParse(input);
}
