import {
  loginBodySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  registerBodySchema,
  registrationPendingResponseSchema,
  selfResponseSchema,
  verifyEmailBodySchema,
  type Self,
  type SiteSettings,
} from '@commons/shared';
import type { Request } from 'express';
import { z } from 'zod';
import type { Limiter } from '../http/rate-limit.js';
import { AppError } from '../http/errors.js';
import { reply, routesFor } from '../http/route.js';
import type { MemberDoc } from '../members/reads.js';
import { toSelf } from '../members/present.js';
import type { AuthService } from './service.js';

export interface AuthLimiters {
  loginPerAccount: Limiter;
  loginPerIp: Limiter;
  resetPerEmail: Limiter;
  resetPerIp: Limiter;
}

export function logIn(req: Request, member: MemberDoc): Promise<void> {
  // passport 0.7 regenerates the session on login, so a pre-login session id cannot be fixed.
  return new Promise((resolve, reject) => req.login(member, (err: unknown) => (err ? reject(err) : resolve())));
}

export function currentMember(req: Request): MemberDoc {
  if (!req.user) throw new AppError('unauthenticated', 'Sign in first.');
  return req.user;
}

/** Moderation's sign-in gate: suspended members are refused after a correct password. */
export interface SignInGate {
  assertCanSignIn(memberId: string): Promise<void>;
}

/** The member's own view, with whether the site asks them to confirm their address. */
export type SelfPresenter = (member: MemberDoc) => Promise<Self>;

export function selfPresenter(site: { settings(): Promise<SiteSettings> }): SelfPresenter {
  return async (member) => toSelf(member, (await site.settings()).emailVerification);
}

/**
 * Spends one attempt of the IP and of the account before any password is checked: each spend is
 * one atomic Redis operation, so parallel guesses cannot all pass a check made before counting.
 * An attempt the account's budget refuses gives the IP its point back (no password was tried).
 */
async function spendLoginAttempt(limits: AuthLimiters, ip: string, email: string): Promise<void> {
  await limits.loginPerIp.consume(ip);
  try {
    await limits.loginPerAccount.consume(email);
  } catch (err) {
    await limits.loginPerIp.refund(ip);
    throw err;
  }
}

export interface AuthRouteDeps {
  auth: AuthService;
  limits: AuthLimiters;
  gate: SignInGate | undefined;
  present: SelfPresenter;
}

const route = routesFor<AuthRouteDeps>('auth');
const accepted = z.object({ accepted: z.literal(true) });

/** `/api/auth/*`: registration, sign-in and out, password reset, address confirmation. */
export const authRoutes = [
  route(
    {
      method: 'post',
      path: '/api/auth/register',
      summary: 'Create an account and sign in (201); while joining is by approval, a sign-up that waits (202)',
      access: 'public',
      body: registerBodySchema,
      limit: { name: 'register-ip', points: 20, durationSeconds: 3600, by: 'ip' },
      responses: { 201: selfResponseSchema, 202: registrationPendingResponseSchema },
      errors: [400, 403, 409, 415, 429],
    },
    async ({ deps, body, req }) => {
      const result = await deps.auth.register(body);
      if ('pending' in result) return reply(202, { pending: true });
      await logIn(req, result.member);
      return { user: await deps.present(result.member) };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign in with email and password',
      access: 'public',
      body: loginBodySchema,
      responses: { 200: selfResponseSchema },
      errors: [400, 401, 403, 415, 429],
    },
    async ({ deps, body, req }) => {
      const ip = req.ip ?? 'unknown';
      await spendLoginAttempt(deps.limits, ip, body.email);
      const member = await deps.auth.verifyCredentials(body);
      // A right password clears the account's failures and gives the IP its point back.
      await Promise.all([deps.limits.loginPerAccount.reset(body.email), deps.limits.loginPerIp.refund(ip)]);
      await deps.gate?.assertCanSignIn(member._id.toHexString());
      await logIn(req, member);
      return { user: await deps.present(member) };
    },
  ),
  route(
    { method: 'post', path: '/api/auth/logout', summary: 'Sign out', access: 'public', responses: { 204: null } },
    async ({ deps, member, req, res }) => {
      if (member) deps.auth.signedOut(member._id.toHexString(), req.sessionID);
      await new Promise<void>((resolve, reject) => req.logout((err: unknown) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve, reject) =>
        req.session.destroy((err: unknown) => (err ? reject(err) : resolve())),
      );
      res.clearCookie('commons.sid');
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/auth/me',
      summary: 'The signed-in member',
      access: 'member',
      responses: { 200: selfResponseSchema },
      errors: [401],
    },
    async ({ deps, member }) => ({ user: await deps.present(member) }),
  ),
  // Opening the mailed link works signed in or not: the token alone says whose address it confirms.
  route(
    {
      method: 'post',
      path: '/api/auth/verify-email',
      summary: 'Confirm an email address with the token of the mailed link',
      access: 'public',
      body: verifyEmailBodySchema,
      responses: { 204: null },
      errors: [400, 429],
    },
    async ({ deps, body, req }) => {
      await deps.limits.resetPerIp.consume(req.ip ?? 'unknown');
      await deps.auth.verifyEmail(body.token);
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/auth/verify-email/resend',
      summary: 'Mail a new confirmation link to my unconfirmed address',
      access: 'member',
      limit: { name: 'verify-resend', points: 5, durationSeconds: 3600, by: 'member' },
      responses: { 202: accepted },
      errors: [401, 409, 429],
    },
    async ({ deps, member }) => {
      await deps.auth.resendVerification(member);
      return { accepted: true as const };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/auth/password-reset',
      summary: 'Mail a password-reset link (always accepted)',
      access: 'public',
      body: passwordResetRequestSchema,
      responses: { 202: accepted },
      errors: [400, 429],
    },
    async ({ deps, body, req }) => {
      await deps.limits.resetPerIp.consume(req.ip ?? 'unknown');
      // Over the per-email budget we still answer 202, so the response reveals nothing.
      const withinBudget = await deps.limits.resetPerEmail.consume(body.email).then(
        () => true,
        () => false,
      );
      if (withinBudget) await deps.auth.requestPasswordReset(body.email);
      return { accepted: true as const };
    },
  ),
  route(
    {
      method: 'post',
      path: '/api/auth/password-reset/confirm',
      summary: 'Set a new password with a reset token',
      access: 'public',
      body: passwordResetConfirmSchema,
      responses: { 204: null },
      errors: [400, 429],
    },
    async ({ deps, body, req }) => {
      await deps.limits.resetPerIp.consume(req.ip ?? 'unknown');
      await deps.auth.confirmPasswordReset(body);
    },
  ),
];
