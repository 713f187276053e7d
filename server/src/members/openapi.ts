import { memberResponseSchema, objectIdSchema, profilePatchSchema, selfResponseSchema } from '@commons/shared';
import { z } from 'zod';
import { defineOperations } from '../openapi/operation.js';

export const memberOperations = defineOperations([
  {
    method: 'patch',
    path: '/api/members/me',
    summary: 'Edit my profile',
    tag: 'members',
    access: 'member',
    body: profilePatchSchema,
    responses: { 200: selfResponseSchema },
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/members/{id}',
    summary: 'A member profile',
    tag: 'members',
    access: 'member',
    params: z.object({ id: objectIdSchema }),
    responses: { 200: memberResponseSchema },
    errors: [401, 404],
  },
]);
