import { randomUUID } from 'node:crypto';
import {
  objectIdSchema,
  type Webhook,
  type WebhookCreateBody,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookPatchBody,
} from '@commons/shared';
import { Types } from 'mongoose';
import { isDuplicateKey } from '../infra/store/index.js';
import { isAdmin, type Actor } from '../members/actor.js';
import { AppError } from '../http/errors.js';
import type { Outbox } from '../infra/outbox.js';
import { activeWebhooksChanged } from './active.js';
import { assertSafeTarget, UnsafeTargetError } from './guard.js';
import { WebhookDeliveryModel, WebhookModel, type WebhookDeliveryFields, type WebhookFields } from './model.js';
import { newWebhookSecret } from './signing.js';

/** Attempts per delivery (the first try and five retries with exponential backoff). */
export const DELIVERY_ATTEMPTS = 6;

export interface WebhookSettings {
  allowPrivate: boolean;
  backoffMs: number;
}

export function toWebhook(doc: Omit<WebhookFields, 'secret'>): Webhook {
  return {
    id: doc._id.toHexString(),
    url: doc.url,
    events: doc.events,
    description: doc.description ?? null,
    active: doc.active,
    consecutiveFailures: doc.consecutiveFailures,
    disabledAt: doc.disabledAt?.toISOString() ?? null,
    disabledReason: doc.disabledReason ?? null,
    createdById: doc.createdById.toHexString(),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

function toDelivery(doc: WebhookDeliveryFields): WebhookDelivery {
  return {
    id: doc.deliveryId,
    webhookId: doc.webhookId.toHexString(),
    eventId: doc.eventId,
    type: doc.type,
    status: doc.status,
    attempts: doc.attempts,
    responseCode: doc.responseCode ?? null,
    lastError: doc.lastError ?? null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    lastAttemptAt: doc.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: doc.deliveredAt?.toISOString() ?? null,
  };
}

/** BullMQ custom job ids must not contain ':'; ours are built from ids and event names. */
export function deliveryIdFor(webhookId: string, eventId: string): string {
  return `wh-${webhookId}-${eventId}`.replace(/[^\w.-]/g, '-');
}

/**
 * Records a pending delivery and queues its job. Both are keyed by the deterministic delivery
 * id, so publishing the same event twice sends it once.
 */
export async function enqueueDelivery(
  outbox: Outbox,
  settings: Pick<WebhookSettings, 'backoffMs'>,
  webhookId: string,
  event: WebhookEvent,
): Promise<string> {
  const deliveryId = deliveryIdFor(webhookId, event.id);
  try {
    await WebhookDeliveryModel.updateOne(
      { deliveryId },
      {
        $setOnInsert: {
          deliveryId,
          webhookId: new Types.ObjectId(webhookId),
          eventId: event.id,
          type: event.type,
          status: 'pending',
          attempts: 0,
        },
      },
      { upsert: true },
    );
  } catch (err) {
    // Two racing upserts of the same delivery: the other one inserted it.
    if (!isDuplicateKey(err)) throw err;
  }
  await outbox.schedule([
    {
      queue: 'webhooks',
      key: deliveryId,
      job: { kind: 'deliver', webhookId, deliveryId, event },
      attempts: DELIVERY_ATTEMPTS,
      backoff: { type: 'exponential', delay: settings.backoffMs },
    },
  ]);
  return deliveryId;
}

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new AppError('forbidden', 'Only administrators can manage webhooks.');
}

async function checkTarget(url: string, settings: WebhookSettings): Promise<string> {
  try {
    return (await assertSafeTarget(url, { allowPrivate: settings.allowPrivate })).toString();
  } catch (err) {
    if (err instanceof UnsafeTargetError)
      throw new AppError('validation_failed', err.message, { fieldErrors: { url: [err.message] }, formErrors: [] });
    throw err;
  }
}

/** Outgoing webhooks: administrators register receivers; listeners queue one job per event. */
export function createWebhookService(deps: {
  outbox: Outbox;
  settings: WebhookSettings;
  /** The audit log (moderation owns it): every administrator's change and test delivery. */
  audit?: (
    actorId: string,
    action: 'webhook.create' | 'webhook.update' | 'webhook.delete' | 'webhook.test',
    webhookId: string,
    details: Record<string, unknown>,
  ) => Promise<void>;
}) {
  const { outbox, settings } = deps;
  const audit = deps.audit ?? (async () => undefined);

  async function find(id: string) {
    if (!objectIdSchema.safeParse(id).success) throw new AppError('not_found', 'No webhook with this id.');
    const doc = await WebhookModel.findById(id, { secret: 0 }).lean();
    if (!doc) throw new AppError('not_found', 'No webhook with this id.');
    return doc;
  }

  return {
    async create(actor: Actor, body: WebhookCreateBody): Promise<{ webhook: Webhook; secret: string }> {
      requireAdmin(actor);
      const url = await checkTarget(body.url, settings);
      const secret = newWebhookSecret();
      const doc = await WebhookModel.create({
        url,
        events: body.events,
        description: body.description || null,
        secret,
        createdById: new Types.ObjectId(actor.id),
      });
      await activeWebhooksChanged();
      await audit(actor.id, 'webhook.create', doc._id.toHexString(), { url, events: body.events });
      return { webhook: toWebhook(doc.toObject()), secret };
    },

    async list(actor: Actor): Promise<Webhook[]> {
      requireAdmin(actor);
      const docs = await WebhookModel.find({}, { secret: 0 }).sort({ createdAt: -1 }).lean();
      return docs.map(toWebhook);
    },

    async get(actor: Actor, id: string): Promise<Webhook> {
      requireAdmin(actor);
      return toWebhook(await find(id));
    },

    /** Changes the events or turns the webhook on and off; turning it on clears the failure count. */
    async update(actor: Actor, id: string, patch: WebhookPatchBody): Promise<Webhook> {
      requireAdmin(actor);
      const current = await find(id);
      const $set: Partial<WebhookFields> = {};
      if (patch.events) $set.events = patch.events;
      if (patch.active === true && !current.active) {
        // The address may have changed hands since: check it again before sending anything.
        await checkTarget(current.url, settings);
        Object.assign($set, { active: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null });
      } else if (patch.active === false && current.active) {
        Object.assign($set, {
          active: false,
          disabledAt: new Date(),
          disabledReason: 'Turned off by an administrator.',
        });
      }
      if (Object.keys($set).length === 0) return toWebhook(current);
      // No projection here: FerretDB's findAndModify does not take one (toWebhook drops the secret).
      const doc = await WebhookModel.findByIdAndUpdate(id, { $set }, { returnDocument: 'after' }).lean();
      await activeWebhooksChanged();
      if (!doc) throw new AppError('not_found', 'No webhook with this id.');
      await audit(actor.id, 'webhook.update', id, { ...patch });
      return toWebhook(doc);
    },

    async remove(actor: Actor, id: string): Promise<void> {
      requireAdmin(actor);
      await find(id);
      await WebhookModel.deleteOne({ _id: id });
      await activeWebhooksChanged();
      // Queued jobs find no webhook and do nothing; the history goes with it.
      await WebhookDeliveryModel.deleteMany({ webhookId: new Types.ObjectId(id) });
      await audit(actor.id, 'webhook.delete', id, {});
    },

    async deliveries(actor: Actor, id: string): Promise<WebhookDelivery[]> {
      requireAdmin(actor);
      await find(id);
      const docs = await WebhookDeliveryModel.find({ webhookId: new Types.ObjectId(id) })
        .sort({ createdAt: -1, _id: -1 })
        .limit(100)
        .lean();
      return docs.map(toDelivery);
    },

    /** Queues a `webhook.test` event to this webhook, signed and retried like any other. */
    async test(actor: Actor, id: string): Promise<WebhookDelivery> {
      requireAdmin(actor);
      const hook = await find(id);
      if (!hook.active) throw new AppError('conflict', 'Turn the webhook on before testing it.');
      await checkTarget(hook.url, settings);
      const event: WebhookEvent = {
        id: `test-${randomUUID()}`,
        type: 'webhook.test',
        createdAt: new Date().toISOString(),
        data: { webhookId: id, message: 'A test delivery from Commons.' },
      };
      const deliveryId = await enqueueDelivery(outbox, settings, id, event);
      await audit(actor.id, 'webhook.test', id, { deliveryId });
      const doc = await WebhookDeliveryModel.findOne({ deliveryId }).lean();
      return toDelivery(doc!);
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
