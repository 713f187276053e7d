// The parent side of tests/faults/live-clients.ts: forks the socket processes, shares the sockets
// out among them, and merges what they measured (deliveries, latency histogram, the last arrival
// of each post, what was missed). Every child ends when the pool stops or this process exits.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BUCKETS, msOfBucket, type LiveReport, type LiveRequest } from './live-clients.js';

export { now } from './live-clients.js';

export interface LivePool {
  pids: number[];
  connect(
    base: string,
    sockets: Array<{ cookie: string; threadId: string }>,
  ): Promise<{ connected: number; failed: number }>;
  /** Forgets deliveries so far (between the capacity run's steps). */
  reset(): Promise<void>;
  report(accepted: Record<string, number[]>): Promise<MergedReport>;
  stop(): void;
}

export interface MergedReport extends Omit<LiveReport, 'histogram' | 'perPost'> {
  histogram: number[];
  perPost: Map<string, [number, number]>;
}

function child(name: string) {
  const proc: ChildProcess = fork(path.join(import.meta.dirname, 'live-clients.ts'), [name], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (a: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  proc.on('message', (answer: { id: number } & Record<string, unknown>) => {
    const w = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (answer.error) w?.reject(new Error(`${name}: ${String(answer.error)}`));
    else w?.resolve(answer);
  });
  proc.on('exit', () => {
    for (const w of waiting.values()) w.reject(new Error(`${name} exited`));
    waiting.clear();
  });
  return {
    pid: proc.pid!,
    ask<T>(req: LiveRequest): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: (a) => resolve(a as T), reject });
        proc.send({ id, ...req });
      });
    },
    stop() {
      if (proc.connected) proc.disconnect();
      setTimeout(() => proc.kill('SIGKILL'), 5_000).unref();
    },
  };
}

export function startLivePool(processes: number): LivePool {
  const children = Array.from({ length: processes }, (_, k) => child(`live-${k}`));
  const stopAll = () => children.forEach((c) => c.stop());
  process.once('exit', stopAll);
  return {
    pids: children.map((c) => c.pid),
    async connect(base, sockets) {
      const answers = await Promise.all(
        children.map((c, k) =>
          c.ask<{ connected: number; failed: number }>({
            kind: 'connect',
            base,
            sockets: sockets.filter((_, i) => i % children.length === k),
          }),
        ),
      );
      return {
        connected: answers.reduce((a, x) => a + x.connected, 0),
        failed: answers.reduce((a, x) => a + x.failed, 0),
      };
    },
    reset: async () => void (await Promise.all(children.map((c) => c.ask({ kind: 'reset' })))),
    async report(accepted) {
      const parts = await Promise.all(children.map((c) => c.ask<LiveReport>({ kind: 'report', accepted })));
      const histogram = new Array<number>(BUCKETS).fill(0);
      const perPost = new Map<string, [number, number]>();
      for (const part of parts) {
        part.histogram.forEach((n, i) => (histogram[i]! += n));
        for (const [id, [count, last]] of Object.entries(part.perPost)) {
          const seen = perPost.get(id);
          if (seen) perPost.set(id, [seen[0] + count, Math.max(seen[1], last)]);
          else perPost.set(id, [count, last]);
        }
      }
      const sum = (k: keyof Omit<LiveReport, 'histogram' | 'perPost'>) => parts.reduce((a, p) => a + p[k], 0);
      return {
        sockets: sum('sockets'),
        connected: sum('connected'),
        deliveries: sum('deliveries'),
        missedLive: sum('missedLive'),
        missedAfterCatchUp: sum('missedAfterCatchUp'),
        socketsMissing: sum('socketsMissing'),
        connectErrors: sum('connectErrors'),
        disconnects: sum('disconnects'),
        reconnects: sum('reconnects'),
        resyncs: sum('resyncs'),
        catchUpFailures: sum('catchUpFailures'),
        histogram,
        perPost,
      };
    },
    stop: stopAll,
  };
}

/** A percentile (ms) of a merged latency histogram. */
export function histogramPercentile(histogram: number[], p: number): number {
  const total = histogram.reduce((a, n) => a + n, 0);
  if (!total) return 0;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return msOfBucket(i);
  }
  return msOfBucket(histogram.length - 1);
}
