import RedisStore from 'connect-redis';
import type { RequestHandler } from 'express';
import session from 'express-session';
import type { Redis } from 'ioredis';
import passport from 'passport';
import { MemberModel, type MemberDoc } from '../members/model.js';

/** What the session cookie's server-side record holds about the member: id and password epoch. */
interface SessionUser {
  id: string;
  v: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Passport attaches the loaded member document as req.user.
    interface User extends MemberDoc {}
  }
}

export const SESSION_COOKIE = 'commons.sid';

export function createSessionMiddleware(opts: {
  redis: Redis;
  prefix: string;
  secret: string;
  secureCookie: boolean;
  ttlDays: number;
}): RequestHandler {
  const store = new RedisStore({ client: opts.redis, prefix: `${opts.prefix}:sess:`, ttl: opts.ttlDays * 86_400 });
  return session({
    name: SESSION_COOKIE,
    store,
    secret: opts.secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookie,
      maxAge: opts.ttlDays * 86_400_000,
    },
  });
}

let configured = false;
/** Passport keeps only {id, v} in the session and loads the member on each request. */
export function configurePassport(): void {
  if (configured) return;
  configured = true;
  passport.serializeUser<SessionUser>((user, done) => {
    done(null, { id: user._id.toHexString(), v: user.sessionVersion });
  });
  passport.deserializeUser<SessionUser>((stored, done) => {
    MemberModel.findById(stored.id)
      .then((member) => {
        // A password change bumps the version: older sessions end here.
        if (!member || member.sessionVersion !== stored.v) return done(null, false);
        done(null, member as MemberDoc);
      })
      .catch((err: unknown) => done(err));
  });
}

/** Reads the member id stored in a raw session (used by the socket handshake). */
export function sessionMemberId(sess: unknown): SessionUser | null {
  if (typeof sess !== 'object' || sess === null || !('passport' in sess)) return null;
  const pp = (sess as { passport?: { user?: unknown } }).passport;
  const user = pp?.user;
  if (typeof user !== 'object' || user === null) return null;
  const { id, v } = user as Partial<SessionUser>;
  return typeof id === 'string' && typeof v === 'number' ? { id, v } : null;
}
