// A per-file SMTP sink: each test file starts its own on a free loopback port,
// passes `sink.url` to the app it builds, and reads exactly the mails that app sent.
import {
  startSmtpSink,
  type SinkMail,
  type SmtpSink,
  type SmtpSinkOptions,
} from '@commons/server/infra/services/smtp-sink';

export type TestSmtpSink = SmtpSink;
export type TestMail = SinkMail;
export type RefuseRecipient = NonNullable<SmtpSinkOptions['refuseRecipient']>;

export function startTestSmtpSink(
  opts: { log?: (line: string) => void; refuseRecipient?: RefuseRecipient } = {},
): Promise<TestSmtpSink> {
  const verbose = process.env.COMMONS_TEST_VERBOSE_MAIL === '1';
  return startSmtpSink({
    port: 0,
    host: '127.0.0.1',
    ...(opts.refuseRecipient ? { refuseRecipient: opts.refuseRecipient } : {}),
    ...(opts.log ? { log: opts.log } : verbose ? { log: (line: string) => console.log(`[mail] ${line}`) } : {}),
  });
}
