import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/**
 * Who may call an operation: anyone (`public`); anyone while the site's public face is open and
 * members only while it is closed (`publicFace`: a visitor then gets 401 `members_only`); a
 * signed-in member, moderator or administrator.
 */
export type Access = 'public' | 'publicFace' | 'member' | 'moderator' | 'admin';

/**
 * One documented API operation: the contract part of a route definition (`http/route.ts`), listed
 * per domain in `<domain>/routes.ts` and gathered in `server/src/routes.ts`; the OpenAPI document,
 * the contract test and the response checks of the API tests all read these.
 */
export interface Operation {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/members/{id}`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Responses by status: a schema for a JSON body, `null` for no body. */
  responses: Partial<Record<number, z.ZodType | null>>;
  /** Media type of success bodies when not JSON (their status is checked, not their shape). */
  produces?: string;
  /** Error statuses this operation may answer with the common error shape. */
  errors?: number[];
}

export const defineOperations = (ops: Operation[]): Operation[] => ops;
