import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per process. The API, the socket server, the queues and the mail
 * sender record into it; `/metrics` serves it.
 */
export const metrics = (() => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'commons_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'commons_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    socketsConnected: new Gauge({
      name: 'commons_sockets_connected',
      help: 'Connected Socket.IO clients in this process',
      registers: [registry],
    }),
    rooms: new Gauge({ name: 'commons_socket_rooms', help: 'Socket.IO rooms in this process', registers: [registry] }),
    queueDepth: new Gauge({
      name: 'commons_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'commons_job_duration_seconds',
      help: 'Job processing time by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    mails: new Counter({
      name: 'commons_mail_total',
      help: 'Mails handed to SMTP, by kind and result',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
  };
})();
