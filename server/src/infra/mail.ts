import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** nodemailer over real SMTP; `SMTP_URL` decides where (the local sink by default). */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(smtpUrl, { from });
  return {
    async send(mail) {
      const info = (await transport.sendMail({ from, ...mail })) as { messageId: string };
      return { messageId: info.messageId };
    },
    close() {
      transport.close();
    },
  };
}
