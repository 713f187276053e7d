import {
  directoryQuerySchema,
  directoryResponseSchema,
  followResponseSchema,
  hubHomeResponseSchema,
  memberActivityResponseSchema,
  objectIdSchema,
} from '@commons/shared';
import { z } from 'zod';
import { defineOperations } from '../openapi/operation.js';

const idParams = z.object({ id: objectIdSchema });

export const directoryOperations = defineOperations([
  {
    method: 'get',
    path: '/api/members',
    summary: 'The member directory: filter by community role, community, organisation, interest or name',
    tag: 'members',
    access: 'member',
    query: directoryQuerySchema,
    responses: { 200: directoryResponseSchema },
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/members/{id}/activity',
    summary: "A member's threads and resources, and whether I follow them",
    tag: 'members',
    access: 'member',
    params: idParams,
    responses: { 200: memberActivityResponseSchema },
    errors: [401, 404],
  },
  {
    method: 'put',
    path: '/api/members/{id}/follow',
    summary: 'Follow a member',
    tag: 'members',
    access: 'member',
    params: idParams,
    responses: { 200: followResponseSchema },
    errors: [401, 404, 409],
  },
  {
    method: 'delete',
    path: '/api/members/{id}/follow',
    summary: 'Stop following a member',
    tag: 'members',
    access: 'member',
    params: idParams,
    responses: { 200: followResponseSchema },
    errors: [401, 404, 409],
  },
  {
    method: 'get',
    path: '/api/hub/home',
    summary: 'Home page: featured stories and resources, and what members I follow shared lately',
    tag: 'library',
    access: 'member',
    responses: { 200: hubHomeResponseSchema },
    errors: [401],
  },
]);
