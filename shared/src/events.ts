import type { ErrorBody } from './errors.js';
import type {
  CategoryRoomPayload,
  PostEvent,
  PublicThread,
  ReactionUpdatedEvent,
  ThreadActivityEvent,
  ThreadJoined,
  ThreadReadEvent,
  ThreadRoomPayload,
  ThreadTypingEvent,
} from './forums/schemas.js';

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
  // forums: to the thread room
  'post:created': (e: PostEvent) => void;
  'post:updated': (e: PostEvent) => void;
  'post:deleted': (e: PostEvent) => void;
  'reaction:updated': (e: ReactionUpdatedEvent) => void;
  'thread:typing': (e: ThreadTypingEvent) => void;
  // forums: to the forum room and the thread's category room (thread:updated also to the thread room)
  'thread:created': (e: { thread: PublicThread }) => void;
  'thread:activity': (e: ThreadActivityEvent) => void;
  'thread:updated': (e: { thread: PublicThread; previousCategoryId: string | null }) => void;
  // forums: to the member's own room (their other tabs)
  'thread:read': (e: ThreadReadEvent) => void;
}

/** Commands clients send (`domain:verb`); each is validated and answered with an Ack. */
export interface ClientToServerEvents {
  'session:ping': (payload: Record<string, never>, ack: AckCallback<{ at: string }>) => void;
  // forums
  'thread:join': (payload: ThreadRoomPayload, ack: AckCallback<ThreadJoined>) => void;
  'thread:leave': (payload: ThreadRoomPayload, ack: AckCallback<{ threadId: string }>) => void;
  'thread:typing': (payload: ThreadRoomPayload, ack: AckCallback<{ sent: boolean }>) => void;
  'category:join': (payload: CategoryRoomPayload, ack: AckCallback<{ categoryId: string }>) => void;
  'category:leave': (payload: CategoryRoomPayload, ack: AckCallback<{ categoryId: string }>) => void;
  'forum:join': (payload: Record<string, never>, ack: AckCallback<{ joined: true }>) => void;
  'forum:leave': (payload: Record<string, never>, ack: AckCallback<{ left: true }>) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  memberId: string;
  displayName: string;
  role: string;
}
