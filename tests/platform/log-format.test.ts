// How a process writes its log: lines for people on a terminal, JSON otherwise or when asked.
// A real pseudo-terminal (util-linux `script`) stands between the process and the test.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
// The same choice boot.ts makes, on the built logger (`npm test` builds first).
const program = `
  const { createLogger, defaultLogFormat } = await import(${JSON.stringify(path.join(root, 'server/dist/infra/log.js'))});
  const log = createLogger({ level: 'info', name: 'probe', format: process.env.LOG_FORMAT || defaultLogFormat() });
  log.info({ members: 6 }, 'seeded demo content');
  log.debug('job completed');
  process.stdout.write('banner\\n');
`;

function run(env: Record<string, string>, terminal: boolean): Promise<string> {
  const node = [process.execPath, '--input-type=module', '-e', program];
  const [command, ...args] = terminal
    ? ['script', '-qec', node.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null']
    : node;
  return new Promise((resolve, reject) => {
    const child = spawn(command!, args, {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(stripVTControlCharacters(out).replace(/\r/g, '')));
  });
}

describe('log format', () => {
  it('is one readable line per entry on a terminal, before what the process prints next', async () => {
    const out = await run({}, true);
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: seeded demo content \{"members":6\}\nbanner\n$/);
  });

  it('is JSON when piped, and when LOG_FORMAT=json on a terminal', async () => {
    for (const out of [await run({}, false), await run({ LOG_FORMAT: 'json' }, true)]) {
      const [line, banner] = out.trim().split('\n');
      expect(JSON.parse(line!)).toMatchObject({ level: 30, service: 'probe', members: 6, msg: 'seeded demo content' });
      expect(banner).toBe('banner');
    }
  });

  it('is readable when piped with LOG_FORMAT=pretty', async () => {
    expect(await run({ LOG_FORMAT: 'pretty' }, false)).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: seeded demo content/);
  });
});
