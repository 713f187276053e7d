import { type z } from 'zod';

/**
 * A value a zod schema accepts, built from the schema itself (for tests that call every route of
 * a table with a body that gets past validation). Ids come from `idFor(key, optional)`: the caller decides
 * what each id field names. Optional fields are left out unless `idFor` names them, and the result
 * is checked with the schema: null when no simple value satisfies it (a cross-field refinement).
 */
export type IdFor = (key: string, optional: boolean) => string | undefined;

export function sampleOf(schema: z.ZodType, idFor: IdFor): unknown {
  const value = build(schema, '', false, idFor);
  return schema.safeParse(value).success ? value : null;
}

const FUTURE = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

function text(key: string, min: number, max: number): string {
  if (/url$/i.test(key)) return 'https://example.org/matrix-probe';
  if (/email/i.test(key)) return 'matrix.probe@example.org';
  if (/At$/.test(key)) return FUTURE();
  if (/timeZone/i.test(key)) return 'America/New_York';
  if (/locale|language/i.test(key)) return 'en';
  const base = 'Matrix probe text, written to get past validation.';
  const long = base.repeat(Math.ceil(Math.max(min, 1) / base.length));
  return long.slice(0, Math.min(Math.max(min, base.length), max));
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType; options?: z.ZodType[] };

function build(schema: z.ZodType, key: string, optional: boolean, idFor: IdFor): unknown {
  const def = (schema as unknown as { def: Def }).def;
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries((schema as z.ZodObject).shape as Record<string, z.ZodType>)) {
        const optional = s.safeParse(undefined).success;
        if (optional && idFor(k, true) === undefined) continue;
        out[k] = build(s, k, optional, idFor);
      }
      return out;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
      return build(def.innerType!, key, optional, idFor);
    case 'pipe':
      return build(def.in!, key, optional, idFor);
    case 'string': {
      const id = idFor(key, optional);
      if (id !== undefined) return id;
      const s = schema as z.ZodString;
      return text(key, s.minLength ?? 0, s.maxLength ?? 10_000);
    }
    case 'number': {
      const n = schema as z.ZodNumber;
      return Math.max(n.minValue ?? 1, Math.min(1, n.maxValue ?? 1));
    }
    case 'boolean':
      return false;
    case 'enum':
      return (schema as z.ZodEnum).options[0];
    case 'literal':
      return [...(schema as z.ZodLiteral).values][0];
    case 'array': {
      const id = idFor(key, optional);
      if (id !== undefined) return [id];
      return schema.safeParse([]).success ? [] : [build(def.element!, key, optional, idFor)];
    }
    case 'union':
      return build(def.options![0]!, key, optional, idFor);
    case 'date':
      return FUTURE();
    default:
      return undefined;
  }
}
