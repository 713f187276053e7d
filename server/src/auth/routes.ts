import {
  loginBodySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  registerBodySchema,
} from '@commons/shared';
import { Router, type Request } from 'express';
import type { Limiter } from '../http/rate-limit.js';
import { AppError } from '../http/errors.js';
import { parse } from '../http/validate.js';
import type { MemberDoc } from '../members/model.js';
import { toSelf } from '../members/present.js';
import type { AuthService } from './service.js';

export interface AuthLimiters {
  loginPerAccount: Limiter;
  loginPerIp: Limiter;
  register: Limiter;
  resetPerEmail: Limiter;
  resetPerIp: Limiter;
}

function logIn(req: Request, member: MemberDoc): Promise<void> {
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

export function authRoutes(auth: AuthService, limits: AuthLimiters, gate?: SignInGate): Router {
  const router = Router();

  router.post('/register', async (req, res) => {
    const body = parse(registerBodySchema, req.body);
    await limits.register.consume(req.ip ?? 'unknown');
    const member = await auth.register(body);
    await logIn(req, member);
    res.status(201).json({ user: toSelf(member) });
  });

  router.post('/login', async (req, res) => {
    const body = parse(loginBodySchema, req.body);
    const ip = req.ip ?? 'unknown';
    await limits.loginPerIp.check(ip);
    await limits.loginPerAccount.check(body.email);
    let member: MemberDoc;
    try {
      member = await auth.verifyCredentials(body);
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_credentials') {
        await Promise.all([limits.loginPerIp.consume(ip), limits.loginPerAccount.consume(body.email)]).catch(
          () => undefined,
        );
      }
      throw err;
    }
    await limits.loginPerAccount.reset(body.email);
    await gate?.assertCanSignIn(member._id.toHexString());
    await logIn(req, member);
    res.json({ user: toSelf(member) });
  });

  router.post('/logout', (req, res, next) => {
    req.logout((err: unknown) => {
      if (err) return next(err);
      req.session.destroy((destroyErr: unknown) => {
        if (destroyErr) return next(destroyErr);
        res.clearCookie('commons.sid');
        res.status(204).end();
      });
    });
  });

  router.get('/me', (req, res) => {
    res.json({ user: toSelf(currentMember(req)) });
  });

  router.post('/password-reset', async (req, res) => {
    const { email } = parse(passwordResetRequestSchema, req.body);
    await limits.resetPerIp.consume(req.ip ?? 'unknown');
    // Over the per-email budget we still answer 202, so the response reveals nothing.
    const withinBudget = await limits.resetPerEmail.consume(email).then(
      () => true,
      () => false,
    );
    if (withinBudget) await auth.requestPasswordReset(email);
    res.status(202).json({ accepted: true });
  });

  router.post('/password-reset/confirm', async (req, res) => {
    const body = parse(passwordResetConfirmSchema, req.body);
    await limits.resetPerIp.consume(req.ip ?? 'unknown');
    await auth.confirmPasswordReset(body);
    res.status(204).end();
  });

  return router;
}
