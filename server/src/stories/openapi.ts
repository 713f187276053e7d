import {
  objectIdSchema,
  storyCreateBodySchema,
  storyFeatureBodySchema,
  storyListQuerySchema,
  storyListResponseSchema,
  storyPatchBodySchema,
  storyResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import { defineOperations } from '../openapi/operation.js';

const idParams = z.object({ id: objectIdSchema });

export const storyOperations = defineOperations([
  {
    method: 'get',
    path: '/api/stories',
    summary: 'Stories of local innovation, newest first (filter by topic, community, featured, author)',
    tag: 'stories',
    access: 'member',
    query: storyListQuerySchema,
    responses: { 200: storyListResponseSchema },
    errors: [400, 401],
  },
  {
    method: 'post',
    path: '/api/stories',
    summary: 'Publish a story (Markdown; images from my own uploads); its discussion thread opens with it',
    tag: 'stories',
    access: 'member',
    body: storyCreateBodySchema,
    responses: { 201: storyResponseSchema },
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/api/stories/{id}',
    summary: 'One story',
    tag: 'stories',
    access: 'member',
    params: idParams,
    responses: { 200: storyResponseSchema },
    errors: [401, 404],
  },
  {
    method: 'patch',
    path: '/api/stories/{id}',
    summary: 'Edit a story (its author, or administrators)',
    tag: 'stories',
    access: 'member',
    params: idParams,
    body: storyPatchBodySchema,
    responses: { 200: storyResponseSchema },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'delete',
    path: '/api/stories/{id}',
    summary: 'Delete a story (its author, or administrators); its discussion thread stays',
    tag: 'stories',
    access: 'member',
    params: idParams,
    responses: { 204: null },
    errors: [401, 403, 404],
  },
  {
    method: 'patch',
    path: '/api/stories/{id}/featured',
    summary: 'Feature a story on the home page, or stop (administrators)',
    tag: 'stories',
    access: 'admin',
    params: idParams,
    body: storyFeatureBodySchema,
    responses: { 200: storyResponseSchema },
    errors: [400, 401, 403, 404],
  },
]);
