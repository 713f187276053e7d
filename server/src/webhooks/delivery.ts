import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { webhookJobSchema } from '@commons/shared';
import { UnrecoverableError } from 'bullmq';
import { trusted, Types } from 'mongoose';
import type { Logger } from '../infra/log.js';
import type { Outbox } from '../infra/outbox.js';
import { memberById } from '../members/reads.js';
import { activeWebhooksChanged } from './active.js';
import { assertSafeTarget, guardedLookup, UnsafeTargetError } from './guard.js';
import { WebhookDeliveryModel, WebhookModel } from './model.js';
import { signPayload } from './signing.js';

export interface DelivererSettings {
  allowPrivate: boolean;
  timeoutMs: number;
  disableAfter: number;
  publicUrl: string;
}

/** A receiver's non-2xx answer. */
class ReceiverError extends Error {
  constructor(readonly statusCode: number) {
    super(`The receiver answered ${statusCode}.`);
    this.name = 'ReceiverError';
  }
}

const USER_AGENT = 'Commons-Webhooks/1.0';

/** POSTs the body once, connecting only to addresses the guard accepts; resolves with the status. */
function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  opts: { allowPrivate: boolean; timeoutMs: number },
): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup({ allowPrivate: opts.allowPrivate }),
        // One connection per delivery: no pooled socket outlives its address check.
        agent: false,
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res: IncomingMessage) => {
        // The answer's body is not used; drain it so the socket closes.
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', (err: Error) => {
      if (err.name === 'AbortError' || err.name === 'TimeoutError')
        reject(new Error(`No answer within ${opts.timeoutMs} ms.`));
      else reject(err);
    });
    req.end(body);
  });
}

const short = (message: string) => message.slice(0, 500);

/** The work of the `webhooks` queue: one signed POST per job, its history, and disabling. */
export function createWebhookDeliverer(deps: { outbox: Outbox; log: Logger; settings: DelivererSettings }) {
  const { outbox, log, settings } = deps;

  /** A delivery gave up: count it, and turn the webhook off (telling its admin) at the limit. */
  async function finalFailure(webhookId: string, lastError: string): Promise<void> {
    const counted = await WebhookModel.findOneAndUpdate(
      { _id: webhookId, active: true },
      { $inc: { consecutiveFailures: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!counted || counted.consecutiveFailures < settings.disableAfter) return;
    const disabledAt = new Date();
    const disabled = await WebhookModel.findOneAndUpdate(
      { _id: webhookId, active: true },
      {
        $set: {
          active: false,
          disabledAt,
          disabledReason: short(`${counted.consecutiveFailures} deliveries failed in a row; the last: ${lastError}`),
        },
      },
      { returnDocument: 'after' },
    ).lean();
    if (!disabled) return;
    await activeWebhooksChanged();
    log.warn({ webhookId, failures: counted.consecutiveFailures }, 'webhook disabled after failed deliveries');
    const admin = await memberById(disabled.createdById, ['email', 'displayName', 'locale']);
    if (!admin) return;
    await outbox.schedule([
      {
        queue: 'mail',
        key: `webhook-disabled-${webhookId}-${disabledAt.getTime()}`,
        job: {
          kind: 'webhook_disabled',
          memberId: admin._id.toHexString(),
          to: admin.email,
          locale: admin.locale,
          displayName: admin.displayName,
          webhookUrl: disabled.url,
          failures: counted.consecutiveFailures,
          lastError,
          settingsUrl: `${settings.publicUrl}/api/webhooks/${webhookId}/deliveries`,
        },
      },
    ]);
  }

  return {
    /**
     * Sends one delivery attempt. A delivery that already succeeded is not sent again; a refused
     * target is not retried; the last failed attempt counts towards disabling the webhook.
     */
    async deliver(
      payload: unknown,
      attempt: number,
      maxAttempts: number,
    ): Promise<'sent' | 'already_sent' | 'skipped'> {
      const job = webhookJobSchema.parse(payload);
      const { deliveryId, webhookId, event } = job;
      const existing = await WebhookDeliveryModel.findOne({ deliveryId }, { status: 1 }).lean();
      if (existing?.status === 'succeeded') return 'already_sent';
      const hook = Types.ObjectId.isValid(webhookId) ? await WebhookModel.findById(webhookId).lean() : null;
      if (!hook || !hook.active) {
        if (hook) await WebhookDeliveryModel.updateOne({ deliveryId }, { $set: { status: 'skipped' } });
        return 'skipped';
      }

      const body = JSON.stringify(event);
      const timestamp = Math.floor(Date.now() / 1000);
      const now = new Date();
      try {
        // Checked again at delivery time: DNS may have changed since registration.
        const url = await assertSafeTarget(hook.url, { allowPrivate: settings.allowPrivate });
        const status = await post(
          url,
          body,
          {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            'x-commons-event': event.type,
            'x-commons-delivery': deliveryId,
            'x-commons-timestamp': String(timestamp),
            'x-commons-signature': signPayload(hook.secret, timestamp, body),
          },
          { allowPrivate: settings.allowPrivate, timeoutMs: settings.timeoutMs },
        );
        if (status < 200 || status >= 300) throw new ReceiverError(status);
        await WebhookDeliveryModel.updateOne(
          { deliveryId },
          {
            $set: {
              status: 'succeeded',
              attempts: attempt,
              responseCode: status,
              lastError: null,
              lastAttemptAt: now,
              deliveredAt: new Date(),
            },
          },
        );
        if (hook.consecutiveFailures > 0)
          await WebhookModel.updateOne({ _id: hook._id }, { $set: { consecutiveFailures: 0 } });
        return 'sent';
      } catch (err) {
        const refused = err instanceof UnsafeTargetError || (err as { name?: string }).name === 'UnsafeTargetError';
        const final = refused || attempt >= maxAttempts;
        const message = short(err instanceof Error ? err.message : String(err));
        const marked = await WebhookDeliveryModel.updateOne(
          { deliveryId, status: trusted({ $nin: ['succeeded', 'failed'] }) },
          {
            $set: {
              status: final ? 'failed' : 'retrying',
              attempts: attempt,
              responseCode: err instanceof ReceiverError ? err.statusCode : null,
              lastError: message,
              lastAttemptAt: now,
            },
          },
        );
        // Counted once per delivery, however often its last attempt is re-run.
        if (final && marked.modifiedCount > 0) await finalFailure(webhookId, message);
        if (refused) throw new UnrecoverableError(message);
        throw err;
      }
    },
  };
}

export type WebhookDeliverer = ReturnType<typeof createWebhookDeliverer>;
