import { bootProcess } from './boot.js';
import { startApi } from './runtime.js';

/** `npm run start:server`: the API and Socket.IO server alone; add more on other ports. */
const booted = await bootProcess('server');
const api = await startApi(booted.runtime, { host: booted.config.HOST, port: booted.config.PORT });
booted.onShutdown('accepting', 'HTTP and Socket.IO', () => api.close());
booted.log.info({ url: booted.config.PUBLIC_URL, listening: api.url }, 'API and Socket.IO server listening');
