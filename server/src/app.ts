import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import passport from 'passport';
import { pinoHttp } from 'pino-http';
import { selfPresenter } from './auth/routes.js';
import { mountAll } from './routes.js';
import type { MemberDataDomain } from './members/member-data.js';
import { resetLinks } from './auth/reset-links.js';
import { createAuthService } from './auth/service.js';
import { configurePassport, createSessionMiddleware } from './auth/session.js';
import { forumLimiters } from './forums/limits.js';
import { registerForumListeners } from './forums/listeners.js';
import { createForumService } from './forums/service.js';
import { forumSocket } from './forums/socket.js';
import { registerLabListeners } from './labs/listeners.js';
import { registerEventListeners } from './events/listeners.js';
import { createEventService } from './events/service.js';
import { LabPresence } from './labs/presence.js';
import { LabRoomModel } from './labs/room-model.js';
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
import type { Outbox } from './infra/outbox.js';
import { createIo } from './io.js';
import { registerMemberListeners } from './members/listeners.js';
import { registerInvitationListeners } from './invitations/listeners.js';
import { invitationLinks } from './invitations/links.js';
import { createInvitationService } from './invitations/service.js';
import { moderationLimiters } from './moderation/limits.js';
import { registerModerationListeners } from './moderation/listeners.js';
import { createModerationService, recipientsBlocking } from './moderation/service.js';
import { mentionableBy } from './members/privacy.js';
import { redisMutex, redisSerialLock } from './infra/mutex.js';
import { moderationSocket } from './moderation/socket.js';
import { trackVisits } from './moderation/visits.js';
import { createAvatarService } from './members/avatar.js';
import { createMemberService } from './members/service.js';
import { registerCoalitionRoomChecks } from './realtime/coalition-rooms.js';
import { rooms, type IoServer } from './realtime/types.js';
import { docsPages } from './openapi/routes.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { allOperations } from './openapi/operations.js';
import { httpMetrics } from './metrics/routes.js';
import { notificationSettings } from './notifications/config.js';
import { registerNotificationListeners } from './notifications/listeners.js';
import { registerNoticeListeners } from './notifications/notice-listeners.js';
import { createNotificationService } from './notifications/service.js';
import { createPendingDigests } from './notifications/digest-pending.js';
import { unsubscribeTokens } from './notifications/tokens.js';
import { createDirectoryService } from './directory/service.js';
import { approvedResourceHasFile } from './library/reads.js';
import { createLibraryService } from './library/service.js';
import { storyShowsImage } from './stories/reads.js';
import { createCoalitionService } from './coalitions/service.js';
import { createStoryService } from './stories/service.js';
import { createUploadService } from './storage/service.js';
import { LocalDiskStorage } from './storage/storage.js';
import { createSearchService } from './search/service.js';
import { QUEUE_DASHBOARD_PATH, queueDashboard } from './admin/queue-dashboard.js';
import { registerWebhookListeners } from './webhooks/listeners.js';
import { createWebhookService } from './webhooks/service.js';
import { createMailFailureService } from './mail/failures.js';
import { verificationTokens } from './auth/email-verification.js';
import { publicHeads, withHead } from './site/public-head.js';
import { createMemberAdmin } from './members/admin.js';
import { createSiteService } from './site/service.js';

export interface AppDeps {
  config: Config;
  log: Logger;
  /** Request-path Redis client (sessions, rate limits, readiness). */
  redis: Redis;
  /** Two more connections for the Socket.IO adapter (pub and sub). */
  adapterPub: Redis;
  adapterSub: Redis;
  queues: Queues;
  /** Follow-up work after writes (infra/outbox.ts). */
  outbox: Outbox;
  events: DomainEvents;
}

export interface BuiltApp {
  app: Express;
  httpServer: HttpServer;
  io: IoServer;
  services: ReturnType<typeof createServices>;
  /** Start-up work still running in the background (default categories, handles); shutdown waits for it. */
  preparing: Promise<void>;
}

