import {
  directoryQuerySchema,
  directoryResponseSchema,
  followResponseSchema,
  hubHomeResponseSchema,
  memberActivityResponseSchema,
  objectIdSchema,
} from '@commons/shared';
import { z } from 'zod';
import { readerOf } from '../site/viewer.js';
import { routesFor } from '../http/route.js';
import { actorOf } from '../forums/service.js';
import type { LibraryService } from '../library/service.js';
import type { StoryService } from '../stories/service.js';
import type { DirectoryService } from './service.js';
const idParams = z.object({ id: objectIdSchema });

const route = routesFor<{ directory: DirectoryService; library: LibraryService; stories: StoryService }>('members');

/** The member directory, following, member activity and the hub home page. */
export const directoryRoutes = [
  route(
    {
      method: 'get',
      path: '/api/members',
      summary: 'The member directory: filter by community role, community, organisation, interest or name',
      access: 'member',
      query: directoryQuerySchema,
      responses: { 200: directoryResponseSchema },
      errors: [400, 401],
    },
    async ({ deps: { directory }, query, member }) => {
      const actor = actorOf(member);
      return await directory.list(actor, query);
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/members/{id}/activity',
      summary: "A member's threads and resources, and whether I follow them",
      access: 'member',
      params: idParams,
      responses: { 200: memberActivityResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { directory }, params, member }) => {
      const actor = actorOf(member);
      return await directory.activity(actor, params.id);
    },
  ),
  route(
    {
      method: 'put',
      path: '/api/members/{id}/follow',
      summary: 'Follow a member',
      access: 'member',
      params: idParams,
      responses: { 200: followResponseSchema },
      errors: [401, 404, 409],
    },
    async ({ deps: { directory }, params, member }) => {
      const actor = actorOf(member);
      return { follow: await directory.follow(actor, params.id, true) };
    },
  ),
  route(
    {
      method: 'delete',
      path: '/api/members/{id}/follow',
      summary: 'Stop following a member',
      access: 'member',
      params: idParams,
      responses: { 200: followResponseSchema },
      errors: [401, 404, 409],
    },
    async ({ deps: { directory }, params, member }) => {
      const actor = actorOf(member);
      return { follow: await directory.follow(actor, params.id, false) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/hub/home',
      summary: 'Home page: featured stories and resources, and what members I follow shared lately',
      access: 'publicFace',
      responses: { 200: hubHomeResponseSchema },
      errors: [401],
    },
    async ({ deps: { directory, library, stories }, req }) => {
      const actor = await readerOf(req, actorOf);
      const followees = await directory.followeeIds(actor);
      const [featuredStories, featured, fromFollowed, storiesFromFollowed] = await Promise.all([
        stories.featured(actor),
        library.featured(actor),
        library.bySubmitters(actor, followees),
        stories.byAuthors(actor, followees),
      ]);
      return { featuredStories, featured, fromFollowed, storiesFromFollowed };
    },
  ),
];
