// Weighs the JavaScript a first visit downloads (the entry chunk and everything it imports
// statically, gzipped) from Vite's manifest, writes client/dist/bundle-report.json and fails the
// build above the budget. Route chunks loaded later with React.lazy are listed apart.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 250;
const dist = fileURLToPath(new URL('../client/dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));

const gzipKb = (file) => gzipSync(readFileSync(path.join(dist, file))).length / 1024;
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const dep of chunk.imports ?? []) visit(dep);
};
visit(entryKey);

const initialFiles = [...initial].map((file) => ({ file, gzipKb: Math.round(gzipKb(file) * 10) / 10 }));
const initialKb = Math.round(initialFiles.reduce((sum, f) => sum + f.gzipKb, 0) * 10) / 10;
const lazy = Object.values(manifest)
  .filter((c) => c.file.endsWith('.js') && !initial.has(c.file))
  .map((c) => ({ file: c.file, gzipKb: Math.round(gzipKb(c.file) * 10) / 10 }));
const largestLazyKb = Math.max(0, ...lazy.map((c) => c.gzipKb));

writeFileSync(
  path.join(dist, 'bundle-report.json'),
  JSON.stringify({ budgetKb: BUDGET_KB, initialKb, initialFiles, lazyChunks: lazy.length, largestLazyKb }, null, 2) +
    '\n',
);
process.stdout.write(
  `initial JavaScript: ${initialKb} KB gzipped (budget ${BUDGET_KB} KB); ${lazy.length} route chunks, largest ${largestLazyKb} KB\n`,
);
if (initialKb > BUDGET_KB) {
  process.stderr.write(`The first page load needs ${initialKb} KB of JavaScript, over the ${BUDGET_KB} KB budget.\n`);
  process.exit(1);
}
