import type { ErrorBody } from './errors.js';

/** Every socket acknowledgement: success with data, or one error body. */
export type Ack<T = undefined> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckCallback<T = undefined> = (ack: Ack<T>) => void;

export interface SessionInfo {
  memberId: string;
  displayName: string;
}

/** Facts the server tells clients (past tense). Domains add their events here. */
export interface ServerToClientEvents {
  'session:ready': (info: SessionInfo) => void;
  'session:ended': (reason: { code: string; message: string }) => void;
}

/** Commands clients send (`domain:verb`); each is validated and answered with an Ack. */
export interface ClientToServerEvents {
  'session:ping': (payload: Record<string, never>, ack: AckCallback<{ at: string }>) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  memberId: string;
  displayName: string;
  role: string;
}
