import RedisStore from 'connect-redis';
import type { RequestHandler } from 'express';
import session from 'express-session';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import passport from 'passport';
import { isDependencyDown } from '../http/errors.js';
import type { Logger } from '../infra/log.js';
import { memberDoc, type MemberDoc } from '../members/reads.js';

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
  log: Logger;
}): RequestHandler {
  const store = createSessionStore(opts);
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

/** Sessions in Redis, under the prefix, for `ttlDays`; a refresh that fails while Redis is away is quiet. */
export function createSessionStore(opts: { redis: Redis; prefix: string; ttlDays: number; log: Logger }): RedisStore {
  const store = new RedisStore({ client: opts.redis, prefix: `${opts.prefix}:sess:`, ttl: opts.ttlDays * 86_400 });
  // Few refreshes, and a failed one is tried again at the next request; an outage is one warning.
  keepTouchesFew(store);
  quietTouchFailures(store, opts.log);
  return store;
}

/**
 * express-session refreshes the session's expiry (`touch`) after the answer has been written,
 * and passes a failure to the next handler, where Express's last resort prints its stack (about
 * eleven lines a request while Redis is away). The request has its answer already, a 503 when
 * Redis was needed for it; a refresh that could not be made only means the session expires from
 * its previous refresh. So an outage gives one warning with the error's code, and one line when
 * refreshes work again.
 */
function quietTouchFailures(store: RedisStore, log: Logger): void {
  const touch = store.touch.bind(store);
  let failed = 0;
  store.touch = (sid, sess, callback) =>
    touch(sid, sess, (err?: unknown) => {
      if (err && isDependencyDown(err)) {
        if (failed++ === 0) {
          const e = err as Error & { code?: string };
          // ioredis's 'Stream isn't writeable' and 'Connection is closed' carry no code of their own.
          const code = e.code ?? (e.name === 'Error' ? 'REDIS_CONNECTION_CLOSED' : e.name);
          log.warn({ code, err: e.message }, 'session expiry not refreshed: Redis unavailable');
        }
        return callback?.();
      }
      if (!err && failed) {
        log.info({ failed }, 'session expiry refreshed again after Redis returned');
        failed = 0;
      }
      callback?.(err);
    });
}

/**
 * A rolling session's life in Redis is moved at most once every few minutes per session and
 * process, not on every request: against a life of days that is the same life, and a read
 * request waits for no Redis write. (The cookie still rolls on every response.)
 */
const TOUCH_EVERY_MS = 5 * 60_000;

function keepTouchesFew(store: RedisStore): void {
  const touched = new LRUCache<string, true>({ max: 100_000, ttl: TOUCH_EVERY_MS });
  const touch = store.touch.bind(store);
  store.touch = async (sid, sess, cb) => {
    if (touched.has(sid)) return cb?.();
    touched.set(sid, true);
    return touch(sid, sess, (err?: unknown) => {
      if (err) touched.delete(sid);
      cb?.(err);
    });
  };
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
    memberDoc(stored.id)
      .then((member) => {
        // A password change bumps the version: older sessions end here.
        if (!member || member.sessionVersion !== stored.v) return done(null, false);
        done(null, member);
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
