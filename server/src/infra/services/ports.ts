import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A TCP port that was free a moment ago (the OS picks it: listen on port 0). */
export function freePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not obtain a free port'))));
    });
  });
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
