import { bootProcess } from '@commons/server/boot';
import { startApi } from '@commons/server/runtime';
import { seedForums } from '@commons/server/forums/seed';
import { seedDemo } from '@commons/server/seed/demo';
import { seedHub } from '@commons/server/seed/hub';
import { startWorkers } from './runtime.js';

/** `npm start`: API, Socket.IO and workers in one process, with demo content on first run. */
const booted = await bootProcess('platform');
const { config, log, runtime } = booted;
const seeded = config.SEED_DEMO === false ? null : await seedDemo(log, [seedForums, seedHub]);
const api = await startApi(runtime, { host: config.HOST, port: config.PORT });
const workers = startWorkers(runtime);
booted.onShutdown('accepting', 'HTTP and Socket.IO', () => api.close());
booted.onShutdown('workers', 'BullMQ workers', () => workers.close());

// The banner is the last thing a person sees after start-up: start-up work logs first.
await Promise.all([api.preparing, workers.ready]);
await new Promise<void>((resolve) => log.flush(() => resolve()));

const lines = [``, `  Commons is running at ${config.PUBLIC_URL}`, ``];
if (seeded) {
  lines.push('  Demo sign-ins (first run on an empty database):');
  for (const s of seeded) lines.push(`    ${s.role.padEnd(9)} ${s.email.padEnd(30)} ${s.password}`);
  lines.push('');
}
lines.push('  Press Ctrl-C to stop.', '');
process.stdout.write(lines.join('\n') + '\n');
log.debug({ listening: api.url }, 'platform started');
