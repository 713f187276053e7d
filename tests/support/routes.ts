import type { Operation } from '@commons/server/openapi/operation';
import { z } from 'zod';

/**
 * A concrete path for a route template: each parameter gets the first value its schema accepts
 * among a well-formed id that names nothing, the schema's own options (a reaction kind), and `x`.
 */
export function concretePath(op: Operation): string {
  const shape = (op.params?.shape ?? {}) as Record<string, z.ZodType>;
  return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const schema = shape[name];
    const options = schema instanceof z.ZodEnum ? (schema.options as string[]) : [];
    const value = ['0'.repeat(24), ...options, 'x'].find((v) => !schema || schema.safeParse(v).success) ?? 'x';
    return encodeURIComponent(value);
  });
}

/** One request the way a browser tab of this origin sends it; mutations carry an empty JSON object. */
export function sendRaw(base: string, method: string, path: string, opts: { cookie?: string }): Promise<Response> {
  const hasBody = method !== 'get' && method !== 'delete';
  return fetch(base + path, {
    method: method.toUpperCase(),
    headers: {
      origin: base,
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    ...(hasBody ? { body: '{}' } : {}),
    redirect: 'manual',
  });
}
