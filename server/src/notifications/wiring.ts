import { createForumService } from '../forums/service.js';
import { mentionableBy } from '../members/privacy.js';
import { recipientsBlocking } from '../moderation/service.js';
import type { Runtime } from '../runtime.js';
import { notificationSettings } from './config.js';
import { createDigestService } from './digest.js';
import { createPendingDigests } from './digest-pending.js';
import { createRedisEmitter } from '../realtime/emitter.js';
import { redisSerialLock } from '../infra/mutex.js';
import { createNotificationService } from './service.js';
import { unsubscribeTokens } from './tokens.js';

/** The notification and digest services as worker processes use them (Redis emitter, real mailer). */
export function createNotificationWorkerServices(runtime: Runtime) {
  const { config, log } = runtime;
  const site = { name: 'Commons', url: config.PUBLIC_URL };
  const tokens = unsubscribeTokens(config.SESSION_SECRET);
  const settings = notificationSettings(config);
  const forums = createForumService({ events: runtime.events, log });
  const pending = createPendingDigests(runtime.redis, config.REDIS_PREFIX);
  const notifications = createNotificationService({
    emitter: createRedisEmitter(runtime.newRedis({ name: 'notifications-emitter' }), config.REDIS_PREFIX, log),
    outbox: runtime.outbox,
    mailer: runtime.mailer,
    site,
    log,
    tokens,
    watcherIds: (threadId) => forums.watcherIds(threadId),
    instantWindowMs: settings.instantWindowMs,
    blockedBy: recipientsBlocking,
    mentionable: mentionableBy,
    pending,
    // A fan-out to thousands of watchers takes a while on FerretDB, so the lock lasts 30 s; a
    // worker killed while holding it delays that thread's next fan-outs by as much.
    groupLock: redisSerialLock(runtime.redis, config.REDIS_PREFIX, { ttlMs: 30_000, waitMs: 60_000 }),
  });
  // Fault injection for tests/notifications (a worker killed as its Nth digest is about to go out).
  let sends = 0;
  const killAt = Number(process.env.COMMONS_FAULT_KILL_AT_DIGEST_SEND ?? '0');
  const digests = createDigestService({
    queues: runtime.queues,
    mailer: runtime.mailer,
    site,
    log,
    tokens,
    pending,
    inactiveAfterMs: settings.inactiveAfterMs,
    sendsInFlight: settings.digestSendsInFlight,
    ...(killAt > 0
      ? {
          beforeSend: () => {
            if (++sends >= killAt) process.kill(process.pid, 'SIGKILL');
          },
        }
      : {}),
  });
  return { notifications, digests, settings };
}
