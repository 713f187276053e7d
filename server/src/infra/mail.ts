import nodemailer, { type Transporter } from 'nodemailer';
import { metrics } from '../metrics/registry.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  /** What kind of mail this is, for the sent/failed counters (not sent to SMTP). */
  kind?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * nodemailer over real SMTP; `SMTP_URL` decides where (the local sink by default). Connections
 * are pooled and reused (a new connection and greeting per mail made digest runs slow); the URL
 * may still set `?pool=false` or `maxConnections`.
 */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(
    { url: smtpUrl, pool: true, maxConnections: 5, maxMessages: 500 },
    { from },
  );
  return {
    async send({ kind = 'other', ...mail }) {
      try {
        const info = (await transport.sendMail({ from, ...mail })) as { messageId: string };
        metrics.mails.inc({ kind, result: 'sent' });
        return { messageId: info.messageId };
      } catch (err) {
        metrics.mails.inc({ kind, result: 'failed' });
        throw err;
      }
    },
    close() {
      transport.close();
    },
  };
}
