import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/*
 * Store commands of bench processes, read from the profiles COMMONS_DB_PROFILE makes each write
 * (`<prefix>.<pid>.json`, every 5 s and at exit; server/src/infra/store/counters.ts). Counting
 * costs the processes a little (every reply is parsed once more), the same in every run.
 */

/** Below this many commands in one profile period the processes count as quiet (timers, sweeps). */
const QUIET_COMMANDS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function storeProfile(dir: string) {
  const files = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(dir, f));

  /** Commands in one profile; a profile caught half-written is read again. */
  async function countIn(file: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const rows = (JSON.parse(readFileSync(file, 'utf8')) as { rows: Array<{ count: number }> }).rows;
        return rows.reduce((n, r) => n + r.count, 0);
      } catch (err) {
        if (attempt >= 10) throw err;
        await sleep(50);
      }
    }
  }

  /** Waits until every process wrote its profile after this call (at most 20 s). */
  async function fresh(): Promise<void> {
    const since = Date.now();
    const until = since + 20_000;
    while (Date.now() < until) {
      const all = files();
      if (all.length > 0 && all.every((f) => statSync(f).mtimeMs > since)) return;
      await sleep(200);
    }
  }

  async function total(): Promise<number> {
    await fresh();
    let n = 0;
    for (const f of files()) n += await countIn(f);
    return n;
  }

  return {
    /** The COMMONS_DB_PROFILE of one process. */
    prefix: (name: string) => path.join(dir, name),
    /** Store commands of every profiled process so far. */
    total,
    /** Waits until the processes' follow-up work is done: a profile period with (almost) no commands (at most a minute). */
    async quiet(): Promise<void> {
      let last = await total();
      for (let i = 0; i < 12; i++) {
        const now = await total();
        if (now - last <= QUIET_COMMANDS) return;
        last = now;
      }
    },
  };
}
