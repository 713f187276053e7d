import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every environment variable the platform reads. README.md lists them; keep the two in step. */
const envSchema = z.object({
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
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: bool.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Uploaded files (resources, stories); default DATA_DIR/uploads. */
  UPLOAD_DIR: z.string().min(1).optional(),
  CLIENT_DIST: z.string().optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKER_CONCURRENCY_MAIL: z.coerce.number().int().min(1).max(100).default(5),
  WORKER_CONCURRENCY_DIGESTS: z.coerce.number().int().min(1).max(100).default(3),
  /** Parallel fan-out and notice jobs per worker process. */
  WORKER_CONCURRENCY_NOTIFICATIONS: z.coerce.number().int().min(1).max(100).default(4),
  /** Parallel screening and other moderation jobs per worker process: a verdict should not queue behind held posts. */
  WORKER_CONCURRENCY_MODERATION: z.coerce.number().int().min(1).max(100).default(16),
  /**
   * CPU niceness a standalone workers process gives itself (0 = as the API, 19 = lowest): on a
   * machine shared with the API, live requests come before digests and fan-outs.
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** How long instant notification mails of one member are gathered into one. */
  NOTIFY_EMAIL_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** Members not seen for this many days get one last digest saying so, then none until they return. */
  DIGEST_INACTIVE_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
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
