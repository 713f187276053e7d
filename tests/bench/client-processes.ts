import { fork } from 'node:child_process';

/** Milliseconds on the machine's monotonic clock, which every process here reads alike. */
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * A forked process of bench clients (`file`, next to this one), asked over IPC: { id, ...request }
 * out, { id, ...answer } or { id, error } back. Clients live apart from the bench and the server,
 * so what they time is the server's work, not another client's event loop.
 */
export function forkClients<Req extends object>(file: string, name: string) {
  const child = fork(new URL(file, import.meta.url).pathname, [name], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, (answer: Record<string, unknown>) => void>();
  child.on('message', (answer: { id: number } & Record<string, unknown>) => {
    waiting.get(answer.id)?.(answer);
    waiting.delete(answer.id);
  });
  return {
    pid: child.pid!,
    ask<T>(req: Req): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, (answer) =>
          answer.error ? reject(new Error(`${name}: ${String(answer.error)}`)) : resolve(answer as T),
        );
        child.send({ id, ...req });
      });
    },
    stop: () => child.disconnect(),
  };
}

/** The client side of `forkClients`: answers each request with `handle`, exits when the bench goes. */
export function serveClientRequests<Req extends object>(handle: (req: Req) => Promise<object>, onExit: () => void) {
  process.on('message', (msg: Req & { id: number }) => {
    handle(msg).then(
      (answer) => process.send!({ id: msg.id, ...answer }),
      (err: unknown) => process.send!({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.on('disconnect', () => {
    onExit();
    process.exit(0);
  });
}
