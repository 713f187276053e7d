// How `npm test` (and .ci/run) finds its browser: scripts/ensure-chromium.mjs run as a real
// process with a chosen environment. Chromium stays installed on the machine: a PATH without
// it, and a package manager that is a script in a temporary folder, stand for machines without.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';

const script = path.resolve(import.meta.dirname, '../../scripts/ensure-chromium.mjs');
const folders: string[] = [];

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'commons-chromium-'));
  folders.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function ensure(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Node by its absolute path, so PATH can leave out /usr/bin.
    const child = spawn(process.execPath, [script], { env: { HOME: process.env.HOME ?? '/tmp', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the browser of the test suites', () => {
  it('is the one the global setup resolved, and it runs', () => {
    expect(inject('chromiumPath')).toMatch(/chrom/i);
  });

  it('finds Debian’s Chromium on PATH', async () => {
    const out = await ensure({ PATH: '/usr/local/bin:/usr/bin:/bin' });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^chromium: Chromium .* \(\/usr\/bin\/chromium\)$/m);
  });

  it('finds a Chrome under another name in another PATH folder', async () => {
    const dir = folder();
    symlinkSync('/usr/bin/chromium', path.join(dir, 'google-chrome'));
    const out = await ensure({ PATH: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`(${path.join(dir, 'google-chrome')})`);
  });

  it('says so once, clearly, when CHROMIUM_PATH names a missing file (and does not look elsewhere)', async () => {
    const out = await ensure({ PATH: '/usr/bin', CHROMIUM_PATH: '/nowhere/chromium' });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      'CHROMIUM_PATH is /nowhere/chromium, which is not an executable file.\n' +
        'Point it at a Chromium or Google Chrome executable, or unset it to use the one on PATH.',
    );
    expect(out.stdout).toBe('');
  });

  it('says what to install when none is found and none can be installed', async () => {
    const out = await ensure({ PATH: folder() });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('The end-to-end and accessibility tests need Chromium, and none was found');
    expect(out.stderr).toContain('no package manager we know');
    expect(out.stderr).toContain('sudo apt-get install chromium');
    expect(out.stderr).toContain('set CHROMIUM_PATH');
  });

  it('installs it with the package manager when it may, showing its output, then uses it', async () => {
    // A package manager whose "install" puts a working chromium on PATH, as apt-get would.
    const dir = folder();
    const log = path.join(dir, 'calls.log');
    writeFileSync(
      path.join(dir, 'apt-get'),
      [
        '#!/bin/sh',
        `echo "$*" >> ${log}`,
        'echo "Unpacking chromium ..."',
        `[ "$1" = install ] && /bin/ln -s /usr/bin/chromium ${path.join(dir, 'chromium')}`,
        'exit 0',
      ].join('\n'),
    );
    chmodSync(path.join(dir, 'apt-get'), 0o755);
    const out = await ensure({ PATH: dir });
    if (process.getuid?.() !== 0) {
      // Without root the step must not try; sudo here would ask for a password.
      expect(out.code).toBe(1);
      return;
    }
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('Chromium not found: installing it with apt-get');
    expect(out.stdout).toContain('Unpacking chromium ...');
    expect(out.stdout).toContain(`(${path.join(dir, 'chromium')})`);
  });
});
