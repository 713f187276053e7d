import {
  loginBodySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  registerBodySchema,
  selfResponseSchema,
} from '@commons/shared';
import { z } from 'zod';
import { defineOperations } from '../openapi/operation.js';

export const authOperations = defineOperations([
  {
    method: 'post',
    path: '/api/auth/register',
    summary: 'Create an account and sign in',
    tag: 'auth',
    access: 'public',
    body: registerBodySchema,
    responses: { 201: selfResponseSchema },
    errors: [400, 403, 409, 415, 429],
  },
  {
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in with email and password',
    tag: 'auth',
    access: 'public',
    body: loginBodySchema,
    responses: { 200: selfResponseSchema },
    errors: [400, 401, 403, 415, 429],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out',
    tag: 'auth',
    access: 'public',
    responses: { 204: null },
  },
  {
    method: 'get',
    path: '/api/auth/me',
    summary: 'The signed-in member',
    tag: 'auth',
    access: 'member',
    responses: { 200: selfResponseSchema },
    errors: [401],
  },
  {
    method: 'post',
    path: '/api/auth/password-reset',
    summary: 'Mail a password-reset link (always accepted)',
    tag: 'auth',
    access: 'public',
    body: passwordResetRequestSchema,
    responses: { 202: z.object({ accepted: z.literal(true) }) },
    errors: [400, 429],
  },
  {
    method: 'post',
    path: '/api/auth/password-reset/confirm',
    summary: 'Set a new password with a reset token',
    tag: 'auth',
    access: 'public',
    body: passwordResetConfirmSchema,
    responses: { 204: null },
    errors: [400, 429],
  },
]);
