import type { Logger } from '../infra/log.js';
import type { Mailer, OutgoingMail } from '../infra/mail.js';
import { alreadySent, recordFailedMail, recordSentMails, type SentMail } from '../mail/deliveries.js';
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
): Promise<'sent' | 'already_sent' | 'bounced'> {
  if (await alreadySent(key)) return 'already_sent';
  const result = await sendMail(deps, key, kind, memberId, mail);
  if (result === 'bounced') return 'bounced';
  await recordSentMails([result]);
  return 'sent';
}

/**
 * Sends one mail; a failure is recorded (and a permanent one marks the address bounced) as in
 * deliverMail, while a success is returned for the caller to record with others at once
 * (recordSentMails): digests keep their own exactly-once marker and record a batch in one write.
 */
export async function sendMail(
  deps: { mailer: Mailer; log: Logger },
  key: string,
  kind: string,
  memberId: string,
  mail: OutgoingMail,
): Promise<SentMail | 'bounced'> {
  try {
    const { messageId } = await deps.mailer.send(mail);
    return { key, kind, to: mail.to, memberId, messageId: messageId ?? null, sentAt: new Date() };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const permanent = isPermanentSmtpFailure(err);
    await recordFailedMail({ key, kind, to: mail.to, memberId }, permanent, message);
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
