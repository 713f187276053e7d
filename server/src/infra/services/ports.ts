import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * Ports handed out for listening come from below Linux's default range for outgoing connections
 * (32768–60999): a port the OS picks with `listen(0)` comes from that range, and between being
 * picked and being listened on it was seen taken by one of the many connections a cluster opens
 * (EADDRINUSE in a fault run's server). Picked at random, checked free, never twice per process.
 */
const LISTEN_PORTS = { from: 20_000, to: 32_767 };
const handedOut = new Set<number>();

function tryListen(port: number, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen(port, host, () => {
      const address = server.address();
      const got = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(got || null));
    });
  });
}

/** A TCP port that was free a moment ago, for a process about to listen on it. */
export async function freePort(host: string = LOOPBACK): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LISTEN_PORTS.from + Math.floor(Math.random() * (LISTEN_PORTS.to - LISTEN_PORTS.from + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port); // even if taken: another process holds it
    if ((await tryListen(port, host)) !== null) return port;
  }
  // Nearly every port of the range is in use: let the OS pick.
  const port = await tryListen(0, host);
  if (port === null) throw new Error('could not obtain a free port');
  handedOut.add(port);
  return port;
}

/** Whether a TCP connection to host:port succeeds within timeoutMs. */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitForPortOptions {
  /** Polling interval, default 100 ms. */
  intervalMs?: number;
  /** Called before each attempt: return an Error to stop waiting (e.g. the child process exited). */
  abort?: () => Error | undefined;
}

/** Resolves once host:port accepts TCP connections; rejects after timeoutMs. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  options: WaitForPortOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const interval = options.intervalMs ?? 100;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    if (await canConnect(host, port, Math.min(1000, Math.max(50, deadline - Date.now())))) return;
    if (Date.now() >= deadline) {
      throw new Error(`${host}:${port} did not accept connections within ${Math.round(timeoutMs / 1000)} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
