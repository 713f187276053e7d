import {
  coalitionCreateBodySchema,
  coalitionDetailResponseSchema,
  coalitionListQuerySchema,
  coalitionListResponseSchema,
  coalitionRequestDecisionSchema,
  objectIdSchema,
} from '@commons/shared';
import { z } from 'zod';
import { defineOperations } from '../openapi/operation.js';

const idParams = z.object({ id: objectIdSchema });

export const coalitionOperations = defineOperations([
  {
    method: 'get',
    path: '/api/coalitions',
    summary: 'Coalitions by name (or only mine)',
    tag: 'coalitions',
    access: 'member',
    query: coalitionListQuerySchema,
    responses: { 200: coalitionListResponseSchema },
    errors: [400, 401],
  },
  {
    method: 'post',
    path: '/api/coalitions',
    summary: 'Create a coalition (open, or joined by request); I become its admin',
    tag: 'coalitions',
    access: 'member',
    body: coalitionCreateBodySchema,
    responses: { 201: coalitionDetailResponseSchema },
    errors: [400, 401, 409],
  },
  {
    method: 'get',
    path: '/api/coalitions/{id}',
    summary: 'A coalition with its members (and, for its admins, requests to join)',
    tag: 'coalitions',
    access: 'member',
    params: idParams,
    responses: { 200: coalitionDetailResponseSchema },
    errors: [401, 404],
  },
  {
    method: 'post',
    path: '/api/coalitions/{id}/membership',
    summary: 'Join an open coalition, or ask to join one by request',
    tag: 'coalitions',
    access: 'member',
    params: idParams,
    responses: { 200: coalitionDetailResponseSchema },
    errors: [401, 404, 409],
  },
  {
    method: 'delete',
    path: '/api/coalitions/{id}/membership',
    summary: 'Leave a coalition, or withdraw my request',
    tag: 'coalitions',
    access: 'member',
    params: idParams,
    responses: { 200: coalitionDetailResponseSchema },
    errors: [401, 404, 409],
  },
  {
    method: 'post',
    path: '/api/coalitions/{id}/requests/{memberId}',
    summary: 'Approve or decline a request to join (coalition admins)',
    tag: 'coalitions',
    access: 'member',
    params: z.object({ id: objectIdSchema, memberId: objectIdSchema }),
    body: coalitionRequestDecisionSchema,
    responses: { 200: coalitionDetailResponseSchema },
    errors: [400, 401, 403, 404],
  },
]);
