import { z } from 'zod';

/** Every error the API or a socket ack can return carries one of these codes. */
export const errorCodes = [
  'bad_request',
  'validation_failed',
  'unsupported_media_type',
  'forbidden_origin',
  'unauthenticated',
  'members_only',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'conflict',
  'email_taken',
  'weak_password',
  'invalid_token',
  'payload_too_large',
  'rate_limited',
  'thread_locked',
  'lab_closed',
  'event_closed',
  'member_silenced',
  'member_suspended',
  'email_unverified',
  'registration_closed',
  'registration_pending',
  'invitation_withdrawn',
  'service_unavailable',
  'internal',
] as const;
export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
  requestId: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The one JSON shape of every failed HTTP response. */
export const errorResponseSchema = z.object({ error: errorBodySchema });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/**
 * Why the server refused a socket's handshake (`connect_error`'s `data`). `retryAfter` (seconds)
 * is set when the refusal is passing and the client should try again; 'unauthenticated' is final.
 */
export const socketRefusalSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  retryAfter: z.number().int().positive().optional(),
});
export type SocketRefusal = z.infer<typeof socketRefusalSchema>;
