import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One-click unsubscribe tokens: `<memberId>.<HMAC-SHA256>` with a key derived from
 * SESSION_SECRET for this purpose only. They do not expire (links in old mails keep working) and
 * can only turn that member's digest off.
 */
export function unsubscribeTokens(sessionSecret: string) {
  const key = createHmac('sha256', sessionSecret).update('commons:unsubscribe-digest:v1').digest();
  const sign = (memberId: string) => createHmac('sha256', key).update(`digest-off:${memberId}`).digest('base64url');
  return {
    create(memberId: string): string {
      return `${memberId}.${sign(memberId)}`;
    },
    /** The member id the token was made for, or null when it is not one of ours. */
    verify(token: string): string | null {
      const match = /^([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match) return null;
      const [, memberId, sig] = match;
      const expected = Buffer.from(sign(memberId!));
      const given = Buffer.from(sig!);
      return expected.length === given.length && timingSafeEqual(expected, given) ? memberId! : null;
    },
  };
}

export type UnsubscribeTokens = ReturnType<typeof unsubscribeTokens>;
