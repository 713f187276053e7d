import { assertSafeTarget, guardedLookup, isPublicAddress, UnsafeTargetError } from '@commons/server/webhooks/guard';
import { signPayload, verifySignature } from '@commons/server/webhooks/signing';
import { describe, expect, it } from 'vitest';

// Nothing here connects anywhere: the guard decides from the URL and local name resolution.
const strict = { allowPrivate: false };

describe('the webhook target guard', () => {
  it.each([
    'http://127.0.0.1/',
    'http://10.0.0.1/',
    'http://[::1]/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:8080/',
    // Special-use ranges an old range table called unicast.
    'http://[::7f00:1]/',
    'http://[::ffff:198.18.0.1]/',
    'http://198.18.0.1/',
    'http://198.19.255.254/',
    'http://[64:ff9b:1::a00:1]/',
    'http://[64:ff9b::a00:1]/',
    'http://[fec0::1]/',
    'http://[100::1]/',
    'http://[2001:db8::1]/',
  ])('refuses %s', async (url) => {
    await expect(assertSafeTarget(url, strict)).rejects.toBeInstanceOf(UnsafeTargetError);
  });

  it.each(['file:///etc/passwd', 'ftp://example.org/', 'gopher://127.0.0.1/', 'http://user:pw@example.org/'])(
    'refuses %s by its scheme or credentials',
    async (url) => {
      await expect(assertSafeTarget(url, strict)).rejects.toThrow(UnsafeTargetError);
    },
  );

  it('accepts public addresses, and private ones only when allowed', async () => {
    expect(isPublicAddress('93.184.215.14')).toBe(true);
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
    expect(isPublicAddress('10.1.2.3')).toBe(false);
    expect((await assertSafeTarget('https://93.184.215.14/hook', strict)).host).toBe('93.184.215.14');
    expect((await assertSafeTarget('http://127.0.0.1:9/hook', { allowPrivate: true })).port).toBe('9');
    await expect(assertSafeTarget('file:///etc/passwd', { allowPrivate: true })).rejects.toThrow(UnsafeTargetError);
  });

  it('checks the addresses again when the delivery connects (DNS rebinding)', async () => {
    const lookup = guardedLookup(strict);
    const err = await new Promise<unknown>((resolve) => lookup('localhost', { all: true }, (e) => resolve(e)));
    expect(err).toBeInstanceOf(UnsafeTargetError);
  });
});

describe('signatures', () => {
  it('verify over "<timestamp>.<body>" within five minutes only', () => {
    const body = JSON.stringify({ id: 'e1', type: 'webhook.test', createdAt: 'x', data: {} });
    const now = 1_800_000_000;
    const signature = signPayload('whsec_test', now, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_test', { signature, timestamp: String(now) }, body, now + 299)).toBe(true);
    expect(verifySignature('whsec_test', { signature, timestamp: String(now) }, body, now + 301)).toBe(false);
    expect(verifySignature('whsec_other', { signature, timestamp: String(now) }, body, now)).toBe(false);
    expect(verifySignature('whsec_test', { signature, timestamp: String(now) }, `${body} `, now)).toBe(false);
  });
});
