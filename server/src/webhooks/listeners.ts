import { postPath, threadPath, type WebhookEvent, type WebhookEventType } from '@commons/shared';
import { shareablePost } from '../forums/published.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Logger } from '../infra/log.js';
import type { Outbox } from '../infra/outbox.js';
import { activeWebhookIds } from './active.js';
import { enqueueDelivery, type WebhookSettings } from './service.js';

/**
 * Turns domain events into webhook deliveries: one `webhooks` job per subscribed, active webhook.
 * Event ids are derived from what happened (`thread-created-<threadId>`), so a re-published
 * event maps to the same delivery ids and is sent once.
 */
export function registerWebhookListeners(
  events: DomainEvents,
  deps: { outbox: Outbox; settings: Pick<WebhookSettings, 'backoffMs'>; publicUrl: string; log: Logger },
): void {
  // `data` is read only when some webhook wants the event (most posts have none to go to).
  const fanOut = async (
    type: WebhookEventType,
    subjectId: string,
    data: Record<string, unknown> | (() => Promise<Record<string, unknown> | null>),
  ) => {
    // Kept in Redis (active.ts): one look-up per published post otherwise.
    const hooks = await activeWebhookIds(type);
    if (hooks.length === 0) return;
    const payload = typeof data === 'function' ? await data() : data;
    if (!payload) return;
    const event: WebhookEvent = {
      id: `${type.replace('.', '-')}-${subjectId}`,
      type,
      createdAt: new Date().toISOString(),
      data: payload,
    };
    const results = await Promise.allSettled(hooks.map((id) => enqueueDelivery(deps.outbox, deps.settings, id, event)));
    // Stored in the outbox or not at all: a failure fails the event's delivery (a screening job retries).
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0)
      throw new AggregateError(
        failed.map((f) => f.reason as unknown),
        `recording ${type} webhook deliveries failed`,
      );
  };

  // After screening let the post stand; a private coalition's threads and posts stay on the platform.
  events.on('post.published', ({ threadId, postId, opening }) =>
    fanOut(opening ? 'thread.created' : 'post.created', opening ? threadId : postId, async () => {
      const shared = await shareablePost(threadId, postId);
      if (!shared) return null;
      const { thread, post } = shared;
      const url = `${deps.publicUrl}${opening ? threadPath(thread.id) : postPath(thread.id, post.seq)}`;
      return { thread, post, url };
    }),
  );
  // Only what the member shows publicly: never the address or locale.
  events.on('member.registered', ({ memberId, displayName }) =>
    fanOut('member.joined', memberId, { member: { id: memberId, displayName } }),
  );
  // lab.ended goes out once the labs job has written the summary, so receivers get it whole;
  // a private coalition's lab stays on the platform (no delivery at all, not even its id).
  events.on('lab.summarized', (e) =>
    !e.shareable
      ? undefined
      : fanOut('lab.ended', e.labId, {
          lab: { id: e.labId, title: e.title, purpose: e.purpose, url: `${deps.publicUrl}/labs/${e.labId}` },
          summary: {
            threadId: e.threadId,
            threadUrl: `${deps.publicUrl}${threadPath(e.threadId)}`,
            attendance: e.attendance,
            topIdeas: e.topIdeas,
            actionItems: e.actionItems,
          },
        }),
  );
  // A resource becomes public when a moderator approves it.
  events.on('resource.reviewed', ({ resourceId, status }) =>
    status === 'approved'
      ? fanOut('resource.approved', resourceId, { resourceId, url: `${deps.publicUrl}/library/${resourceId}` })
      : undefined,
  );
}
