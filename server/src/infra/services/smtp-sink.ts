// An SMTP server on loopback that accepts every message (any or no auth, no TLS),
// parses it with mailparser, keeps it in memory and optionally writes the raw
// message to `<mailDir>/<ISO-time>-<random>.eml`. The local default for
// `npm start` and what tests read their mails from.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { LOOPBACK } from './ports.js';
import { errorMessage } from './types.js';

export interface SinkMail extends ParsedMail {
  /** The Subject header, '' when the message has none. */
  subject: string;
  /** SMTP envelope: who really receives it (including Bcc), in order. */
  envelope: { from: string | null; to: string[] };
  /** The .eml file, when the sink has a mailDir. */
  file?: string;
}

export interface SmtpSinkOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Write each raw message here as an .eml file. */
  mailDir?: string;
  /** Called for each parsed message. */
  onMail?: (mail: SinkMail) => void;
  /** One line per message (recipients and subject) and per problem. Default: silent. */
  log?: (line: string) => void;
  /**
   * Refuses a recipient at RCPT TO with the returned SMTP reply (e.g. `{ code: 550, message:
   * '5.1.1 mailbox unavailable' }`), as a real server does for a dead address; null accepts it.
   */
  refuseRecipient?: (address: string) => { code: number; message: string } | null;
}

export interface SmtpSink {
  /** smtp://127.0.0.1:PORT */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every message received since start (or the last clear()), oldest first. */
  mails(): SinkMail[];
  /**
   * The first message, already received or still to come, that satisfies predicate.
   * Rejects after timeoutMs (default 10 s) listing what did arrive.
   */
  waitFor(predicate: (mail: SinkMail) => boolean, timeoutMs?: number): Promise<SinkMail>;
  clear(): void;
  close(): Promise<void>;
}

interface Waiter {
  predicate: (mail: SinkMail) => boolean;
  resolve: (mail: SinkMail) => void;
}

function matches(predicate: (mail: SinkMail) => boolean, mail: SinkMail): boolean {
  try {
    return predicate(mail);
  } catch {
    return false;
  }
}

export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const host = options.host ?? LOOPBACK;
  const log = options.log ?? ((): void => undefined);
  const received: SinkMail[] = [];
  const waiters = new Set<Waiter>();
  if (options.mailDir) await fs.mkdir(options.mailDir, { recursive: true });

  const deliver = (mail: SinkMail): void => {
    received.push(mail);
    log(
      `mail to ${mail.envelope.to.join(', ') || '(nobody)'}: ${JSON.stringify(mail.subject)}${mail.file ? ` -> ${mail.file}` : ''}`,
    );
    try {
      options.onMail?.(mail);
    } catch (error) {
      log(`smtp sink: onMail failed: ${errorMessage(error)}`);
    }
    for (const waiter of waiters) {
      if (matches(waiter.predicate, mail)) {
        waiters.delete(waiter);
        waiter.resolve(mail);
      }
    }
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    banner: 'Commons SMTP sink',
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      const refusal = options.refuseRecipient?.(address.address) ?? null;
      if (!refusal) return callback();
      log(`smtp sink: refused ${address.address} with ${refusal.code}`);
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        };
        void (async () => {
          let file: string | undefined;
          if (options.mailDir) {
            const stamp = new Date().toISOString().replace(/:/g, '-');
            file = path.join(options.mailDir, `${stamp}-${randomBytes(4).toString('hex')}.eml`);
            await fs.writeFile(file, raw);
          }
          const parsed = await simpleParser(raw);
          const mail: SinkMail = Object.assign(
            parsed,
            { subject: parsed.subject ?? '', envelope },
            file ? { file } : {},
          );
          deliver(mail);
        })().then(
          () => callback(null, 'Queued by the Commons SMTP sink'),
          (error: unknown) => {
            log(`smtp sink: could not handle a message: ${errorMessage(error)}`);
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
  });
  server.on('error', (error: Error) => log(`smtp sink: ${errorMessage(error)}`));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.server.once('error', onError);
    server.listen(options.port, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new Error(`the SMTP sink could not listen on ${host}:${options.port}: ${errorMessage(error)}`, {
      cause: error,
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  let closing: Promise<void> | undefined;
  return {
    url: `smtp://${host}:${port}`,
    host,
    port,
    mails: () => [...received],
    waitFor(predicate, timeoutMs = 10_000) {
      const already = received.find((mail) => matches(predicate, mail));
      if (already) return Promise.resolve(already);
      return new Promise<SinkMail>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = received.map((mail) => `${mail.envelope.to.join(',')}: ${mail.subject}`);
          reject(
            new Error(
              `no matching mail within ${timeoutMs} ms; received ${seen.length}${seen.length ? `:\n  ${seen.join('\n  ')}` : ''}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    clear() {
      received.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}
