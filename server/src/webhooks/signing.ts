import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Receivers should refuse deliveries whose timestamp is further than this from their clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the X-Commons-Signature header. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (documented for integrators, used by the tests): recompute the signature
 * over the raw body and refuse a timestamp outside the tolerance.
 */
export function verifySignature(
  secret: string,
  header: { signature: string; timestamp: string },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const ts = Number(header.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signPayload(secret, ts, body));
  return header.signature
    .split(',')
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}
