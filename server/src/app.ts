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
import { registerLabListeners } from './labs/listeners.js';
import { registerEventListeners } from './events/listeners.js';
import { eventRoutes } from './events/routes.js';
import { createEventService } from './events/service.js';
import { LabPresence } from './labs/presence.js';
import { labRoutes } from './labs/routes.js';
import { createLabService } from './labs/service.js';
import { redisLabSequence } from './labs/sequence.js';
import { labSocket } from './labs/socket.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { Limiter } from './http/rate-limit.js';
import { requireJsonAndSameOrigin, securityHeaders } from './http/security.js';
import type { Config } from './infra/config.js';
import type { DomainEvents } from './infra/domain-events.js';
import type { Logger } from './infra/log.js';
import type { Queues } from './infra/queues.js';
import { createIo } from './io.js';
import { registerMemberListeners } from './members/listeners.js';
import { moderationLimiters } from './moderation/limits.js';
import { registerModerationListeners, registerScreeningListeners } from './moderation/listeners.js';
import { moderationRoutes } from './moderation/routes.js';
import { createModerationService, recipientsBlocking } from './moderation/service.js';
import { redisMutex, redisSerialLock } from './infra/mutex.js';
import { moderationSocket } from './moderation/socket.js';
import { trackVisits } from './moderation/visits.js';
import { memberRoutes } from './members/routes.js';
import { createMemberService } from './members/service.js';
import type { IoServer } from './realtime/types.js';
import { openApiRoutes } from './openapi/routes.js';
import { httpMetrics, metricsRoutes } from './metrics/routes.js';
import { notificationSettings } from './notifications/config.js';
import { registerNotificationListeners } from './notifications/listeners.js';
import { registerNoticeListeners } from './notifications/notice-listeners.js';
import { notificationRoutes, oneClickUnsubscribeRoute } from './notifications/routes.js';
import { createNotificationService } from './notifications/service.js';
import { unsubscribeTokens } from './notifications/tokens.js';
import { searchRoutes } from './search/routes.js';
import { directoryRoutes } from './directory/routes.js';
import { createDirectoryService } from './directory/service.js';
import { libraryRoutes } from './library/routes.js';
import { ResourceModel } from './library/model.js';
import { createLibraryService } from './library/service.js';
import { StoryModel } from './stories/model.js';
import { storyRoutes } from './stories/routes.js';
import { coalitionRoutes } from './coalitions/routes.js';
import { createCoalitionService } from './coalitions/service.js';
import { createStoryService } from './stories/service.js';
import { uploadRoutes } from './storage/routes.js';
import { createUploadService } from './storage/service.js';
import { LocalDiskStorage } from './storage/storage.js';
import { createSearchService } from './search/service.js';
import { QUEUE_DASHBOARD_PATH, queueDashboard } from './admin/queue-dashboard.js';
import { registerWebhookListeners } from './webhooks/listeners.js';
import { webhookRoutes } from './webhooks/routes.js';
import { createWebhookService } from './webhooks/service.js';
import { createMailFailureService } from './mail/failures.js';
import { mailRoutes } from './mail/routes.js';

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
  // Moderation gates posting (silences) and deletes posts through the forums; each calls the other late.
  const threadLock = redisSerialLock(deps.redis, deps.config.REDIS_PREFIX);
  const moderation = createModerationService({
    events: deps.events,
    ...moderationLimiters(deps.redis, deps.config.REDIS_PREFIX),
    deletePost: (actor, id) => forums.deletePost(actor, id),
    mutex: redisMutex(deps.redis, deps.config.REDIS_PREFIX),
    threadLock,
  });
  const forums = createForumService({
    events: deps.events,
    log: deps.log,
    ...forumLimiters(deps.redis, deps.config.REDIS_PREFIX),
    threadLock,
    assertCanPost: (id) => moderation.assertCanPost(id),
  });
  // The hub opens discussion threads for resources without spending the submitter's posting budget.
  const hubForums = createForumService({ events: deps.events, log: deps.log, threadLock });
  const hubLimit = (name: string, points: number) =>
    new Limiter(deps.redis, deps.config.REDIS_PREFIX, { name, points, durationSeconds: 3600 });
  const library = createLibraryService({
    events: deps.events,
    log: deps.log,
    forums: hubForums,
    submitLimiter: hubLimit('resource-submit', 20),
  });
  const stories = createStoryService({
    log: deps.log,
    forums: hubForums,
    publishLimiter: hubLimit('story-publish', 10),
  });
  const labs = createLabService({
    events: deps.events,
    sequence: redisLabSequence(deps.redis, deps.config.REDIS_PREFIX),
    mutex: redisMutex(deps.redis, deps.config.REDIS_PREFIX),
  });
  const uploadDir = deps.config.UPLOAD_DIR ?? path.resolve(deps.config.DATA_DIR, 'uploads');
  return {
    library,
    uploads: createUploadService({
      storage: new LocalDiskStorage(uploadDir),
      uploadLimiter: hubLimit('upload', 30),
      isPublished: async (fileId) =>
        Boolean(
          (await ResourceModel.exists({ fileId, status: 'approved' })) ??
          (await StoryModel.exists({ imageIds: fileId })),
        ),
    }),
    stories,
    coalitions: createCoalitionService(),
    directory: createDirectoryService({ library, stories }),
    moderation,
    auth: createAuthService({ events: deps.events, resetTtlMinutes: deps.config.PASSWORD_RESET_TTL_MINUTES }),
    members: createMemberService({ events: deps.events }),
    forums,
    search: createSearchService(),
    labs,
    events: createEventService({
      events: deps.events,
      labs,
      assertCanPost: (id) => moderation.assertCanPost(id),
      createLimiter: hubLimit('event-create', 10),
    }),
    webhooks: createWebhookService({ queues: deps.queues, settings: webhookSettings(deps.config) }),
  };
}

