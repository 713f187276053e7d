// Redis, resolved in this order: REDIS_URL (verified with PING); whatever answers
// PING on 127.0.0.1:6379; a redis-server we start; else an Error saying what to install.
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { LOOPBACK, canConnect, freePort, waitForPort } from './ports.js';
import { ChildExitedError, describeEnd, findExecutable, spawnManaged, type ManagedProcess } from './process.js';
import { supervise } from './supervise.js';
import { errorMessage, noStop, redactUrl, type ProvidedService, type ServiceLog } from './types.js';

export const DEFAULT_REDIS_PORT = 6379;

export interface ProvideRedisOptions {
  log: ServiceLog;
  /** Port of a redis-server we start: 0 picks a free one. Default 6379. */
  port?: number;
  /** Persist a started redis-server's data here (append-only file). Without it: no persistence. */
  persistDir?: string;
  /** Use a Redis that answers on 127.0.0.1:6379 before starting one. Default true. */
  probeDefaultPort?: boolean;
}

/** Connects, sends PING, disconnects. Rejects unless PONG arrives within timeoutMs. */
export async function redisPing(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const reply = await client.ping();
    if (reply !== 'PONG') throw new Error(`PING answered ${JSON.stringify(reply)}`);
  } finally {
    client.disconnect();
  }
}

export async function provideRedis(opts: ProvideRedisOptions): Promise<ProvidedService> {
  const envUrl = process.env.REDIS_URL?.trim();
  if (envUrl) {
    try {
      await redisPing(envUrl, 5000);
    } catch (error) {
      throw new Error(
        `REDIS_URL (${redactUrl(envUrl)}) does not answer PING: ${errorMessage(error)}. ` +
          'Start that Redis, correct REDIS_URL, or unset it to let Commons find or start one.',
        { cause: error },
      );
    }
    return { url: envUrl, source: 'env', description: `Redis at ${redactUrl(envUrl)} (REDIS_URL)`, stop: noStop };
  }

  const tried = ['REDIS_URL: not set'];
  const localUrl = `redis://${LOOPBACK}:${DEFAULT_REDIS_PORT}`;
  if (opts.probeDefaultPort === false) {
    tried.push(`${LOOPBACK}:${DEFAULT_REDIS_PORT}: not looked at (SERVICE_PORTS=free)`);
  } else if (await canConnect(LOOPBACK, DEFAULT_REDIS_PORT, 500)) {
    try {
      await redisPing(localUrl, 2000);
      return {
        url: localUrl,
        source: 'local',
        description: `Redis already running on ${LOOPBACK}:${DEFAULT_REDIS_PORT}`,
        stop: noStop,
      };
    } catch (error) {
      tried.push(
        `${LOOPBACK}:${DEFAULT_REDIS_PORT}: something listens but does not answer PING (${errorMessage(error)})`,
      );
    }
  } else {
    tried.push(`${LOOPBACK}:${DEFAULT_REDIS_PORT}: nothing listening`);
  }

  const redisServer = findExecutable('redis-server', [
    '/usr/bin/redis-server',
    '/usr/local/bin/redis-server',
    '/opt/homebrew/bin/redis-server',
    '/usr/sbin/redis-server',
  ]);
  if (!redisServer) {
    tried.push('redis-server: not found on PATH');
    throw new Error(noRedisMessage(tried));
  }
  try {
    return await startRedisServer(redisServer, opts);
  } catch (error) {
    tried.push(`${redisServer}: ${errorMessage(error)}`);
    throw new Error(noRedisMessage(tried), { cause: error });
  }
}

function noRedisMessage(tried: string[]): string {
  return [
    'No Redis is available. Tried, in order:',
    ...tried.map((line) => `  - ${line}`),
    'Do one of:',
    '  - install Redis 7 (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) so Commons can start it, or run it on 127.0.0.1:6379;',
    '  - set REDIS_URL to a reachable Redis, e.g. REDIS_URL=redis://redis.example.org:6379',
  ].join('\n');
}

async function startRedisServer(binary: string, opts: ProvideRedisOptions): Promise<ProvidedService> {
  const randomPort = opts.port === 0;
  const persistDir = opts.persistDir ? path.resolve(opts.persistDir) : undefined;
  if (persistDir) fs.mkdirSync(persistDir, { recursive: true });
  /** Starts redis-server on port and resolves once it answers PING; stops it when it does not. */
  const launch = async (port: number): Promise<ManagedProcess> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      LOOPBACK,
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
      ...(persistDir ? ['--dir', persistDir, '--appendonly', 'yes'] : ['--save', '', '--appendonly', 'no']),
    ];
    const proc = spawnManaged('redis-server', binary, args, { watchdog: true });
    try {
      await waitForPort(LOOPBACK, port, 15_000, {
        abort: () => (proc.exitReason() ? new ChildExitedError() : undefined),
      });
      await redisPing(`redis://${LOOPBACK}:${port}`, 5000);
      return proc;
    } catch (error) {
      await proc.stop();
      if (error instanceof ChildExitedError) {
        throw new ChildExitedError(describeEnd(proc, 'before listening'), { cause: error });
      }
      throw error;
    }
  };
  for (let attempt = 1; ; attempt++) {
    const port = randomPort ? await freePort() : (opts.port ?? DEFAULT_REDIS_PORT);
    if (!randomPort && (await canConnect(LOOPBACK, port, 500))) {
      throw new Error(`cannot start it on ${LOOPBACK}:${port}: the port is taken by something that is not Redis`);
    }
    let proc: ManagedProcess;
    try {
      proc = await launch(port);
    } catch (error) {
      if (randomPort && attempt < 3 && /address already in use/i.test(errorMessage(error))) continue;
      throw error;
    }
    // Restarted on the same port and data when it dies (npm start keeps what it started running).
    const supervised = supervise(proc, {
      label: `redis-server on ${LOOPBACK}:${port}`,
      restart: () => launch(port),
      log: opts.log,
    });
    return {
      url: `redis://${LOOPBACK}:${port}`,
      source: 'embedded',
      description: `redis-server on ${LOOPBACK}:${port}, ${persistDir ? `data in ${persistDir}` : 'no persistence'}, pid ${proc.pid}`,
      stop: () => supervised.stop(),
    };
  }
}
