import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import passport from 'passport';
import { pinoHttp } from 'pino-http';
import { authRoutes } from './auth/routes.js';
import { createAuthService } from './auth/service.js';
import { configurePassport, createSessionMiddleware } from './auth/session.js';
import { forumLimiters } from './forums/limits.js';
import { registerForumListeners } from './forums/listeners.js';
import { forumRoutes } from './forums/routes.js';
import { createForumService } from './forums/service.js';
import { forumSocket } from './forums/socket.js';
import { healthRoutes } from './health/routes.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { Limiter } from './http/rate-limit.js';
import { requireJsonAndSameOrigin, securityHeaders } from './http/security.js';
import type { Config } from './infra/config.js';
import type { DomainEvents } from './infra/domain-events.js';
import type { Logger } from './infra/log.js';
import type { Queues } from './infra/queues.js';
import { createIo } from './io.js';
import { registerMemberListeners } from './members/listeners.js';
import { memberRoutes } from './members/routes.js';
import { createMemberService } from './members/service.js';
import type { IoServer } from './realtime/types.js';
import { openApiRoutes } from './openapi/routes.js';
import { searchRoutes } from './search/routes.js';
import { createSearchService } from './search/service.js';

export interface AppDeps {
  config: Config;
  log: Logger;
  /** Request-path Redis client (sessions, rate limits, readiness). */
  redis: Redis;
  /** Two more connections for the Socket.IO adapter (pub and sub). */
  adapterPub: Redis;
  adapterSub: Redis;
  queues: Queues;
  events: DomainEvents;
}

export interface BuiltApp {
  app: Express;
  httpServer: HttpServer;
  io: IoServer;
  services: ReturnType<typeof createServices>;
}

function createServices(deps: AppDeps) {
  return {
    auth: createAuthService({ events: deps.events, resetTtlMinutes: deps.config.PASSWORD_RESET_TTL_MINUTES }),
    members: createMemberService({ events: deps.events }),
    forums: createForumService({
      events: deps.events,
      log: deps.log,
      ...forumLimiters(deps.redis, deps.config.REDIS_PREFIX),
    }),
    search: createSearchService(),
  };
}

function createAuthLimiters(redis: Redis, prefix: string) {
  return {
    loginPerAccount: new Limiter(redis, prefix, {
      name: 'login-account',
      points: 5,
      durationSeconds: 15 * 60,
      blockSeconds: 15 * 60,
    }),
    loginPerIp: new Limiter(redis, prefix, {
      name: 'login-ip',
      points: 30,
      durationSeconds: 15 * 60,
      blockSeconds: 15 * 60,
    }),
    register: new Limiter(redis, prefix, { name: 'register-ip', points: 20, durationSeconds: 3600 }),
    resetPerEmail: new Limiter(redis, prefix, { name: 'reset-email', points: 3, durationSeconds: 3600 }),
    resetPerIp: new Limiter(redis, prefix, { name: 'reset-ip', points: 30, durationSeconds: 3600 }),
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function clientDist(config: Config): string {
  return config.CLIENT_DIST ?? path.resolve(import.meta.dirname, '../../client/dist');
}

/** Builds the HTTP app and Socket.IO server from their dependencies; the caller listens. */
export function buildApp(deps: AppDeps): BuiltApp {
  const { config, log } = deps;
  const services = createServices(deps);
  registerMemberListeners(deps.events, { queues: deps.queues, publicUrl: config.PUBLIC_URL });

  configurePassport();
  const sessionMiddleware = createSessionMiddleware({
    redis: deps.redis,
    prefix: config.REDIS_PREFIX,
    secret: config.SESSION_SECRET,
    secureCookie: config.PUBLIC_URL.startsWith('https:'),
    ttlDays: config.SESSION_TTL_DAYS,
  });
  // The Vite dev server (npm run dev -w client) proxies the API from its own origin.
  const allowedOrigins = config.isProduction ? [config.publicOrigin] : [config.publicOrigin, 'http://localhost:5173'];

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(securityHeaders({ production: config.isProduction }));
  app.use(healthRoutes(deps.redis));

  app.use('/api', openApiRoutes({ publicUrl: config.PUBLIC_URL, version: packageVersion() }));

  const api = express.Router();
  api.use(requireJsonAndSameOrigin(allowedOrigins));
  api.use(express.json({ limit: '100kb', strict: true, type: 'application/json' }));
  api.use(sessionMiddleware);
  api.use(passport.session());
  api.use('/auth', authRoutes(services.auth, createAuthLimiters(deps.redis, config.REDIS_PREFIX)));
  api.use('/members', memberRoutes(services.members));
  api.use('/search', searchRoutes(services.search));
  api.use(forumRoutes(services.forums));
  api.use(notFoundHandler);
  app.use('/api', api);

  const dist = clientDist(config);
  if (existsSync(path.join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    // Client-side routes: any other GET gets the app shell.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(dist, 'index.html'));
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  const httpServer = createServer(app);
  const io = createIo({
    httpServer,
    sessionMiddleware,
    pubClient: deps.adapterPub,
    subClient: deps.adapterSub,
    prefix: config.REDIS_PREFIX,
    allowedOrigins,
    log,
    registrars: [forumSocket({ forums: services.forums, redis: deps.redis, prefix: config.REDIS_PREFIX, log })],
  });
  registerForumListeners(deps.events, { emitter: io, forums: services.forums });
  // Default categories and mention handles, at start-up (forum calls also wait for it).
  services.forums.prepare().catch((err: unknown) => log.error({ err }, 'preparing the forums failed'));
  return { app, httpServer, io, services };
}
