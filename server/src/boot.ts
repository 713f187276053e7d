import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './infra/config.js';
import { createLogger, defaultLogFormat, type Logger } from './infra/log.js';
import { provideServices } from './infra/services/index.js';
import { createShutdownPlan, type ShutdownPhase } from './infra/shutdown.js';
import { createRuntime, localSessionSecret, type Runtime } from './runtime.js';

export interface BootedProcess {
  config: Config;
  log: Logger;
  runtime: Runtime;
  /**
   * Adds a step to a phase of the shutdown (infra/shutdown.ts): "accepting" for servers,
   * "workers" for BullMQ workers. The runtime's queues, connections and the services this
   * process started are closed after them by boot itself.
   */
  onShutdown(phase: 'accepting' | 'workers', name: string, step: () => Promise<void>): void;
  /** Stops in the shutdown order, then sets the exit code; Node exits once nothing is left open. */
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
export async function bootProcess(
  name: string,
  opts: { handleSignals?: boolean; workload?: 'requests' | 'background' } = {},
): Promise<BootedProcess> {
  const config = configOrExit();
  const log = createLogger({ level: config.LOG_LEVEL, name, format: config.LOG_FORMAT ?? defaultLogFormat() });
  let services: Awaited<ReturnType<typeof provideServices>>;
  try {
    services = await provideServices({
      mode: 'start',
      dataDir: path.resolve(config.DATA_DIR),
      ports: config.SERVICE_PORTS,
      log: (line, level = 'info') => log[level](line),
    });
  } catch (err) {
    process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const runtime = await createRuntime({
    config,
    log,
    urls: { mongoUri: services.mongoUri, redisUrl: services.redisUrl, smtpUrl: services.smtpUrl },
    ...(opts.workload ? { workload: opts.workload } : {}),
  });
  // The runtime has built every index by now: on FerretDB-on-PostgreSQL, give the new ones their
  // companions (what `npm run ferretdb:tune-postgres` does), in the background; idempotent.
  void services.tuneStore().catch((err: unknown) => log.warn({ err }, 'tuning PostgreSQL for FerretDB failed'));

  const plan = createShutdownPlan(log);
  plan.add('queues', 'queues and schedulers', () => runtime.closeQueues());
  plan.add('connections', 'Redis, store and mail connections', () => runtime.closeConnections());
  plan.add('services', 'services started by this process', () => services.stop());
  let stopping: Promise<void> | null = null;
  const shutdown = (code = 0): Promise<void> => {
    stopping ??= (async () => {
      log.info('shutting down');
      const force = setTimeout(() => {
        log.error('shutdown took too long; exiting');
        process.exit(1);
      }, 20_000);
      force.unref();
      await plan.run();
      clearTimeout(force);
      log.info('stopped');
      process.exitCode = code;
    })();
    return stopping;
  };
  if (opts.handleSignals !== false) {
    process.once('SIGINT', () => void shutdown(0));
    process.once('SIGTERM', () => void shutdown(0));
  }
  const onShutdown = (phase: ShutdownPhase, name: string, step: () => Promise<void>) => plan.add(phase, name, step);
  return { config, log, runtime, onShutdown, shutdown };
}
