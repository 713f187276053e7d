import { createForumService } from '../forums/service.js';
import { recipientsBlocking } from '../moderation/service.js';
import type { Runtime } from '../runtime.js';
import { notificationSettings } from './config.js';
import { createDigestService } from './digest.js';
import { createWorkerEmitter } from './emitter.js';
import { createNotificationService } from './service.js';
import { unsubscribeTokens } from './tokens.js';

/** The notification and digest services as worker processes use them (Redis emitter, real mailer). */
export function createNotificationWorkerServices(runtime: Runtime) {
  const { config, log } = runtime;
  const site = { name: 'Commons', url: config.PUBLIC_URL };
  const tokens = unsubscribeTokens(config.SESSION_SECRET);
  const settings = notificationSettings(config);
  const forums = createForumService({ events: runtime.events, log });
  const notifications = createNotificationService({
    emitter: createWorkerEmitter(runtime.newRedis({ name: 'notifications-emitter' }), config.REDIS_PREFIX),
    queues: runtime.queues,
    mailer: runtime.mailer,
    site,
    log,
    tokens,
    watcherIds: (threadId) => forums.watcherIds(threadId),
    instantWindowMs: settings.instantWindowMs,
    blockedBy: recipientsBlocking,
  });
  // Fault injection for tests/notifications (a worker killed right after claiming a digest).
  let claims = 0;
  const killAfter = Number(process.env.COMMONS_FAULT_KILL_AFTER_DIGEST_CLAIMS ?? '0');
  const digests = createDigestService({
    queues: runtime.queues,
    mailer: runtime.mailer,
    site,
    log,
    tokens,
    inactiveAfterMs: settings.inactiveAfterMs,
    ...(killAfter > 0
      ? {
          afterClaim: () => {
            if (++claims >= killAfter) process.kill(process.pid, 'SIGKILL');
          },
        }
      : {}),
  });
  return { notifications, digests, settings };
}
