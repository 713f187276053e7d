import { allRoutes } from '../routes.js';
import type { HttpMethod, Operation } from './operation.js';

/** Every documented operation of the platform: the contracts of the route tables. */
export const allOperations: Operation[] = allRoutes;

/** Finds the operation serving a concrete request path, e.g. GET /api/members/abc → /api/members/{id}. */
export function findOperation(operations: Operation[], method: string, path: string): Operation | undefined {
  const m = method.toLowerCase() as HttpMethod;
  const clean = path.split('?')[0]!;
  const candidates = operations.filter((op) => op.method === m && templateMatches(op.path, clean));
  // Prefer literal segments over parameters (/api/members/me before /api/members/{id}).
  return candidates.sort((a, b) => paramCount(a.path) - paramCount(b.path))[0];
}

function templateMatches(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((seg, i) => (seg.startsWith('{') ? p[i] !== '' : seg === p[i]));
}

const paramCount = (template: string) => (template.match(/\{/g) ?? []).length;
