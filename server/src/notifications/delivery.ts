import type { Logger } from '../infra/log.js';
import type { Mailer, OutgoingMail } from '../infra/mail.js';
import { MailDeliveryModel } from '../mail/delivery.model.js';
import { isPermanentSmtpFailure } from '../mail/service.js';
import { NotificationSettingsModel } from './model.js';
import { defaultSettingsRow } from './settings.js';

/**
 * Sends one notification or digest mail under a deterministic key and records it in the mail
 * deliveries. A permanent SMTP refusal (5xx) marks the member's address as bounced, so later
 * instant mails and digests skip them; a temporary one is rethrown for the queue to retry.
 */
export async function deliverMail(
  deps: { mailer: Mailer; log: Logger },
  key: string,
  kind: string,
  memberId: string,
  mail: OutgoingMail,
  /**
   * `marker`: the caller keeps its own exactly-once marker (digests), so the look-up of an
   * earlier delivery under this key is skipped; it could never find one.
   */
  guard: 'deliveries' | 'marker' = 'deliveries',
): Promise<'sent' | 'already_sent' | 'bounced'> {
  if (guard === 'deliveries' && (await MailDeliveryModel.exists({ key, status: 'sent' }))) return 'already_sent';
  try {
    const { messageId } = await deps.mailer.send(mail);
    await MailDeliveryModel.updateOne(
      { key },
      {
        $set: {
          kind,
          to: mail.to,
          memberId,
          status: 'sent',
          permanent: false,
          messageId,
          error: null,
          sentAt: new Date(),
        },
        $inc: { attempts: 1 },
      },
      { upsert: true },
    );
    return 'sent';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const permanent = isPermanentSmtpFailure(err);
    await MailDeliveryModel.updateOne(
      { key },
      {
        $set: {
          kind,
          to: mail.to,
          memberId,
          status: 'failed',
          permanent,
          error: permanent ? `permanent: ${message}` : message,
        },
        $inc: { attempts: 1 },
      },
      { upsert: true },
    );
    if (!permanent) throw err;
    await NotificationSettingsModel.updateOne(
      { memberId },
      {
        $set: { bouncedAt: new Date(), bouncedAddress: mail.to, bounceReason: message.slice(0, 500) },
        $setOnInsert: defaultSettingsRow(),
      },
      { upsert: true },
    );
    deps.log.warn({ key, kind, memberId }, 'mail bounced permanently; address marked');
    return 'bounced';
  }
}
