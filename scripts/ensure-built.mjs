// Builds what is missing or stale before a start command: `tsc -b` for the Node workspaces
// (incremental, quick when nothing changed) and Vite for the client when its sources are newer.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const run = (args) => {
  try {
    execFileSync(npm, args, { cwd: root, stdio: 'inherit' });
  } catch {
    process.stderr.write(`\nThe build failed (npm ${args.join(' ')}); see the errors above.\n`);
    process.exit(1);
  }
};

const nodeOutputs = ['shared/dist/index.js', 'server/dist/main.js', 'workers/dist/platform.js'];
const nodeSources = ['shared/src', 'server/src', 'workers/src'];
const oldestOutput = Math.min(
  ...nodeOutputs.map((f) => (existsSync(path.join(root, f)) ? statSync(path.join(root, f)).mtimeMs : 0)),
);
if (oldestOutput === 0 || Math.max(...nodeSources.map((d) => newestMtime(path.join(root, d)))) > oldestOutput) {
  process.stdout.write('Building the server and workers...\n');
  run(['exec', '--', 'tsc', '-b', 'shared', 'server', 'workers']);
}

const clientIndex = path.join(root, 'client/dist/index.html');
const clientBuilt = existsSync(clientIndex) ? statSync(clientIndex).mtimeMs : 0;
const clientSources = Math.max(
  newestMtime(path.join(root, 'client/src')),
  newestMtime(path.join(root, 'shared/src')),
  statSync(path.join(root, 'client/index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0,
);
if (clientBuilt === 0 || clientSources > clientBuilt) {
  process.stdout.write('Building the web client...\n');
  run(['run', 'build', '-w', 'client']);
}
