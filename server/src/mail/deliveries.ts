import { isDuplicateKey } from '../infra/store/index.js';
import { MailDeliveryModel } from './delivery.model.js';

/*
 * The mail deliveries log, as other domains write it: notifications and digests send their own
 * mails (with their own exactly-once markers) and record each one here under its key, so the
 * admins' list of failures and a member's data export see every mail.
 */

/** A mail that went out, to be recorded. */
export interface SentMail {
  key: string;
  kind: string;
  to: string;
  memberId: string;
  messageId: string | null;
  sentAt: Date;
}

/** Whether the mail under this key already went out (a retried job sends nothing twice). */
export async function alreadySent(key: string): Promise<boolean> {
  return (await MailDeliveryModel.exists({ key, status: 'sent' })) !== null;
}

/** A failed attempt; `permanent` for a refusal (5xx) that will not be retried. */
export async function recordFailedMail(
  mail: Pick<SentMail, 'key' | 'kind' | 'to' | 'memberId'>,
  permanent: boolean,
  message: string,
): Promise<void> {
  await MailDeliveryModel.updateOne(
    { key: mail.key },
    {
      $set: {
        kind: mail.kind,
        to: mail.to,
        memberId: mail.memberId,
        status: 'failed',
        permanent,
        error: permanent ? `permanent: ${message}` : message,
      },
      $inc: { attempts: 1 },
    },
    { upsert: true },
  );
}

/**
 * Records sent mails in one insert; those that already had a row (a temporary failure before,
 * a retried batch) are updated instead, in one more write.
 */
export async function recordSentMails(mails: SentMail[]): Promise<void> {
  if (mails.length === 0) return;
  const rows = mails.map((m) => ({ ...m, status: 'sent' as const, permanent: false, error: null, attempts: 1 }));
  let again: SentMail[] = [];
  try {
    await MailDeliveryModel.insertMany(rows, { ordered: false });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const failed = (err as { writeErrors: { index: number }[] }).writeErrors ?? [];
    again = failed.map((w) => mails[w.index]!);
  }
  if (again.length === 0) return;
  await MailDeliveryModel.bulkWrite(
    again.map((m) => ({
      updateOne: {
        filter: { key: m.key },
        update: {
          $set: {
            kind: m.kind,
            to: m.to,
            memberId: m.memberId,
            status: 'sent',
            permanent: false,
            messageId: m.messageId,
            error: null,
            sentAt: m.sentAt,
          },
          $inc: { attempts: 1 },
        },
        upsert: true,
      },
    })),
    { ordered: false },
  );
}
