import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring verification links. Nothing is stored: the token carries the member id, a
 * hash of the address it confirms and its expiry, signed with a key derived from the session
 * secret. A link for an earlier address stops working when the address changes.
 */
export interface VerificationClaim {
  memberId: string;
  email: string;
}

const emailTag = (email: string) => createHash('sha256').update(email.toLowerCase()).digest('base64url').slice(0, 22);

export function verificationTokens(secret: string, ttlHours: number) {
  const key = createHmac('sha256', secret).update('commons:email-verification').digest();
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

  return {
    issue(claim: VerificationClaim, now = Date.now()): { token: string; expiresAt: Date } {
      const expiresAt = new Date(now + ttlHours * 3_600_000);
      const payload = Buffer.from(
        JSON.stringify({ m: claim.memberId, e: emailTag(claim.email), x: expiresAt.getTime() }),
      ).toString('base64url');
      return { token: `${payload}.${sign(payload)}`, expiresAt };
    },

    /** The member id the token confirms for `emailOf(memberId)`, or null when forged, expired or stale. */
    async check(
      token: string,
      emailOf: (memberId: string) => Promise<string | null>,
      now = Date.now(),
    ): Promise<string | null> {
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) return null;
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
      let claim: { m?: unknown; e?: unknown; x?: unknown };
      try {
        claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claim;
      } catch {
        return null;
      }
      if (typeof claim.m !== 'string' || typeof claim.e !== 'string' || typeof claim.x !== 'number') return null;
      if (claim.x < now || !/^[0-9a-f]{24}$/.test(claim.m)) return null;
      const email = await emailOf(claim.m);
      return email !== null && emailTag(email) === claim.e ? claim.m : null;
    },
  };
}

export type VerificationTokens = ReturnType<typeof verificationTokens>;