function createServices(deps: AppDeps) {
  // Domains holding member data; filled below and by buildApp (notifications), read at deletion.
  const dataOwners: MemberDataDomain[] = [];
  // Moderation gates posting (silences) and deletes posts through the forums; each calls the other late.
  const threadLock = redisSerialLock(deps.redis, deps.config.REDIS_PREFIX);
  const site = createSiteService({
    defaults: {
      emailVerification: deps.config.EMAIL_VERIFICATION,
      publicFace: deps.config.PUBLIC_FACE,
      registrationMode: deps.config.REGISTRATION_MODE,
    },
    audit: (actorId, action, target, details) => moderation.recordAudit(actorId, action, target, details),
  });
  const moderation = createModerationService({
    events: deps.events,
    ...moderationLimiters(deps.redis, deps.config.REDIS_PREFIX),
    deletePost: (actor, id) => forums.deletePost(actor, id),
    mutex: redisMutex(deps.redis, deps.config.REDIS_PREFIX),
    threadLock,
  });
  const forums = createForumService({
    events: deps.events,
    outbox: deps.outbox,
    log: deps.log,
    ...forumLimiters(deps.redis, deps.config.REDIS_PREFIX),
    threadLock,
  });
  // The hub opens discussion threads for resources without spending the submitter's posting budget.
  const hubForums = createForumService({ events: deps.events, outbox: deps.outbox, log: deps.log, threadLock });
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
    actionLimiter: hubLimit('lab-action', 30),
    room: new LabRoomModel(deps.redis, deps.config.REDIS_PREFIX),
  });
  const directory = createDirectoryService({ library, stories });
  const events = createEventService({
    events: deps.events,
    labs,
    createLimiter: hubLimit('event-create', 10),
  });
  const coalitions = createCoalitionService({ events: deps.events });
  const mailFailures = createMailFailureService();
  const uploadDir = deps.config.UPLOAD_DIR ?? path.resolve(deps.config.DATA_DIR, 'uploads');
  // Library files and members' pictures share the uploads volume (UPLOAD_DIR).
  const storage = new LocalDiskStorage(uploadDir);
  const avatars = createAvatarService({ storage, events: deps.events });
  const services = {
    library,
    avatars,
    uploads: createUploadService({
      storage,
      uploadLimiter: hubLimit('upload', 30),
      isPublished: async (fileId) => (await approvedResourceHasFile(fileId)) || (await storyShowsImage(fileId)),
    }),
    stories,
    coalitions,
    mailFailures,
    dataOwners,
    directory,
    moderation,
    site,
    auth: createAuthService({
      events: deps.events,
      resetTtlMinutes: deps.config.PASSWORD_RESET_TTL_MINUTES,
      resetLinks: resetLinks(deps.config.SESSION_SECRET, deps.config.PUBLIC_URL),
      verification: verificationTokens(deps.config.SESSION_SECRET, deps.config.EMAIL_VERIFY_TTL_HOURS),
      site,
    }),
    members: createMemberService({
      events: deps.events,
      domains: () => [...dataOwners],
      audit: (memberId, contentDeleted) =>
        moderation.recordAudit(memberId, 'member.deleted', { type: 'member', id: memberId }, { contentDeleted }),
    }),
    forums,
    search: createSearchService({ library, stories, events, directory }),
    labs,
    events,
    webhooks: createWebhookService({
      outbox: deps.outbox,
      settings: webhookSettings(deps.config),
      audit: (actorId, action, webhookId, details) =>
        moderation.recordAudit(actorId, action, { type: 'webhook', id: webhookId }, details),
    }),
  };
  dataOwners.push(
    { name: 'account', service: services.auth },
    { name: 'forums', service: forums },
    { name: 'labs', service: labs },
    { name: 'events', service: events },
    { name: 'library', service: library },
    { name: 'directory', service: directory },
    { name: 'coalitions', service: coalitions },
    { name: 'moderation', service: moderation },
    { name: 'mail', service: mailFailures },
    { name: 'avatar', service: avatars },
  );
  const invitations = createInvitationService({
    events: deps.events,
    links: invitationLinks(deps.config.SESSION_SECRET, deps.config.PUBLIC_URL),
    ttlDays: deps.config.INVITATION_TTL_DAYS,
    site,
    audit: (actorId, action, invitationId, details) =>
      moderation.recordAudit(actorId, action, { type: 'invitation', id: invitationId }, details),
    registerInvited: (input) => services.auth.registerInvited(input),
  });
  dataOwners.push({ name: 'invitations', service: invitations });
  return { ...services, invitations };
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
  registerMemberListeners(deps.events, { outbox: deps.outbox, publicUrl: config.PUBLIC_URL });
  registerInvitationListeners(deps.events, { outbox: deps.outbox });
  registerNotificationListeners(deps.events, { outbox: deps.outbox });
  registerNoticeListeners(deps.events, { outbox: deps.outbox });
  registerWebhookListeners(deps.events, {
    outbox: deps.outbox,
    settings: webhookSettings(config),
    publicUrl: config.PUBLIC_URL,
    log,
  });
  // API side of notifications: inbox, preferences, unsubscribe (the workers fan out and mail).
  let liveIo: IoServer | null = null;
  const notifications = createNotificationService({
    emitter: { to: (room) => liveIo!.to(room) },
    outbox: deps.outbox,
    mailer: null,
    site: { name: 'Commons', url: config.PUBLIC_URL },
    log,
    tokens: unsubscribeTokens(config.SESSION_SECRET),
    watcherIds: (threadId) => services.forums.watcherIds(threadId),
    instantWindowMs: notificationSettings(config).instantWindowMs,
    blockedBy: recipientsBlocking,
    mentionable: mentionableBy,
    pending: createPendingDigests(deps.redis, config.REDIS_PREFIX),
  });
  services.dataOwners.push({ name: 'notifications', service: notifications });

  configurePassport();
  const sessionMiddleware = createSessionMiddleware({
    redis: deps.redis,
    prefix: config.REDIS_PREFIX,
    secret: config.SESSION_SECRET,
    secureCookie: config.PUBLIC_URL.startsWith('https:'),
    ttlDays: config.SESSION_TTL_DAYS,
    log,
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
      // Routine traffic (every page, asset and API call that succeeds) at debug, so a person
      // watching `npm start` sees refusals and failures, not one line per click. A 503 is a
      // dependency away (its client logs that): one warning per request, not an error each.
      customLogLevel: (_req, res, err) =>
        res.statusCode === 503
          ? 'warn'
          : err || res.statusCode >= 500
            ? 'error'
            : res.statusCode >= 400
              ? 'info'
              : 'debug',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(httpMetrics);
  app.use(securityHeaders({ production: config.isProduction }));

  app.use('/api', docsPages());
  // Routes served without the API's middleware (mail clients, the docs); filled by mountAll below.
  const bare = express.Router();
  app.use('/api', bare);

  const api = express.Router();
  // Multipart (file uploads) is allowed on these routes only, still same-origin.
  api.use(
    requireJsonAndSameOrigin(allowedOrigins, {
      multipartPaths: ['/uploads', '/resources/import', '/members/me/avatar'],
    }),
  );
  api.use(express.json({ limit: '100kb', strict: true, type: 'application/json' }));
  api.use(sessionMiddleware);
  api.use(passport.session());
  api.use(trackVisits(deps.redis, config.REDIS_PREFIX, services.moderation));
  mountAll(
    { root: app, bare, api },
    {
      documents: {
        document: buildOpenApiDocument(allOperations, { version: packageVersion(), serverUrl: config.PUBLIC_URL }),
      },
      health: { redis: deps.redis },
      metrics: { token: config.METRICS_TOKEN, io: () => liveIo ?? undefined, queues: deps.queues },
      auth: {
        auth: services.auth,
        limits: createAuthLimiters(deps.redis, config.REDIS_PREFIX),
        gate: services.moderation,
        present: selfPresenter(services.site),
      },
      members: {
        members: services.members,
        avatars: services.avatars,
        auth: services.auth,
        present: selfPresenter(services.site),
        verificationRequired: async () => (await services.site.settings()).emailVerification,
      },
      memberAdmin: {
        admin: createMemberAdmin({
          events: deps.events,
          standings: (ids) => services.moderation.standings(ids),
          audit: (actorId, action, target, details) =>
            services.moderation.recordAudit(actorId, action, target, details),
          resendVerification: (member) => services.auth.resendVerification(member),
          approveSignUp: (id) => services.auth.approveSignUp(id),
          declineSignUp: (id) => services.auth.declineSignUp(id),
          suspend: async (actor, memberId, body) => {
            await services.moderation.sanction(actor, { memberId, kind: 'suspend', ...body });
          },
          liftSuspensions: async (actor, memberId, reason) => {
            const { sanctions } = await services.moderation.memberModeration(actor, memberId);
            const active = sanctions.filter((s) => s.kind === 'suspend' && s.active);
            for (const s of active) await services.moderation.liftSanction(actor, s.id, reason);
            return active.length > 0;
          },
        }),
      },
      invitations: { invitations: services.invitations, present: selfPresenter(services.site) },
      search: { search: services.search },
      mail: { failures: services.mailFailures },
      site: { site: services.site },
      library: { library: services.library },
      uploads: { uploads: services.uploads },
      stories: { stories: services.stories },
      coalitions: { coalitions: services.coalitions },
      webhooks: { webhooks: services.webhooks },
      directory: { directory: services.directory, library: services.library, stories: services.stories },
      labs: { labs: services.labs, publicUrl: config.PUBLIC_URL },
      events: { events: services.events, publicUrl: config.PUBLIC_URL },
      notifications: { notifications },
      moderation: { moderation: services.moderation },
      forums: { forums: services.forums },
    },
    (rule) => new Limiter(deps.redis, config.REDIS_PREFIX, rule),
  );
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
    // Client-side routes: any other GET gets the app shell; public pages with their own head
    // (title, description, Open Graph), read as a visitor through the domains' read rules.
    const shell = readFileSync(path.join(dist, 'index.html'), 'utf8');
    const headOf = publicHeads(services, config.PUBLIC_URL);
    // eslint-disable-next-line commons/routes-in-tables -- the client's pages (any path), not an API route
    app.get(/^\/(?!api\/|socket\.io\/).*/, async (req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      const head = await headOf(req.path);
      res.type('html').send(head ? withHead(shell, head, 'Commons') : shell);
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
      moderationSocket({ redis: deps.redis, prefix: config.REDIS_PREFIX }),
      labSocket({ labs: services.labs, presence: labPresence, redis: deps.redis, prefix: config.REDIS_PREFIX, log }),
    ],
  });
  httpServer.on('close', () => labPresence.close());
  // Sign-out and password changes end live sockets too, on every server process (Redis adapter).
  // Categories are the forums' own; their changes join the audit log like every console action.
  deps.events.on('category.changed', (e) =>
    services.moderation.recordAudit(e.actorId, e.action, { type: 'category', id: e.categoryId }, e.details),
  );
  deps.events.on('auth.sessionsEnded', ({ memberId, sessionId, reason }) => {
    const room = sessionId ? rooms.session(sessionId) : rooms.member(memberId);
    io.to(room).emit('session:ended', {
      code: 'unauthenticated',
      message: reason === 'signed_out' ? 'You signed out.' : 'Your password changed; sign in again.',
    });
    io.in(room).disconnectSockets(true);
  });
  registerLabListeners(deps.events, { queues: deps.queues, outbox: deps.outbox, emitter: io });
  registerCoalitionRoomChecks(deps.events, {
    io,
    log,
    forums: services.forums,
    labs: services.labs,
    presence: labPresence,
  });
  registerEventListeners(deps.events, { queues: deps.queues, outbox: deps.outbox });
  registerForumListeners(deps.events, { emitter: io, forums: services.forums });
  registerModerationListeners(deps.events, {
    emitter: io,
    outbox: deps.outbox,
    moderation: services.moderation,
    publicUrl: config.PUBLIC_URL,
  });
  // A deleted account's open sockets end at once (its sessions end on their next request).
  deps.events.on('member.deleted', ({ memberId }) => {
    io.in(rooms.member(memberId)).disconnectSockets(true);
  });
  liveIo = io;
  // Default categories and mention handles, at start-up (forum calls also wait for it).
  const preparing = services.forums
    .prepare()
    .catch((err: unknown) => log.error({ err }, 'preparing the forums failed'));
  return { app, httpServer, io, services, preparing };
}
