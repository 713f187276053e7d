import { bootProcess } from '@commons/server/boot';
import { startWorkers } from './runtime.js';

/** `npm run start:workers`: the BullMQ workers alone, against the same services. */
const booted = await bootProcess('workers');
const workers = startWorkers(booted.runtime);
booted.onShutdown(() => workers.close());
booted.log.info({ queues: workers.workers.map((w) => w.name) }, 'workers running');
