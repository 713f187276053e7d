// The deployment files say what the code does: every setting they pass is one the
// configuration knows and accepts, probes hit endpoints that answer, files they mount exist.
// (No Docker or Kubernetes here: the files are read, and what they point at is run.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startHealthListener } from '@commons/server/health/standalone';
import { envSchema, loadConfig } from '@commons/server/infra/config';
import { freePort } from '@commons/server/infra/services/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const known = new Set(Object.keys(envSchema.shape));
/** Orchestration-only names the image's runtime reads besides the configuration. */
const runtimeOnly = new Set(['NODE_ENV']);

interface ComposeService {
  environment?: Record<string, string>;
  volumes?: string[];
  deploy?: { replicas?: string | number };
  healthcheck?: { test: string[] };
}

/** `${NAME:-default}` and `${NAME:?message}` as compose fills them when NAME is unset. */
function fill(value: string): string {
  return value
    .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
    .replace(/\$\{(SESSION_SECRET):\?[^}]*\}/g, 's'.repeat(40))
    .replace(/\$\{PUBLIC_URL:\?[^}]*\}/g, 'https://commons.example.org')
    .replace(/\$\{SMTP_URL:\?[^}]*\}/g, 'smtp://relay.example.org:587');
}

function composeServices(file: string): Record<string, ComposeService> {
  return (parse(read(file), { merge: true }) as { services: Record<string, ComposeService> }).services;
}

interface K8sDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    template?: {
      spec: {
        containers: {
          env?: { name: string; value: string }[];
          readinessProbe?: { httpGet: { path: string } };
          livenessProbe?: { httpGet: { path: string } };
        }[];
      };
    };
  };
}

function k8sDocs(): K8sDoc[] {
  const dir = path.join(root, 'deploy/kubernetes');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as K8sDoc));
}

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('deploy_files', { workers: false });
});
afterAll(async () => {
  await p?.close();
});

describe('compose files', () => {
  for (const file of ['docker-compose.yml', 'deploy/compose.scale.yml']) {
    it(`${file}: every service's settings are known to the configuration and accepted by it`, () => {
      for (const [name, service] of Object.entries(composeServices(file))) {
        if (!service.environment || !['server', 'workers'].includes(name)) continue;
        const env = Object.fromEntries(Object.entries(service.environment).map(([k, v]) => [k, fill(String(v))]));
        expect(
          Object.keys(env).filter((k) => !known.has(k) && !runtimeOnly.has(k)),
          `${file} ${name}`,
        ).toEqual([]);
        expect(() => loadConfig(env)).not.toThrow();
      }
    });
  }

  it('the scaled file runs several servers and workers behind nginx with the tested proxy settings', () => {
    const services = composeServices('deploy/compose.scale.yml');
    expect(Number(fill(String(services.server?.deploy?.replicas)))).toBeGreaterThanOrEqual(2);
    expect(Number(fill(String(services.workers?.deploy?.replicas)))).toBeGreaterThanOrEqual(2);
    expect(Object.keys(services).filter((s) => s.startsWith('mongo'))).toHaveLength(3);
    for (const volume of services.proxy?.volumes ?? []) {
      const source = volume.split(':')[0]!;
      expect(existsSync(path.join(root, 'deploy', source)), source).toBe(true);
    }
    expect(services.proxy?.volumes?.some((v) => v.includes('proxy.conf'))).toBe(true);
    expect(read('deploy/nginx/nginx.conf')).toContain('include /etc/nginx/commons/proxy.conf;');
    expect(services.server?.environment?.TRUST_PROXY).toBe('1');
  });
});

describe('Kubernetes manifests', () => {
  it('are well-formed, and kustomization lists every one', () => {
    const docs = k8sDocs();
    for (const doc of docs)
      expect([doc.apiVersion, doc.kind, doc.metadata?.name].every(Boolean), JSON.stringify(doc)).toBe(true);
    const listed = (parse(read('deploy/kubernetes/kustomization.yaml')) as { resources: string[] }).resources;
    const files = readdirSync(path.join(root, 'deploy/kubernetes')).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    expect([...listed].sort()).toEqual(files.sort());
    expect(docs.map((d) => d.kind)).toEqual(
      expect.arrayContaining(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'Ingress']),
    );
  });

  it('pass only settings the configuration knows and accepts', () => {
    const docs = k8sDocs();
    const config = docs.find((d) => d.kind === 'ConfigMap')!.data!;
    for (const deployment of docs.filter((d) => d.kind === 'Deployment')) {
      const env = {
        ...config,
        ...Object.fromEntries((deployment.spec!.template!.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value])),
      };
      expect(
        Object.keys(env).filter((k) => !known.has(k) && !runtimeOnly.has(k)),
        deployment.metadata.name,
      ).toEqual([]);
      // What the secret holds is filled in as an operator would.
      const secret = {
        SESSION_SECRET: 's'.repeat(40),
        MONGODB_URI: 'mongodb://db:27017/commons',
        REDIS_URL: 'redis://cache:6379',
        SMTP_URL: 'smtp://relay:587',
      };
      expect(() => loadConfig({ ...env, ...secret })).not.toThrow();
    }
  });

  it('probe endpoints that answer, on the server and on the workers', async () => {
    const probes = k8sDocs()
      .filter((d) => d.kind === 'Deployment')
      .flatMap((d) => d.spec!.template!.spec.containers.flatMap((c) => [c.readinessProbe, c.livenessProbe]))
      .map((probe) => probe?.httpGet.path);
    expect(probes.every(Boolean)).toBe(true);
    const port = await freePort();
    const workersHealth = await startHealthListener(p.runtime.redis, port);
    try {
      for (const probe of new Set(probes)) {
        expect((await fetch(`${p.url}${probe}`)).status, `server ${probe}`).toBe(200);
        expect((await fetch(`http://127.0.0.1:${port}${probe}`)).status, `workers ${probe}`).toBe(200);
      }
      expect((await fetch(`http://127.0.0.1:${port}/api/forums`)).status).toBe(404);
    } finally {
      await new Promise((done) => workersHealth.close(done));
    }
  });

  it("serves the workers' /metrics beside their probes when a metrics token is set, to that token only", async () => {
    const port = await freePort();
    const token = 'workers-metrics-token-of-the-test';
    const withMetrics = await startHealthListener(p.runtime.redis, port, {
      token,
      queues: p.runtime.queues,
      log: p.runtime.log,
    });
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^commons_process_resident_memory_bytes \d/m);
      expect(text).toMatch(/^commons_nodejs_eventloop_lag_p99_seconds \d/m);
      const refused = await fetch(url, { headers: { authorization: 'Bearer not-the-token-at-all' } });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      await new Promise((done) => withMetrics.close(done));
    }
    // Without a token there is no such endpoint (the listener of the test above).
    const bare = await freePort();
    const plain = await startHealthListener(p.runtime.redis, bare);
    try {
      expect((await fetch(`http://127.0.0.1:${bare}/metrics`)).status).toBe(404);
    } finally {
      await new Promise((done) => plain.close(done));
    }
  });
});
