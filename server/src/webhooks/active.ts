import type { WebhookEventType } from '@commons/shared';
import { dropKept, kept } from '../infra/read-models.js';
import { WebhookModel } from './model.js';

/** The active webhooks and their events, kept in Redis: every published post asks for them. */
const KEY = 'webhooks:active';
/** Dropped by every write that changes them (below); the expiry only bounds a lost drop. */
const TTL_SECONDS = 3600;

/** Ids of the active webhooks subscribed to `type` (read from the store on a miss only). */
export async function activeWebhookIds(type: WebhookEventType): Promise<string[]> {
  const all = await kept(KEY, TTL_SECONDS, async () =>
    (await WebhookModel.find({ active: true }, { events: 1 }).lean()).map((h) => ({
      id: h._id.toHexString(),
      events: h.events,
    })),
  );
  return all.filter((h) => h.events.includes(type)).map((h) => h.id);
}

/** After any webhook write that changes which are active or what they are subscribed to (any process). */
export function activeWebhooksChanged(): Promise<void> {
  return dropKept(KEY);
}
