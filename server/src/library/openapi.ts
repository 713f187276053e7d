import {
  objectIdSchema,
  resourceCreateBodySchema,
  resourceFeatureBodySchema,
  resourceImportResponseSchema,
  resourceListQuerySchema,
  resourceListResponseSchema,
  resourcePatchBodySchema,
  resourceResponseSchema,
  resourceReviewBodySchema,
  uploadResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import { defineOperations } from '../openapi/operation.js';

const idParams = z.object({ id: objectIdSchema });

export const libraryOperations = defineOperations([
  {
    method: 'post',
    path: '/api/uploads',
    summary: 'Upload a PDF or image (multipart/form-data, field "file", at most 20 MB; type checked by content)',
    tag: 'library',
    access: 'member',
    responses: { 201: uploadResponseSchema },
    errors: [400, 401, 413, 415, 429],
  },
  {
    method: 'get',
    path: '/api/uploads/{id}',
    summary: 'An uploaded file (its bytes, with its content type)',
    tag: 'library',
    access: 'member',
    params: idParams,
    responses: { 200: z.any() },
    errors: [401, 404],
  },
  {
    method: 'get',
    path: '/api/resources',
    summary:
      'Search and filter the resource library (facet counts included); or my saved, my submitted, the review queue',
    tag: 'library',
    access: 'member',
    query: resourceListQuerySchema,
    responses: { 200: resourceListResponseSchema },
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: '/api/resources',
    summary: 'Submit a resource for review',
    tag: 'library',
    access: 'member',
    body: resourceCreateBodySchema,
    responses: { 201: resourceResponseSchema },
    errors: [400, 401, 429],
  },
  {
    method: 'post',
    path: '/api/resources/import',
    summary: 'Import resources from a CSV (multipart/form-data, field "file"; administrators; all rows or none)',
    tag: 'library',
    access: 'admin',
    responses: { 201: resourceImportResponseSchema },
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/api/resources/{id}',
    summary: 'One resource (opens its discussion thread if it has none yet)',
    tag: 'library',
    access: 'member',
    params: idParams,
    responses: { 200: resourceResponseSchema },
    errors: [401, 404],
  },
  {
    method: 'patch',
    path: '/api/resources/{id}',
    summary: 'Edit a resource (its submitter: back to review if it was reviewed; moderators: status kept)',
    tag: 'library',
    access: 'member',
    params: idParams,
    body: resourcePatchBodySchema,
    responses: { 200: resourceResponseSchema },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'delete',
    path: '/api/resources/{id}',
    summary: 'Delete a resource with its saves and marks (moderators and administrators)',
    tag: 'library',
    access: 'moderator',
    params: idParams,
    responses: { 204: null },
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/api/resources/{id}/review',
    summary: 'Approve or reject a submitted resource (moderators)',
    tag: 'library',
    access: 'moderator',
    params: idParams,
    body: resourceReviewBodySchema,
    responses: { 200: resourceResponseSchema },
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'patch',
    path: '/api/resources/{id}/featured',
    summary: 'Feature a resource on the home page, or stop (administrators)',
    tag: 'library',
    access: 'admin',
    params: idParams,
    body: resourceFeatureBodySchema,
    responses: { 200: resourceResponseSchema },
    errors: [400, 401, 403, 404, 409],
  },
  ...(['save', 'useful'] as const).flatMap((mark) =>
    (['put', 'delete'] as const).map((method) => ({
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
      tag: 'library',
      access: 'member' as const,
      params: idParams,
      responses: { 200: resourceResponseSchema },
      errors: [401, 404, 409],
    })),
  ),
]);
