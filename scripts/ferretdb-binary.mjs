// Where the FerretDB binary comes from: the one implementation shared by the
// server's service bootstrap (server/src/infra/services/mongo.ts, through
// ferretdb-binary.d.mts) and by scripts/ensure-ferretdb.mjs (CI warm-up).
//
// Our launcher (tools/ferretdb) is built once per source hash and cached outside
// the repository, so fresh clones on the same machine reuse it:
//   ${XDG_CACHE_HOME:-~/.cache}/commons/ferretdb-<version>-<sha256(go.mod+go.sum+main.go+gate.go)[:12]>
// A standard `ferretdb` binary on PATH or in the Go bin folder is accepted too.
import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';

/** tools/ferretdb, the Go module of our launcher. */
export const launcherSourceDir = fileURLToPath(new URL('../tools/ferretdb/', import.meta.url));

const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go', 'gate.go'];

/** The FerretDB version the launcher's go.mod requires, e.g. "v1.24.0". */
export function ferretdbVersion(dir = launcherSourceDir) {
  const goMod = fs.readFileSync(path.join(dir, 'go.mod'), 'utf8');
  const match = /github\.com\/FerretDB\/FerretDB\s+(v[0-9][^\s]*)/.exec(goMod);
  return match?.[1] ?? 'unknown';
}

/** First 12 hex digits of the sha256 of the launcher's source files (in SOURCE_FILES order). */
export function launcherSourceHash(dir = launcherSourceDir) {
  const hash = createHash('sha256');
  for (const file of SOURCE_FILES) hash.update(fs.readFileSync(path.join(dir, file)));
  return hash.digest('hex').slice(0, 12);
}

export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'commons');
}

export function cachedLauncherPath() {
  return path.join(cacheDir(), `ferretdb-${ferretdbVersion()}-${launcherSourceHash()}`);
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, or null. */
export function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** `go` on PATH, else /usr/local/go/bin/go, else null. */
export function findGo() {
  const onPath = findOnPath('go');
  if (onPath) return onPath;
  return isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null;
}

function goBinDir(go) {
  let gopath = process.env.GOPATH;
  if (!gopath && go) {
    try {
      gopath = execFileSync(go, ['env', 'GOPATH'], { encoding: 'utf8', timeout: 10_000 }).trim();
    } catch {
      gopath = undefined;
    }
  }
  if (!gopath) gopath = path.join(os.homedir(), 'go');
  const first = gopath.split(path.delimiter)[0] ?? gopath;
  return process.env.GOBIN || path.join(first, 'bin');
}

/**
 * A FerretDB binary that exists already, without building anything:
 * our cached launcher first, then `ferretdb` on PATH, then in the Go bin folder.
 * kind "launcher" takes our flags (-listen-addr ... -exit-on-stdin-close);
 * kind "standard" is upstream FerretDB (--listen-addr ... --telemetry=disable).
 * @returns {{ path: string, kind: 'launcher' | 'standard' } | null}
 */
export function findFerretdbBinary() {
  const cached = cachedLauncherPath();
  if (isExecutable(cached)) return { path: cached, kind: 'launcher' };
  const onPath = findOnPath('ferretdb');
  if (onPath) return { path: onPath, kind: 'standard' };
  const inGoBin = path.join(goBinDir(findGo()), 'ferretdb');
  if (isExecutable(inGoBin)) return { path: inGoBin, kind: 'standard' };
  return null;
}

/**
 * Builds the launcher into the cache and returns its path; `progress` hears every
 * `progressEveryMs` (10 s) how far the build is. The sources are copied
 * to a temporary directory first, so `-mod=mod` never rewrites the repository's
 * go.mod/go.sum (which would change the hash); the binary is renamed into place
 * atomically, so concurrent builders cannot leave a half-written file.
 * @param {{ go?: string, log?: (line: string) => void, progress?: (line: string) => void, progressEveryMs?: number }} [opts]
 */
export async function buildLauncher(opts = {}) {
  const go = opts.go ?? findGo();
  if (!go) {
    throw new Error(
      'Go is not installed (no `go` on PATH or at /usr/local/go/bin/go): install Go >= 1.22 from https://go.dev/dl/ to build FerretDB',
    );
  }
  const target = cachedLauncherPath();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-ferretdb-src-'));
  const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const file of SOURCE_FILES) fs.copyFileSync(path.join(launcherSourceDir, file), path.join(work, file));
    const env = {
      ...process.env,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
    };
    // -v names each package as it is compiled: counted, they are the progress a person sees
    // during the minute or more of a first build (modules are fetched first, silently).
    let compiled = 0;
    const started = Date.now();
    const ticker = opts.progress
      ? setInterval(() => {
          const seconds = Math.round((Date.now() - started) / 1000);
          opts.progress(
            compiled === 0
              ? `building FerretDB: ${seconds} s, fetching its Go modules...`
              : `building FerretDB: ${seconds} s, ${compiled} packages compiled...`,
          );
        }, opts.progressEveryMs ?? 10_000)
      : undefined;
    const output = await run(go, ['build', '-v', '-trimpath', '-o', partial, '.'], {
      cwd: work,
      env,
      onStderrLine: (line) => {
        if (/^[\w.-]+(\/[\w.@-]+)*$/.test(line.trim())) compiled++;
      },
    }).finally(() => clearInterval(ticker));
    if (output.code !== 0) {
      throw new Error(`building FerretDB failed (go build exited with ${output.code}):\n${output.text.slice(-4000)}`);
    }
    fs.chmodSync(partial, 0o755);
    fs.renameSync(partial, target);
    opts.log?.(`FerretDB ${ferretdbVersion()} built: ${target}`);
    return target;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
}

/**
 * The cached launcher, building it when missing.
 * @param {{ go?: string, log?: (line: string) => void, progress?: (line: string) => void, progressEveryMs?: number }} [opts]
 */
export async function ensureLauncher(opts = {}) {
  const cached = cachedLauncherPath();
  if (isExecutable(cached)) return cached;
  opts.log?.('building FerretDB (first run only)...');
  return buildLauncher(opts);
}

function run(command, args, { onStderrLine, ...options }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let partialLine = '';
    const collect = (chunk) => {
      text += chunk.toString();
      if (text.length > 64_000) text = text.slice(-32_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    if (onStderrLine) {
      child.stderr.on('data', (chunk) => {
        const lines = (partialLine + chunk.toString()).split('\n');
        partialLine = lines.pop() ?? '';
        for (const line of lines) onStderrLine(line);
      });
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}
