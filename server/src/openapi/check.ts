import { errorResponseSchema } from '@commons/shared';
import type { Operation } from './operation.js';

/** Statuses any operation may answer with the error shape, whatever it declares. */
export const commonErrorStatuses = (op: Operation): number[] => [
  500,
  503,
  ...(op.method === 'get' ? [] : [403, 413, 415]),
  ...(op.access === 'public' ? [] : op.access === 'publicFace' ? [401] : [401, 403]),
];

/** Every status an operation documents, with the schema of its body (null: none). */
export function documentedResponses(op: Operation): Map<number, Operation['body'] | null> {
  const map = new Map<number, Operation['body'] | null>();
  for (const status of [...(op.errors ?? []), ...commonErrorStatuses(op)]) map.set(status, errorResponseSchema);
  for (const [status, schema] of Object.entries(op.responses)) map.set(Number(status), schema ?? null);
  return map;
}

/** Checks a real response against the document; returns what is wrong, or null. */
export function checkResponse(op: Operation, status: number, body: unknown, rawText: string): string | null {
  const responses = documentedResponses(op);
  if (!responses.has(status))
    return `${op.method.toUpperCase()} ${op.path} answered ${status}, which is not documented`;
  const schema = responses.get(status);
  if (op.produces && status < 400) return null;
  if (schema === null)
    return rawText === '' ? null : `${op.method.toUpperCase()} ${op.path} ${status} should have no body`;
  const parsed = schema!.safeParse(body);
  if (parsed.success) return null;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return `${op.method.toUpperCase()} ${op.path} ${status} does not match the document: ${issues}`;
}
