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
import type {
  ActionItem,
  ConsensusTally,
  LabChatPayload,
  LabConsensusVote,
  LabDotPayload,
  LabExtendPayload,
  LabIdea,
  LabIdeaAdd,
  LabMemberRef,
  LabMessage,
  LabMessageSend,
  LabPhase,
  LabPresenceEvent,
  LabQueue,
  LabRoomPayload,
  LabSincePayload,
  LabState,
  LabBoardPayload,
  LabConsensusSet,
  LabIdeaGroup,
  LabIdeaMerge,
  LabMemberPayload,
  LabMutePayload,
  LabOutcome,
  LabRemovedEvent,
  LabSpotlightPayload,
} from './labs/schemas.js';
import type { NotificationNewEvent, NotificationReadEvent } from './notifications/schemas.js';
import type { ModerationItemEvent, ModerationNoticeEvent, PostHiddenEvent } from './moderation/schemas.js';

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
  /** Live events may have been missed on this connection (the server's Redis subscriber was away): catch up as after a reconnect. */
  'session:resync': (e: { reason: 'missed_live_events' }) => void;
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
  // moderation held or hid the opening post (lists drop it, but for its author and moderators),
  // or restored it (lists take it back)
  'thread:hidden': (e: { threadId: string; categoryId: string }) => void;
  'thread:restored': (e: { thread: PublicThread }) => void;
  // forums: to the member's own room (their other tabs)
  'thread:read': (e: ThreadReadEvent) => void;
  // notifications: to the member's own room
  'notification:new': (e: NotificationNewEvent) => void;
  'notification:read': (e: NotificationReadEvent) => void;
  // moderation: post:hidden to the thread room (and, with reasons, the author's room);
  // moderation:item to the moderators room; moderation:notice to the member's own room
  'post:hidden': (e: PostHiddenEvent) => void;
  'moderation:item': (e: ModerationItemEvent) => void;
  'moderation:notice': (e: ModerationNoticeEvent) => void;
  // labs: to the lab room (lab:<id>)
  'lab:presence': (e: LabPresenceEvent) => void;
  'lab:message': (e: LabMessage) => void;
  'lab:phase': (e: LabPhase) => void;
  'lab:queue': (e: LabQueue) => void;
  'lab:idea': (e: LabIdea) => void;
  'lab:consensus': (e: { labId: string; tally: ConsensusTally }) => void;
  'lab:action': (e: { labId: string; action: ActionItem }) => void;
  'lab:removed': (e: LabRemovedEvent) => void;
  /** Members who just got a seat from the waitlist: their room view turns from following to taking part. */
  'lab:seated': (e: { labId: string; memberIds: string[] }) => void;
  'lab:outcome': (e: { labId: string; outcome: LabOutcome }) => void;
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
  // labs
  'lab:join': (payload: LabRoomPayload, ack: AckCallback<LabState>) => void;
  'lab:leave': (payload: LabRoomPayload, ack: AckCallback<{ labId: string }>) => void;
  'lab:message:send': (payload: LabMessageSend, ack: AckCallback<LabMessage>) => void;
  'lab:messages:since': (
    payload: LabSincePayload,
    ack: AckCallback<{ messages: LabMessage[]; lastSeq: number }>,
  ) => void;
  'lab:start': (payload: LabRoomPayload, ack: AckCallback<LabPhase>) => void;
  'lab:phase:advance': (payload: LabRoomPayload, ack: AckCallback<LabPhase>) => void;
  'lab:phase:extend': (payload: LabExtendPayload, ack: AckCallback<LabPhase>) => void;
  'lab:chat:set': (payload: LabChatPayload, ack: AckCallback<LabPhase>) => void;
  'lab:end': (payload: LabRoomPayload, ack: AckCallback<LabPhase>) => void;
  'lab:hand:raise': (payload: LabRoomPayload, ack: AckCallback<LabQueue>) => void;
  'lab:hand:lower': (payload: LabRoomPayload, ack: AckCallback<LabQueue>) => void;
  'lab:hand:next': (payload: LabRoomPayload, ack: AckCallback<LabQueue>) => void;
  'lab:quiet': (payload: LabRoomPayload, ack: AckCallback<{ members: LabMemberRef[] }>) => void;
  'lab:idea:add': (payload: LabIdeaAdd, ack: AckCallback<LabIdea>) => void;
  'lab:idea:dot': (payload: LabDotPayload, ack: AckCallback<{ idea: LabIdea; dotsLeft: number }>) => void;
  'lab:consensus:vote': (payload: LabConsensusVote, ack: AckCallback<ConsensusTally>) => void;
  // labs: facilitator controls (the one holding the controls after a hand-over)
  'lab:spotlight': (payload: LabSpotlightPayload, ack: AckCallback<LabPhase>) => void;
  'lab:board:set': (payload: LabBoardPayload, ack: AckCallback<LabPhase>) => void;
  'lab:mute': (payload: LabMutePayload, ack: AckCallback<LabPhase>) => void;
  'lab:remove': (payload: LabMemberPayload, ack: AckCallback<LabRemovedEvent>) => void;
  'lab:handoff': (payload: LabMemberPayload, ack: AckCallback<LabPhase>) => void;
  'lab:consensus:set': (payload: LabConsensusSet, ack: AckCallback<ConsensusTally>) => void;
  'lab:idea:merge': (payload: LabIdeaMerge, ack: AckCallback<LabIdea>) => void;
  'lab:idea:group': (payload: LabIdeaGroup, ack: AckCallback<LabIdea>) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  memberId: string;
  displayName: string;
  role: string;
  /** The member's picture path when they have one (read with the session at the handshake). */
  avatar?: string;
  /** When the member was last recorded as seen (ms since epoch), to throttle that write. */
  lastSeenAt: number | null;
}
