import { ConfigError, loadConfig } from '@commons/server/infra/config';
import { describe, expect, it } from 'vitest';

const secret = { sessionSecret: 's'.repeat(40) };

describe('configuration', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({}, secret);
    expect(config).toMatchObject({
      PORT: 3000,
      PUBLIC_URL: 'http://localhost:3000',
      REDIS_PREFIX: 'commons',
      STORE_TIMEOUT_MS: 1500,
      STORE_BUSY_TIMEOUT_MS: 5000,
      STORE_WORKER_TIMEOUT_MS: 20000,
      SERVICE_PORTS: 'default',
      isProduction: false,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ STORE_TIMEOUT_MS: '50' }, 'STORE_TIMEOUT_MS'],
    [{ SERVICE_PORTS: 'random' }, 'SERVICE_PORTS'],
  ])('names the variable of a bad value (%o)', (env, name) => {
    expect(() => loadConfig(env, secret)).toThrow(ConfigError);
    expect(() => loadConfig(env, secret)).toThrow(new RegExp(`${name}:`));
  });

  it('requires a session secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/);
  });
});
