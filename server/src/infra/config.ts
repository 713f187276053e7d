import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { queueNames, registrationModeSchema } from '@commons/shared';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Names Express (proxy-addr) knows for groups of addresses. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isProxyAddress = (entry: string): boolean => {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  if (!entry.includes('/')) return ipaddr.isValid(entry);
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
};

/**
 * Which proxies may tell us the client's address (X-Forwarded-For): a hop count, or the proxies'
 * addresses. A bare `true` would believe whatever a client writes in the header (every per-IP
 * limit then falls), so it is refused.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((raw, ctx): false | number | string[] => {
    if (raw === 'false' || raw === '0' || raw === 'no') return false;
    if (raw === 'true' || raw === 'yes')
      return refuse(
        ctx,
        '`true` would trust any X-Forwarded-For a client sends; give the number of proxies in front of the server (e.g. 1) or their addresses (e.g. 10.0.0.2,10.0.0.3 or 10.0.0.0/24)',
      );
    if (/^\d+$/.test(raw)) {
      const hops = Number(raw);
      return hops <= 10 ? hops : refuse(ctx, 'a hop count is between 0 and 10');
    }
    const entries = raw.split(',').map((e) => e.trim());
    const bad = entries.find((e) => !isProxyAddress(e));
    if (bad !== undefined)
      return refuse(
        ctx,
        `"${bad}" is neither a hop count nor an IP address or CIDR range (or loopback, linklocal, uniquelocal)`,
      );
    return entries;
  });

function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** Every environment variable the platform reads. README.md lists them; keep the two in step. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  REDIS_PREFIX: z.string().min(1).max(40).default('commons'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Commons <no-reply@commons.localhost>'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  /**
   * Whether new members confirm their address before they publish, until an administrator
   * changes it in the console (the saved setting wins).
   */
  EMAIL_VERIFICATION: bool.default(true),
  /**
   * Whether visitors without an account read the public face (library, stories, events, public
   * forum categories), until an administrator changes it in the console (the saved setting wins).
   */
  PUBLIC_FACE: bool.default(true),
  /** How long a confirmation link works. */
  EMAIL_VERIFY_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  /** Who may join a fresh deployment (open, approval, invitation, closed), until an administrator changes it. */
  REGISTRATION_MODE: registrationModeSchema.default('open'),
  /** How long an invitation link works. */
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  TRUST_PROXY: trustProxy.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: human-readable lines when stdout is a terminal, JSON otherwise (infra/log.ts). */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  SEED_DEMO: bool.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Uploaded files (resources, stories); default DATA_DIR/uploads. */
  UPLOAD_DIR: z.string().min(1).optional(),
  CLIENT_DIST: z.string().optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKER_CONCURRENCY_MAIL: z.coerce.number().int().min(1).max(100).default(5),
  WORKER_CONCURRENCY_DIGESTS: z.coerce.number().int().min(1).max(100).default(2),
  /** Mails of one digest batch (100 members) sent at once. */
  DIGEST_SENDS_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(8),
  /** The queues a workers process serves (comma-separated names); all when unset. */
  WORKER_QUEUES: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((q) => q.trim())
            .filter(Boolean)
        : null,
    )
    .refine((list) => !list || list.every((q) => (Object.values(queueNames) as string[]).includes(q)), {
      message: `must name queues among: ${Object.values(queueNames).join(', ')}`,
    }),
  /** Parallel fan-out and notice jobs per worker process. */
  WORKER_CONCURRENCY_NOTIFICATIONS: z.coerce.number().int().min(1).max(100).default(4),
  /** Parallel screening and other moderation jobs per worker process: a verdict should not queue behind held posts. */
  WORKER_CONCURRENCY_MODERATION: z.coerce.number().int().min(1).max(100).default(16),
  /**
   * CPU niceness a standalone workers process gives itself (0 = as the API, 19 = lowest): on a
   * machine shared with the API, live requests come before digests and fan-outs.
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** The standalone workers answer /healthz and /readyz on this port (for an orchestrator's probes); unset: none. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** How long instant notification mails of one member are gathered into one. */
  NOTIFY_EMAIL_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /**
   * Screening's burst rule: a member's post that makes this many of theirs within five minutes is
   * held for review, and hidden at the second figure (a coalition's live Q&A may want more).
   */
  SCREENING_BURST_HOLD: z.coerce.number().int().min(2).max(100_000).default(8),
  SCREENING_BURST_HIDE: z.coerce.number().int().min(2).max(100_000).default(12),
  /** Members not seen for this many days get one last digest saying so, then none until they return. */
  DIGEST_INACTIVE_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /**
   * How soon a request learns that the store stopped answering: the driver asks the store how it is
   * every half of it and gives each answer half of it, so a request waiting on a stalled store
   * process (paused, partitioned away) answers 503 within it; connecting and choosing a server get
   * half of it each. At least 1 s: the driver asks at most every 500 ms.
   */
  STORE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(1_500),
  /**
   * How long one store call of a request may take while the store still answers those questions
   * (and how long it may wait for a pooled connection): a busy store (a burst queued behind its
   * connection pool) is waited for, not turned into a 503, up to this; so is a stall behind a store
   * that still answers (FerretDB's PostgreSQL hung). Never below STORE_TIMEOUT_MS.
   */
  STORE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(200).max(600_000).default(5_000),
  /**
   * How long one Redis command of a request may take (sessions, rate limits, locks, room models):
   * past it the command fails and the request answers 503 with Retry-After instead of waiting for
   * a Redis that accepts connections but does not answer.
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /**
   * Outbox (infra/outbox.ts): a sweep hands over entries older than OUTBOX_GRACE_MS (longer than
   * any store call, so an entry written ahead of its document is swept only once that write ended;
   * a post's screening waits for its live push too, and one swept pushes the post again),
   * every OUTBOX_SWEEP_MS in each worker process; a sweeper holds what it claimed OUTBOX_LEASE_MS.
   */
  OUTBOX_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  OUTBOX_SWEEP_MS: z.coerce.number().int().min(50).max(3_600_000).default(15_000),
  OUTBOX_LEASE_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
  /**
   * How often each worker process looks for lab chat messages whose sender died between saving
   * and pushing them (labs/unpushed.ts); a message is pushed 10 s after its number was taken at
   * the earliest, and within one more sweep.
   */
  LAB_UNPUSHED_SWEEP_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
  /** The same bound in processes that only run background work (`npm run start:workers`, `npm run digests`). */
  STORE_WORKER_TIMEOUT_MS: z.coerce.number().int().min(200).max(600_000).default(20_000),
  /**
   * `default`: services `npm start` starts listen on their usual ports (27017, 6379, 1025) and
   * whatever answers there is used; `free`: it ignores those ports and starts its own on free ones
   * (a second, isolated instance beside another).
   */
  SERVICE_PORTS: z.enum(['default', 'free']).default('default'),
  /** Outgoing webhooks may target loopback and private networks (tests and local development only). */
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /** Final delivery failures in a row after which a webhook is turned off and its admin mailed. */
  WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(1000).default(10),
  /** First retry delay of a failed delivery; each next retry waits twice as long (6 attempts). */
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  /** How long one delivery waits for the receiver's answer. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'PUBLIC_URL' | 'SESSION_SECRET'> {
  PUBLIC_URL: string;
  SESSION_SECRET: string;
  /** The allowed Origin of browser mutations, derived from PUBLIC_URL. */
  publicOrigin: string;
  isProduction: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. A bad value throws a ConfigError naming the variable;
 * entry points print it and exit non-zero.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, defaults: { sessionSecret?: string } = {}): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const secret = e.SESSION_SECRET ?? defaults.sessionSecret;
  if (!secret) {
    throw new ConfigError(['SESSION_SECRET: required (at least 32 characters) when NODE_ENV=production']);
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    ...e,
    PUBLIC_URL: publicUrl,
    SESSION_SECRET: secret,
    publicOrigin: new URL(publicUrl).origin,
    isProduction,
  };
}
