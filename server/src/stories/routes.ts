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
import { readerOf } from '../site/viewer.js';
import { routesFor } from '../http/route.js';
import { actorOf } from '../forums/service.js';
import type { StoryService } from './service.js';
const idParams = z.object({ id: objectIdSchema });

const route = routesFor<{ stories: StoryService }>('stories');

/** Member stories of local innovation: list, publish, edit, delete, feature. */
export const storyRoutes = [
  route(
    {
      method: 'get',
      path: '/api/stories',
      summary: 'Stories of local innovation, newest first (filter by topic, community, featured, author)',
      access: 'publicFace',
      query: storyListQuerySchema,
      responses: { 200: storyListResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { stories }, query, req }) => {
      const actor = await readerOf(req, actorOf);
      return await stories.list(actor, query);
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/stories',
      summary: 'Publish a story (Markdown; images from my own uploads); its discussion thread opens with it',
      access: 'member',
      body: storyCreateBodySchema,
      responses: { 201: storyResponseSchema },
      errors: [400, 401, 429],
    },
    async ({ deps: { stories }, body, member }) => {
      const actor = actorOf(member);
      return { story: await stories.publish(actor, body) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/stories/{id}',
      summary: 'One story',
      access: 'publicFace',
      params: idParams,
      responses: { 200: storyResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { stories }, params, req }) => {
      const actor = await readerOf(req, actorOf);
      return { story: await stories.get(actor, params.id) };
    },
  ),
  route(
    {
      method: 'patch',
      path: '/api/stories/{id}',
      summary: 'Edit a story (its author, or administrators)',
      access: 'member',
      params: idParams,
      body: storyPatchBodySchema,
      responses: { 200: storyResponseSchema },
      errors: [400, 401, 403, 404],
    },
    async ({ deps: { stories }, params, body, member }) => {
      const actor = actorOf(member);
      return { story: await stories.update(actor, params.id, body) };
    },
  ),
  route(
    {
      method: 'delete',
      path: '/api/stories/{id}',
      summary: 'Delete a story (its author, or administrators); its discussion thread stays',
      access: 'member',
      params: idParams,
      responses: { 204: null },
      errors: [401, 403, 404],
    },
    async ({ deps: { stories }, params, member }) => {
      await stories.remove(actorOf(member), params.id);
    },
  ),
  route(
    {
      method: 'patch',
      path: '/api/stories/{id}/featured',
      summary: 'Feature a story on the home page, or stop (administrators)',
      access: 'admin',
      params: idParams,
      body: storyFeatureBodySchema,
      responses: { 200: storyResponseSchema },
      errors: [400, 401, 403, 404],
    },
    async ({ deps: { stories }, params, body, member }) => {
      const actor = actorOf(member);
      const { featured } = body;
      return { story: await stories.setFeatured(actor, params.id, featured) };
    },
  ),
];
