import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './infra/config.js';
import { createLogger, type Logger } from './infra/log.js';
import { provideServices } from './infra/services/index.js';
import { createRuntime, localSessionSecret, type Runtime } from './runtime.js';

export interface BootedProcess {
  config: Config;
  log: Logger;
  runtime: Runtime;
  /** Runs `fn` (in registration order) when the process is asked to stop. */
  onShutdown(fn: () => Promise<void>): void;
  shutdown(code?: number): Promise<void>;
}

/** Parses configuration or exits with the message naming the bad variable. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    const dataDir = path.resolve(env.DATA_DIR ?? '.data');
    const isProduction = env.NODE_ENV === 'production';
    return loadConfig(env, isProduction ? {} : { sessionSecret: localSessionSecret(dataDir) });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Shared start-up of every process (server, workers, all-in-one, operator commands): config,
 * services in DESIGN.md's resolution order, connections, and graceful shutdown on SIGINT/SIGTERM.
 */
export async function bootProcess(name: string, opts: { handleSignals?: boolean } = {}): Promise<BootedProcess> {
  const config = configOrExit();
  const log = createLogger({ level: config.LOG_LEVEL, name });
  let services: Awaited<ReturnType<typeof provideServices>>;
  try {
    services = await provideServices({
      mode: 'start',
      dataDir: path.resolve(config.DATA_DIR),
      log: (line) => log.info(line),
    });
  } catch (err) {
    process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const runtime = await createRuntime({
    config,
    log,
    urls: { mongoUri: services.mongoUri, redisUrl: services.redisUrl, smtpUrl: services.smtpUrl },
  });

  const hooks: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | null = null;
  const shutdown = (code = 0): Promise<void> => {
    stopping ??= (async () => {
      log.info('shutting down');
      const force = setTimeout(() => {
        log.error('shutdown took too long; exiting');
        process.exit(1);
      }, 20_000);
      force.unref();
      for (const fn of hooks) await fn().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
      await runtime.close().catch((err: unknown) => log.error({ err }, 'closing connections failed'));
      await services.stop();
      clearTimeout(force);
      process.exitCode = code;
    })();
    return stopping;
  };
  if (opts.handleSignals !== false) {
    process.once('SIGINT', () => void shutdown(0));
    process.once('SIGTERM', () => void shutdown(0));
  }
  return { config, log, runtime, onShutdown: (fn) => hooks.push(fn), shutdown };
}
