import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '@commons/server/infra/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const secret = { sessionSecret: 's'.repeat(40) };

describe('what an operator sets', () => {
  it('refuses TRUST_PROXY=true, which would believe any X-Forwarded-For a client writes', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' }, secret)).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: 'true' }, secret)).toThrow(
      /TRUST_PROXY: `true` would trust any X-Forwarded-For/,
    );
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1,example.org' }, secret)).toThrow(/TRUST_PROXY: "example.org"/);
  });

  it('takes a hop count or the proxies’ addresses', () => {
    expect(loadConfig({}, secret).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }, secret).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }, secret).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.2, 10.1.0.0/16,::1,loopback' }, secret).TRUST_PROXY).toEqual([
      '10.0.0.2',
      '10.1.0.0/16',
      '::1',
      'loopback',
    ]);
  });

  it('publishes Mailpit (every mail, reset links included) on this machine only', () => {
    const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
      services: Record<string, { ports?: string[] }>;
    };
    const ports = compose.services.mailpit?.ports ?? [];
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});
