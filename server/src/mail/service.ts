import { mailJobSchema } from '@commons/shared';
import type { Logger } from '../infra/log.js';
import type { Mailer } from '../infra/mail.js';
import { MailDeliveryModel } from './delivery.model.js';
import { renderMail, type Site } from './templates.js';

/** SMTP replies in the 5xx range will not succeed on retry. */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code =
    typeof err === 'object' && err !== null && 'responseCode' in err
      ? Number((err as { responseCode: unknown }).responseCode)
      : 0;
  return code >= 500 && code < 600;
}

export function createMailService(deps: { mailer: Mailer; site: Site; log: Logger }) {
  return {
    /**
     * Sends one queued mail once: `key` is the job's deterministic id, recorded after sending,
     * so a retry after success is a no-op.
     */
    async deliver(key: string, payload: unknown, attempt: number): Promise<'sent' | 'already_sent'> {
      const job = mailJobSchema.parse(payload);
      if (await MailDeliveryModel.exists({ key, status: 'sent' })) return 'already_sent';
      const mail = { ...renderMail(job, deps.site), kind: job.kind };
      try {
        const { messageId } = await deps.mailer.send(mail);
        await MailDeliveryModel.updateOne(
          { key },
          {
            $set: {
              kind: job.kind,
              to: job.to,
              status: 'sent',
              permanent: false,
              messageId,
              error: null,
              attempts: attempt,
              sentAt: new Date(),
            },
          },
          { upsert: true },
        );
        deps.log.info({ kind: job.kind, key }, 'mail sent');
        return 'sent';
      } catch (err) {
        await MailDeliveryModel.updateOne(
          { key },
          {
            $set: {
              kind: job.kind,
              to: job.to,
              status: 'failed',
              permanent: isPermanentSmtpFailure(err),
              error: err instanceof Error ? err.message : String(err),
              attempts: attempt,
            },
          },
          { upsert: true },
        );
        throw err;
      }
    },
  };
}

export type MailService = ReturnType<typeof createMailService>;
