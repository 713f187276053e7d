import type { WebhookEvent, WebhookEventType } from '@commons/shared';
import { isPrivateCategory } from '../forums/coalition-visibility.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Logger } from '../infra/log.js';
import type { Queues } from '../infra/queues.js';
import { WebhookModel } from './model.js';
import { enqueueDelivery, type WebhookSettings } from './service.js';

/**
 * Turns domain events into webhook deliveries: one `webhooks` job per subscribed, active webhook.
 * Event ids are derived from what happened (`thread-created-<threadId>`), so a re-published
 * event maps to the same delivery ids and is sent once.
 */
export function registerWebhookListeners(
  events: DomainEvents,
  deps: { queues: Queues; settings: Pick<WebhookSettings, 'backoffMs'>; publicUrl: string; log: Logger },
): void {
  const fanOut = async (type: WebhookEventType, subjectId: string, data: Record<string, unknown>) => {
    const hooks = await WebhookModel.find({ active: true, events: type }, { _id: 1 }).lean();
    if (hooks.length === 0) return;
    const event: WebhookEvent = {
      id: `${type.replace('.', '-')}-${subjectId}`,
      type,
      createdAt: new Date().toISOString(),
      data,
    };
    const results = await Promise.allSettled(
      hooks.map((h) => enqueueDelivery(deps.queues, deps.settings, h._id.toHexString(), event)),
    );
    for (const r of results)
      if (r.status === 'rejected') deps.log.error({ err: r.reason, type }, 'queueing a webhook delivery failed');
  };

  // A private coalition's threads and posts stay on the platform (coalitions/access.ts).
  events.on('thread.created', async ({ thread, post }) => {
    if (await isPrivateCategory(thread.categoryId)) return;
    await fanOut('thread.created', thread.id, { thread, post, url: `${deps.publicUrl}/threads/${thread.id}` });
  });
  events.on('post.created', async ({ thread, post }) => {
    if (await isPrivateCategory(thread.categoryId)) return;
    await fanOut('post.created', post.id, { thread, post, url: `${deps.publicUrl}/threads/${thread.id}` });
  });
  // Only what the member shows publicly: never the address or locale.
  events.on('member.registered', ({ memberId, displayName }) =>
    fanOut('member.joined', memberId, { member: { id: memberId, displayName } }),
  );
  // lab.ended goes out once the labs job has written the summary, so receivers get it whole.
  events.on('lab.summarized', (e) =>
    fanOut('lab.ended', e.labId, {
      lab: { id: e.labId, title: e.title, purpose: e.purpose, url: `${deps.publicUrl}/labs/${e.labId}` },
      summary: {
        threadId: e.threadId,
        threadUrl: `${deps.publicUrl}/threads/${e.threadId}`,
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
