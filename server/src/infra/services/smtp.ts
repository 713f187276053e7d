// SMTP, resolved in this order: SMTP_URL; whatever greets like an SMTP server on
// 127.0.0.1:1025 (e.g. the sink of another `npm start`, or Mailpit); else our sink.
import net from 'node:net';
import { LOOPBACK } from './ports.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { noStop, redactUrl, type ProvidedService, type ServiceLog } from './types.js';

export const DEFAULT_SMTP_PORT = 1025;

export interface ProvideSmtpOptions {
  log: ServiceLog;
  /** Port of the sink we start: 0 picks a free one. Default 1025. */
  port?: number;
  /** Use SMTP_URL when set. Default true. */
  useEnv?: boolean;
  /** Look for an SMTP server on 127.0.0.1:1025 before starting a sink. Default true. */
  probeDefaultPort?: boolean;
  /** The sink writes each message here as an .eml file. */
  mailDir?: string;
}

export interface ProvidedSmtp extends ProvidedService {
  /** Set when we started the sink. */
  sink?: SmtpSink;
}

/** Whether host:port sends an SMTP greeting ("220 ...") within timeoutMs. Says QUIT afterwards. */
export function answersSmtp(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let buffer = '';
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      if (ok) socket.end('QUIT\r\n');
      else socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const newline = buffer.indexOf('\n');
      if (newline >= 0) finish(/^220[ -]/.test(buffer.slice(0, newline)));
    });
  });
}

export async function provideSmtp(opts: ProvideSmtpOptions): Promise<ProvidedSmtp> {
  const envUrl = opts.useEnv === false ? undefined : process.env.SMTP_URL?.trim();
  if (envUrl) {
    return { url: envUrl, source: 'env', description: `SMTP at ${redactUrl(envUrl)} (SMTP_URL)`, stop: noStop };
  }
  if (opts.probeDefaultPort !== false && (await answersSmtp(LOOPBACK, DEFAULT_SMTP_PORT))) {
    return {
      url: `smtp://${LOOPBACK}:${DEFAULT_SMTP_PORT}`,
      source: 'local',
      description: `SMTP server already running on ${LOOPBACK}:${DEFAULT_SMTP_PORT}`,
      stop: noStop,
    };
  }
  const sink = await startSmtpSink({
    port: opts.port ?? DEFAULT_SMTP_PORT,
    host: LOOPBACK,
    log: opts.log,
    ...(opts.mailDir ? { mailDir: opts.mailDir } : {}),
  });
  return {
    url: sink.url,
    source: 'embedded',
    description: `SMTP sink on ${sink.host}:${sink.port}${opts.mailDir ? `, mails saved in ${opts.mailDir}` : ''}`,
    sink,
    stop: () => sink.close(),
  };
}
