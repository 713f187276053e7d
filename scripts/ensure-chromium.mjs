#!/usr/bin/env node
// The browser of the end-to-end and accessibility suites, resolved the way `npm start` resolves
// its services (one order for a developer's `npm test`, tests/global-setup.ts and .ci/run):
//   1. CHROMIUM_PATH, when set (a wrong value is an error, never silently replaced);
//   2. a Chromium or Chrome on PATH (Debian's /usr/bin/chromium), or in a usual place off PATH;
//   3. installed with the system's package manager, when we may (as root, or with sudo that
//      needs no password), its progress shown as it goes;
//   4. else one message saying what to install.
// Run as a script it prints the browser's version and path, or that message (stderr) and exits 1.
// It imports nothing outside Node itself, so .ci/run can call it before `npm ci`.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Executable names tried on PATH, in this order. */
export const browserNames = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];

/** Usual places that are often not on PATH (snap, macOS application bundles). */
const offPath = [
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** How each package manager we know installs Chromium (the first found on PATH is used). */
const packageManagers = [
  { tool: 'apt-get', refresh: ['update'], install: ['install', '-y', '--no-install-recommends', 'chromium'] },
  { tool: 'dnf', install: ['install', '-y', 'chromium'] },
  { tool: 'zypper', install: ['--non-interactive', 'install', 'chromium'] },
  { tool: 'pacman', install: ['-S', '--noconfirm', 'chromium'] },
  { tool: 'apk', install: ['add', 'chromium'] },
];

const howToInstall = [
  'Install Chromium, then run `npm test` again:',
  '  Debian, Ubuntu:  sudo apt-get install chromium',
  '  Fedora:          sudo dnf install chromium',
  '  macOS:           brew install --cask chromium',
  'or set CHROMIUM_PATH to a Chromium or Google Chrome executable.',
].join('\n');

export class ChromiumMissing extends Error {
  constructor(message) {
    super(message);
    this.name = 'ChromiumMissing';
  }
}

function isExecutableFile(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name, env) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** The browser's version line, or null when it does not run (a snap stub, a broken install). */
function versionOf(executable) {
  try {
    const out = execFileSync(executable, ['--version'], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

/** A working browser on PATH or in a usual place, or null. */
function findInstalled(env) {
  const candidates = [...browserNames.map((name) => onPath(name, env)), ...offPath.filter(isExecutableFile)];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const version = versionOf(candidate);
    if (version) return { path: candidate, version };
  }
  return null;
}

/** How we may run the package manager: directly as root, through `sudo -n`, or not at all. */
function privilege(env) {
  if (process.getuid?.() === 0) return { prefix: [] };
  const sudo = onPath('sudo', env);
  if (!sudo) return { reason: 'not running as root, and there is no sudo' };
  try {
    execFileSync(sudo, ['-n', 'true'], { stdio: 'ignore', timeout: 10_000, env });
    return { prefix: [sudo, '-n'] };
  } catch {
    return { reason: 'not running as root, and sudo asks for a password' };
  }
}

function runShown(argv, env, log) {
  log(`$ ${argv.join(' ')}`);
  return new Promise((resolve) => {
    // stdout and stderr are the terminal's: the package manager's own progress is the progress.
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Installs Chromium with the first package manager found; returns why not, or null on success. */
async function install(env, log) {
  const manager = packageManagers.find((m) => onPath(m.tool, env));
  if (!manager) return `no package manager we know (${packageManagers.map((m) => m.tool).join(', ')}) on PATH`;
  const allowed = privilege(env);
  if (!allowed.prefix) return allowed.reason;
  const tool = onPath(manager.tool, env);
  log(`Chromium not found: installing it with ${manager.tool} (first run only)...`);
  for (const args of [manager.refresh, manager.install]) {
    if (!args) continue;
    const code = await runShown([...allowed.prefix, tool, ...args], env, log);
    if (code !== 0) return `\`${manager.tool} ${args.join(' ')}\` exited with ${code}`;
  }
  return null;
}

/**
 * The browser for the test suites: `{ path, version }`, or a ChromiumMissing error whose
 * message says what to do.
 * @param {{ env?: NodeJS.ProcessEnv, log?: (line: string) => void, install?: boolean }} [opts]
 */
export async function ensureChromium(opts = {}) {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    if (!isExecutableFile(configured)) {
      throw new ChromiumMissing(
        `CHROMIUM_PATH is ${configured}, which is not an executable file.\n` +
          'Point it at a Chromium or Google Chrome executable, or unset it to use the one on PATH.',
      );
    }
    const version = versionOf(configured);
    if (!version) {
      throw new ChromiumMissing(
        `CHROMIUM_PATH is ${configured}, which does not run (\`${configured} --version\` failed).\n` +
          'Point it at a Chromium or Google Chrome executable, or unset it to use the one on PATH.',
      );
    }
    return { path: configured, version };
  }
  const found = findInstalled(env);
  if (found) return found;
  const notInstalled = opts.install === false ? 'installing was not asked for' : await install(env, log);
  if (!notInstalled) {
    const installed = findInstalled(env);
    if (installed) return installed;
  }
  const why = notInstalled ?? 'the package manager finished, but no Chromium is on PATH';
  throw new ChromiumMissing(
    `The end-to-end and accessibility tests need Chromium, and none was found ` +
      `(CHROMIUM_PATH is unset; none of ${browserNames.join(', ')} on PATH) ` +
      `or could be installed (${why}).\n${howToInstall}`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const browser = await ensureChromium({ log: (line) => process.stderr.write(`chromium: ${line}\n`) });
    process.stdout.write(`chromium: ${browser.version} (${browser.path})\n`);
  } catch (error) {
    if (!(error instanceof ChromiumMissing)) throw error;
    process.stderr.write(`\n${error.message}\n\n`);
    process.exit(1);
  }
}