function webhookSettings(config: Config) {
  return { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, backoffMs: config.WEBHOOK_BACKOFF_MS };
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
  const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
    version: string;
  };
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
  registerScreeningListeners(deps.events, { queues: deps.queues });
  registerNotificationListeners(deps.events, { queues: deps.queues });
  registerNoticeListeners(deps.events, { queues: deps.queues });
  registerWebhookListeners(deps.events, {
    queues: deps.queues,
    settings: webhookSettings(config),
    publicUrl: config.PUBLIC_URL,
    log,
  });
  // API side of notifications: inbox, preferences, unsubscribe (the workers fan out and mail).
  let liveIo: IoServer | null = null;
  const notifications = createNotificationService({
    emitter: { to: (room) => liveIo!.to(room) },
    queues: deps.queues,
    mailer: null,
    site: { name: 'Commons', url: config.PUBLIC_URL },
    log,
    tokens: unsubscribeTokens(config.SESSION_SECRET),
    watcherIds: (threadId) => services.forums.watcherIds(threadId),
    instantWindowMs: notificationSettings(config).instantWindowMs,
    blockedBy: recipientsBlocking,
  });

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
  app.use(httpMetrics);
  app.use(securityHeaders({ production: config.isProduction }));
  app.use(healthRoutes(deps.redis));
  app.use(metricsRoutes({ token: config.METRICS_TOKEN, io: () => liveIo ?? undefined, queues: deps.queues }));

  app.use('/api', openApiRoutes({ publicUrl: config.PUBLIC_URL, version: packageVersion() }));
  app.use('/api', oneClickUnsubscribeRoute(notifications));

  const api = express.Router();
  // Multipart (file uploads) is allowed on these two routes only, still same-origin.
  api.use(requireJsonAndSameOrigin(allowedOrigins, { multipartPaths: ['/uploads', '/resources/import'] }));
  api.use(express.json({ limit: '100kb', strict: true, type: 'application/json' }));
  api.use(sessionMiddleware);
  api.use(passport.session());
  api.use(trackVisits(deps.redis, config.REDIS_PREFIX, services.moderation));
  api.use('/auth', authRoutes(services.auth, createAuthLimiters(deps.redis, config.REDIS_PREFIX), services.moderation));
  api.use(directoryRoutes(services.directory, services.library, services.stories));
  api.use('/members', memberRoutes(services.members));
  api.use('/search', searchRoutes(services.search));
  api.use('/labs', labRoutes(services.labs, { publicUrl: config.PUBLIC_URL }));
  api.use('/events', eventRoutes(services.events, { publicUrl: config.PUBLIC_URL }));
  api.use(libraryRoutes(services.library));
  api.use(storyRoutes(services.stories));
  api.use(coalitionRoutes(services.coalitions));
  api.use(uploadRoutes(services.uploads));
  api.use(forumRoutes(services.forums));
  api.use(moderationRoutes(services.moderation));
  api.use(notificationRoutes(notifications));
  api.use(webhookRoutes(services.webhooks));
  api.use(mailRoutes(createMailFailureService()));
  api.use(notFoundHandler);
  app.use('/api', api);
  // The job queues' dashboard, for administrators (before the client's catch-all route).
  app.use(
    QUEUE_DASHBOARD_PATH,
    queueDashboard({
      queues: deps.queues,
      sessionMiddleware,
      sameOrigin: requireJsonAndSameOrigin(allowedOrigins),
    }),
  );

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
  // Presence emits through the Socket.IO server built just below (a closure, so built first).
  const labPresence = new LabPresence(deps.redis, config.REDIS_PREFIX, { to: (room) => io.to(room) }, log);
  const io = createIo({
    httpServer,
    sessionMiddleware,
    pubClient: deps.adapterPub,
    subClient: deps.adapterSub,
    prefix: config.REDIS_PREFIX,
    allowedOrigins,
    log,
    registrars: [
      forumSocket({ forums: services.forums, redis: deps.redis, prefix: config.REDIS_PREFIX, log }),
      moderationSocket(),
      labSocket({ labs: services.labs, presence: labPresence, redis: deps.redis, prefix: config.REDIS_PREFIX, log }),
    ],
  });
  httpServer.on('close', () => labPresence.close());
  registerLabListeners(deps.events, { queues: deps.queues, emitter: io });
  registerEventListeners(deps.events, { queues: deps.queues });
  registerForumListeners(deps.events, { emitter: io, forums: services.forums });
  registerModerationListeners(deps.events, {
    emitter: io,
    queues: deps.queues,
    moderation: services.moderation,
    publicUrl: config.PUBLIC_URL,
  });
  liveIo = io;
  // Default categories and mention handles, at start-up (forum calls also wait for it).
  services.forums.prepare().catch((err: unknown) => log.error({ err }, 'preparing the forums failed'));
  return { app, httpServer, io, services };
}
