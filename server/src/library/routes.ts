import {
  libraryLimits,
  objectIdSchema,
  resourceCreateBodySchema,
  resourceFeatureBodySchema,
  resourceImportResponseSchema,
  resourceListQuerySchema,
  resourceListResponseSchema,
  resourcePatchBodySchema,
  resourceResponseSchema,
  resourceReviewBodySchema,
} from '@commons/shared';
import { z } from 'zod';
import { actorOf } from '../forums/service.js';
import { readerOf } from '../site/viewer.js';
import { routesFor } from '../http/route.js';
import { readOneFile } from '../storage/multipart.js';
import type { LibraryService } from './service.js';

const idParams = z.object({ id: objectIdSchema });
const route = routesFor<{ library: LibraryService }>('library');

const markRoutes = (['save', 'useful'] as const).flatMap((mark) =>
  (['put', 'delete'] as const).map((method) =>
    route(
      {
        method,
        path: `/api/resources/{id}/${mark}`,
        summary:
          mark === 'save'
            ? method === 'put'
              ? 'Save a resource to my library'
              : 'Remove a resource from my library'
            : method === 'put'
              ? 'Mark a resource as useful'
              : 'Take back my "useful" mark',
        access: 'member',
        params: idParams,
        responses: { 200: resourceResponseSchema },
        errors: [401, 404, 409],
      },
      async ({ deps: { library }, params, member }) => ({
        resource: await library.setMark(actorOf(member), params.id, mark, method === 'put'),
      }),
    ),
  ),
);

/** The resource library: list, submit, import, edit, delete, review, feature, save and mark useful. */
export const libraryRoutes = [
  route(
    {
      method: 'get',
      path: '/api/resources',
      summary:
        'Search and filter the resource library (facet counts included); or my saved, my submitted, the review queue',
      access: 'publicFace',
      query: resourceListQuerySchema,
      responses: { 200: resourceListResponseSchema },
      errors: [400, 401, 403],
    },
    async ({ deps: { library }, query, req }) => library.list(await readerOf(req, actorOf), query),
  ),
  route(
    {
      method: 'post',
      path: '/api/resources',
      summary: 'Submit a resource for review',
      access: 'member',
      body: resourceCreateBodySchema,
      responses: { 201: resourceResponseSchema },
      errors: [400, 401, 429],
    },
    async ({ deps: { library }, body, member }) => ({ resource: await library.submit(actorOf(member), body) }),
  ),
  route(
    {
      method: 'post',
      path: '/api/resources/import',
      summary: 'Import resources from a CSV (multipart/form-data, field "file"; administrators; all rows or none)',
      access: 'admin',
      responses: { 201: resourceImportResponseSchema },
      errors: [400, 401, 403, 413, 415],
    },
    async ({ deps: { library }, member, req, res }) => {
      const file = await readOneFile(req, res, { field: 'file', maxBytes: libraryLimits.importMaxBytes });
      return library.importCsv(actorOf(member), file.buffer.toString('utf8'));
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/resources/{id}',
      summary: 'One resource (opens its discussion thread if it has none yet)',
      access: 'publicFace',
      params: idParams,
      responses: { 200: resourceResponseSchema },
      errors: [401, 404],
    },
    async ({ deps: { library }, params, req }) => ({
      resource: await library.get(await readerOf(req, actorOf), params.id),
    }),
  ),
  route(
    {
      method: 'patch',
      path: '/api/resources/{id}',
      summary: 'Edit a resource (its submitter: back to review if it was reviewed; moderators: status kept)',
      access: 'member',
      params: idParams,
      body: resourcePatchBodySchema,
      responses: { 200: resourceResponseSchema },
      errors: [400, 401, 403, 404],
    },
    async ({ deps: { library }, params, body, member }) => ({
      resource: await library.update(actorOf(member), params.id, body),
    }),
  ),
  route(
    {
      method: 'delete',
      path: '/api/resources/{id}',
      summary: 'Delete a resource with its saves and marks (moderators and administrators)',
      access: 'moderator',
      params: idParams,
      responses: { 204: null },
      errors: [401, 403, 404],
    },
    async ({ deps: { library }, params, member }) => {
      await library.remove(actorOf(member), params.id);
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/resources/{id}/review',
      summary: 'Approve or reject a submitted resource (moderators)',
      access: 'moderator',
      params: idParams,
      body: resourceReviewBodySchema,
      responses: { 200: resourceResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { library }, params, body, member }) => ({
      resource: await library.review(actorOf(member), params.id, body),
    }),
  ),
  route(
    {
      method: 'patch',
      path: '/api/resources/{id}/featured',
      summary: 'Feature a resource on the home page, or stop (administrators)',
      access: 'admin',
      params: idParams,
      body: resourceFeatureBodySchema,
      responses: { 200: resourceResponseSchema },
      errors: [400, 401, 403, 404, 409],
    },
    async ({ deps: { library }, params, body, member }) => ({
      resource: await library.setFeatured(actorOf(member), params.id, body.featured),
    }),
  ),
  ...markRoutes,
];
