import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Access = 'public' | 'member' | 'moderator' | 'admin';

/**
 * One documented API operation. Each domain lists its operations beside its routes
 * (`<domain>/openapi.ts`); the OpenAPI document, the contract test and the response
 * checks of the API tests all read these lists.
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
