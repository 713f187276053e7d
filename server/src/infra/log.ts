import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Paths that must never reach a log line, whatever object they sit in. */
export const redactedPaths = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  '*.*.token',
  'secret',
  '*.secret',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
];

export type LogFormat = 'pretty' | 'json';

/** Lines for people when a person is watching (stdout is a terminal), JSON for machines otherwise. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stdout): LogFormat {
  return stream.isTTY ? 'pretty' : 'json';
}

/**
 * "10:31:02 INFO  FerretDB built in 95 s", extra fields on the same line. Written synchronously,
 * so a banner printed after a log line comes after it on the screen too.
 */
function prettyStream(): pino.DestinationStream {
  return pretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
}

export function createLogger(opts: {
  level: string;
  name?: string;
  destination?: pino.DestinationStream;
  /** Where there is no destination: human-readable or JSON lines on stdout (default: JSON). */
  format?: LogFormat;
}): Logger {
  return pino(
    {
      level: opts.level,
      base: opts.name ? { service: opts.name } : null,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Synchronous either way: a banner or message printed after a log line comes after it.
    opts.destination ?? (opts.format === 'pretty' ? prettyStream() : pino.destination({ dest: 1, sync: true })),
  );
}
