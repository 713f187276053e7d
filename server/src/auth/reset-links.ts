import { createHash, createHmac } from 'node:crypto';

/*
 * Password-reset links without the secret ever leaving the server's memory. A reset request is a
 * stored row; its token is derived from the row's id with a key made from SESSION_SECRET for this
 * purpose only, and the row keeps only the token's hash. So the mail job carries the row's id, and
 * the worker that sends the mail derives the link again: a queue, its dashboard or a leaked
 * database yields no usable link.
 */
export function resetLinks(sessionSecret: string, publicUrl: string) {
  const key = createHmac('sha256', sessionSecret).update('commons:password-reset:v1').digest();
  const tokenFor = (resetId: string): string => createHmac('sha256', key).update(resetId).digest('base64url');
  return {
    tokenFor,
    url(resetId: string): string {
      return `${publicUrl}/reset-password?token=${encodeURIComponent(tokenFor(resetId))}`;
    },
  };
}

export type ResetLinks = ReturnType<typeof resetLinks>;

export const hashResetToken = (token: string): string => createHash('sha256').update(token).digest('hex');
