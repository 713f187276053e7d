// Child processes of the service bootstrap (FerretDB, redis-server) that never
// outlive us: each runs in its own process group (so Ctrl-C reaches only us and
// we stop services after the app has drained, and so stop() can end the whole
// group), and each dies when our end of its stdin closes, even after SIGKILL:
// the FerretDB launcher watches stdin itself (-exit-on-stdin-close); other
// programs run under a small watchdog shell that does it for them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ManagedProcessOptions {
  /** Wrap the program in a watchdog shell that ends it when our stdin pipe closes. */
  watchdog?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user and group (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Settles when the process has ended (for whatever reason). */
  readonly exited: Promise<void>;
  /** Why the process ended ("exit code 1", "signal SIGTERM", spawn error), or undefined while it runs. */
  exitReason(): string | undefined;
  /** The last few kilobytes of its stdout and stderr. */
  output(): string;
  /** SIGTERM to its process group, SIGKILL after graceMs (default 5 s). Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

// "$@" is the program; its stdin is /dev/null. A background subshell reads our
// pipe (fd 3) until EOF, then terminates the program. On SIGTERM the shell passes
// it on and waits, so the program is reaped by its parent, not left a zombie.
const WATCHDOG_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'child=$!',
  '( while read -r _; do :; done <&3; kill -TERM "$child" 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  'trap \'kill -TERM "$child" 2>/dev/null\' TERM INT HUP',
  'wait "$child"',
  'status=$?',
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done',
  'kill "$watcher" 2>/dev/null',
  'wait "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

const OUTPUT_LIMIT = 16_384;

interface Entry {
  child: ChildProcess;
  signalGroup(signal: NodeJS.Signals): void;
}

const live = new Set<Entry>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

function cleanupNow(): void {
  for (const entry of live) entry.signalGroup('SIGTERM');
  live.clear();
  for (const dir of tempDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort while exiting
    }
  }
  tempDirs.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      // Another listener means the application handles the signal (graceful
      // shutdown calling stop(), then exit, which runs cleanupNow).
      if (process.listenerCount(signal) > 1) return;
      cleanupNow();
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/** A directory removed by stop() code paths and, at the latest, when this process exits. */
export function registerTempDir(dir: string): void {
  installExitHooks();
  tempDirs.add(dir);
}

export function removeTempDir(dir: string): void {
  tempDirs.delete(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Whether any process of group pgid is still running (zombies waiting to be reaped do not count). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    }
    return false;
  } catch {
    return true;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown while waiting for a child that has already ended; see ManagedProcess.output(). */
export class ChildExitedError extends Error {}

/** "<name> ended (<reason>) <when>: <last line of its output>", then up to 20 more lines of output. */
export function describeEnd(proc: ManagedProcess, when: string): string {
  const lines = proc
    .output()
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .slice(-20);
  const last = lines.at(-1);
  const head = `${proc.name} ended (${proc.exitReason() ?? 'unknown'}) ${when}${last ? `: ${last}` : ''}`;
  return lines.length > 1 ? `${head}\n${lines.join('\n')}` : head;
}

export function spawnManaged(
  name: string,
  command: string,
  args: readonly string[],
  options: ManagedProcessOptions = {},
): ManagedProcess {
  installExitHooks();
  const [file, argv] = options.watchdog
    ? ['/bin/sh', ['-c', WATCHDOG_SCRIPT, 'commons-watchdog', command, ...args]]
    : [command, [...args]];
  const child = spawn(file, argv, {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });

  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT * 2) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.stdin?.on('error', () => undefined); // EPIPE once the child is gone

  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      exitReason ??= `could not start ${command}: ${error.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitReason ??= signal ? `signal ${signal}` : `exit code ${code ?? '?'}`;
      resolve();
    });
  });
  // 'close' comes after 'exit' once stdout and stderr are drained: all output is in.
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });

  const pid = child.pid ?? -1;
  const entry: Entry = {
    child,
    signalGroup(signal) {
      if (pid <= 0) return;
      try {
        process.kill(-pid, signal);
      } catch {
        // group already gone
      }
    },
  };
  if (pid > 0) live.add(entry);
  void exited.then(() => {
    if (!groupAlive(pid)) live.delete(entry);
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5000): Promise<void> => {
    stopping ??= (async () => {
      child.stdin?.destroy();
      if (pid > 0) {
        entry.signalGroup('SIGTERM');
        const deadline = Date.now() + graceMs;
        while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
        if (groupAlive(pid)) entry.signalGroup('SIGKILL');
      }
      // Let 'exit' and 'close' arrive, without a timer that would keep the event loop alive.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([exited, closed]),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000))),
      ]);
      clearTimeout(timer);
      live.delete(entry);
    })();
    return stopping;
  };

  return {
    name,
    pid,
    exited,
    exitReason: () => exitReason,
    output: () => output.slice(-OUTPUT_LIMIT),
    stop,
  };
}

/** `name` on PATH, else the first executable of `alsoTry`, else null. */
export function findExecutable(name: string, alsoTry: readonly string[] = []): string | null {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const candidate of [...dirs.map((dir) => `${dir}/${name}`), ...alsoTry]) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not there
    }
  }
  return null;
}
