import { createHash, createHmac } from 'node:crypto';

/*
 * Invitation links, as password-reset links are made (auth/reset-links.ts): the token is an HMAC
 * of the invitation's id with a key derived from SESSION_SECRET for this purpose only; the row
 * keeps the token's hash, the mail job only the id, and the mail worker derives the link again.
 */
export function invitationLinks(sessionSecret: string, publicUrl: string) {
  const key = createHmac('sha256', sessionSecret).update('commons:invitation:v1').digest();
  const tokenFor = (invitationId: string): string => createHmac('sha256', key).update(invitationId).digest('base64url');
  return {
    tokenFor,
    url(invitationId: string): string {
      return `${publicUrl}/invitations/accept?token=${encodeURIComponent(tokenFor(invitationId))}`;
    },
  };
}

export type InvitationLinks = ReturnType<typeof invitationLinks>;

export const hashInvitationToken = (token: string): string => createHash('sha256').update(token).digest('hex');
