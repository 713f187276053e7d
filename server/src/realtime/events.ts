import {
  categoryRoomPayloadSchema,
  forumRoomPayloadSchema,
  labBoardPayloadSchema,
  labChatPayloadSchema,
  labConsensusSetSchema,
  labConsensusVoteSchema,
  labDotPayloadSchema,
  labExtendPayloadSchema,
  labIdeaAddSchema,
  labIdeaGroupSchema,
  labIdeaMergeSchema,
  labMemberPayloadSchema,
  labMessageSendSchema,
  labMutePayloadSchema,
  labRoomPayloadSchema,
  labSincePayloadSchema,
  labSpotlightSchema,
  threadRoomPayloadSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@commons/shared';
import { z } from 'zod';
import type { Access } from '../openapi/operation.js';

/**
 * A client command's contract: its payload schema (every payload is parsed with it), who may send
 * it (the socket handshake already requires a session; a higher role is checked per command),
 * and what its acknowledgement carries. Facilitator-only lab controls are members' commands
 * whose service refuses anyone not holding the controls.
 */
export interface ClientEventContract {
  group: string;
  summary: string;
  payload: z.ZodType;
  sender: Exclude<Access, 'public' | 'publicFace'>;
  /** The acknowledgement's data, as the shared type's name (`{ ok: true, data } | { ok: false, error }`). */
  ack: string;
}

/** A fact the server pushes: the room it goes to and the shared type of its payload. */
export interface ServerEventContract {
  group: string;
  payload: string;
}

const empty = z.object({}).strict();
const controls = 'labs: facilitator controls (the one holding the controls after a hand-over)';

type Command = Omit<ClientEventContract, 'group' | 'sender'>;

/**
 * One group's commands, as the table lists them: each with its summary, payload schema and ack,
 * sent by members (the handshake already requires a session). A command for a higher role
 * would name its sender in its own group.
 */
function commands<const T extends Record<string, Command>>(
  group: string,
  table: T,
  sender: ClientEventContract['sender'] = 'member',
): { [K in keyof T]: T[K] & Pick<ClientEventContract, 'group' | 'sender'> } {
  return Object.fromEntries(Object.entries(table).map(([name, c]) => [name, { ...c, group, sender }])) as {
    [K in keyof T]: T[K] & Pick<ClientEventContract, 'group' | 'sender'>;
  };
}

/** Every command clients send. The map is checked against the typed event maps: none missing, none extra. */
export const clientEvents = {
  ...commands('session', {
    'session:ping': { summary: 'Is the connection alive', payload: empty, ack: '{ at: string }' },
  }),
  ...commands('forums', {
    'thread:join': { summary: "Join a thread's room", payload: threadRoomPayloadSchema, ack: 'ThreadJoined' },
    'thread:leave': { summary: "Leave a thread's room", payload: threadRoomPayloadSchema, ack: '{ threadId: string }' },
    'thread:typing': {
      summary: 'Tell a joined thread that I am typing',
      payload: threadRoomPayloadSchema,
      ack: '{ sent: boolean }',
    },
    'category:join': {
      summary: "Join a category's room",
      payload: categoryRoomPayloadSchema,
      ack: '{ categoryId: string }',
    },
    'category:leave': {
      summary: "Leave a category's room",
      payload: categoryRoomPayloadSchema,
      ack: '{ categoryId: string }',
    },
    'forum:join': { summary: 'Join the forum lists room', payload: forumRoomPayloadSchema, ack: '{ joined: true }' },
    'forum:leave': { summary: 'Leave the forum lists room', payload: forumRoomPayloadSchema, ack: '{ left: true }' },
  }),
  ...commands('labs', {
    'lab:join': { summary: "Enter a lab's room", payload: labRoomPayloadSchema, ack: 'LabState' },
    'lab:leave': { summary: "Leave a lab's room", payload: labRoomPayloadSchema, ack: '{ labId: string }' },
    'lab:message:send': { summary: 'Say something in the lab chat', payload: labMessageSendSchema, ack: 'LabMessage' },
    'lab:messages:since': {
      summary: 'Chat messages after a sequence number (catch-up after a reconnect)',
      payload: labSincePayloadSchema,
      ack: '{ messages: LabMessage[]; lastSeq: number }',
    },
    'lab:start': { summary: 'Start the lab', payload: labRoomPayloadSchema, ack: 'LabPhase' },
    'lab:phase:advance': { summary: 'Move to the next phase', payload: labRoomPayloadSchema, ack: 'LabPhase' },
    'lab:phase:extend': { summary: 'Give the phase more minutes', payload: labExtendPayloadSchema, ack: 'LabPhase' },
    'lab:chat:set': { summary: 'Open or close the chat', payload: labChatPayloadSchema, ack: 'LabPhase' },
    'lab:end': { summary: 'End the lab', payload: labRoomPayloadSchema, ack: 'LabPhase' },
    'lab:hand:raise': { summary: 'Raise my hand', payload: labRoomPayloadSchema, ack: 'LabQueue' },
    'lab:hand:lower': { summary: 'Lower my hand', payload: labRoomPayloadSchema, ack: 'LabQueue' },
    'lab:hand:next': {
      summary: 'Give the floor to the next raised hand',
      payload: labRoomPayloadSchema,
      ack: 'LabQueue',
    },
    'lab:quiet': {
      summary: 'Who has not spoken yet',
      payload: labRoomPayloadSchema,
      ack: '{ members: LabMemberRef[] }',
    },
    'lab:idea:add': { summary: 'Add an idea to the board', payload: labIdeaAddSchema, ack: 'LabIdea' },
    'lab:idea:dot': {
      summary: 'Put a dot on an idea, or take it back',
      payload: labDotPayloadSchema,
      ack: '{ idea: LabIdea; dotsLeft: number }',
    },
    'lab:consensus:vote': {
      summary: 'Vote in the consensus check',
      payload: labConsensusVoteSchema,
      ack: 'ConsensusTally',
    },
  }),
  ...commands(controls, {
    'lab:spotlight': { summary: 'Spotlight a chat message', payload: labSpotlightSchema, ack: 'LabPhase' },
    'lab:board:set': { summary: 'Open, lock or hide the idea board', payload: labBoardPayloadSchema, ack: 'LabPhase' },
    'lab:mute': { summary: 'Mute or unmute a participant', payload: labMutePayloadSchema, ack: 'LabPhase' },
    'lab:remove': {
      summary: 'Remove a participant from the room',
      payload: labMemberPayloadSchema,
      ack: 'LabRemovedEvent',
    },
    'lab:handoff': {
      summary: 'Hand the controls to another facilitator',
      payload: labMemberPayloadSchema,
      ack: 'LabPhase',
    },
    'lab:consensus:set': {
      summary: 'Open or close a consensus check',
      payload: labConsensusSetSchema,
      ack: 'ConsensusTally',
    },
    'lab:idea:merge': { summary: 'Merge two ideas', payload: labIdeaMergeSchema, ack: 'LabIdea' },
    'lab:idea:group': { summary: 'Group an idea', payload: labIdeaGroupSchema, ack: 'LabIdea' },
  }),
} satisfies Record<keyof ClientToServerEvents, ClientEventContract>;

const threadRoom = 'forums: to the thread room';
const lists = 'forums: to the forum room and the thread’s category room';
const own = "to the member's own room";
const labRoom = 'labs: to the lab room';

/** One room's facts: each event with the shared type of its payload. */
function facts<const T extends Record<string, string>>(group: string, table: T): Record<keyof T, ServerEventContract> {
  return Object.fromEntries(Object.entries(table).map(([name, payload]) => [name, { group, payload }])) as Record<
    keyof T,
    ServerEventContract
  >;
}

/** Every fact the server pushes, by the room it goes to. */
export const serverEvents = {
  ...facts('session: to the connecting socket', { 'session:ready': 'SessionInfo' }),
  ...facts('session: to the ended session’s sockets, before they close', { 'session:ended': '{ code; message }' }),
  ...facts('session: to every socket of a server whose Redis subscriber was away (catch up)', {
    'session:resync': "{ reason: 'missed_live_events' }",
  }),
  ...facts(threadRoom, {
    'post:created': 'PostEvent',
    'post:updated': 'PostEvent',
    'post:deleted': 'PostEvent',
    'reaction:updated': 'ReactionUpdatedEvent',
    'thread:typing': 'ThreadTypingEvent',
  }),
  ...facts(lists, { 'thread:created': '{ thread: PublicThread }', 'thread:activity': 'ThreadActivityEvent' }),
  ...facts(`${lists} and the thread room`, { 'thread:updated': '{ thread: PublicThread; previousCategoryId }' }),
  ...facts(`${lists}: moderation held or hid the opening post`, { 'thread:hidden': '{ threadId; categoryId }' }),
  ...facts(`${lists}: moderation restored the opening post`, { 'thread:restored': '{ thread: PublicThread }' }),
  ...facts(`forums: ${own} (their other tabs)`, { 'thread:read': 'ThreadReadEvent' }),
  ...facts(`notifications: ${own}`, {
    'notification:new': 'NotificationNewEvent',
    'notification:read': 'NotificationReadEvent',
  }),
  ...facts("moderation: to the thread room (with reasons, the author's room)", { 'post:hidden': 'PostHiddenEvent' }),
  ...facts('moderation: to the moderators room', { 'moderation:item': 'ModerationItemEvent' }),
  ...facts(`moderation: ${own}`, { 'moderation:notice': 'ModerationNoticeEvent' }),
  ...facts(labRoom, {
    'lab:presence': 'LabPresenceEvent',
    'lab:message': 'LabMessage',
    'lab:phase': 'LabPhase',
    'lab:queue': 'LabQueue',
    'lab:idea': 'LabIdea',
    'lab:consensus': '{ labId; tally: ConsensusTally }',
    'lab:action': '{ labId; action: ActionItem }',
    'lab:removed': 'LabRemovedEvent',
    'lab:outcome': '{ labId; outcome: LabOutcome }',
  }),
  ...facts(`${labRoom}: members just seated from the waitlist`, { 'lab:seated': '{ labId; memberIds }' }),
} satisfies Record<keyof ServerToClientEvents, ServerEventContract>;

export type ClientEventName = keyof typeof clientEvents;

/** A payload's shape in one line, from its JSON Schema: `{ labId: string; seq?: integer }`. */
function outline(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input' }) as {
    properties?: Record<string, { type?: string | string[]; anyOf?: Array<{ type?: string }> }>;
    required?: string[];
  };
  const fields = Object.entries(json.properties ?? {}).map(([key, prop]) => {
    const type = prop.type ?? prop.anyOf?.map((t) => t.type ?? 'object').join(' | ') ?? 'unknown';
    return `${key}${json.required?.includes(key) ? '' : '?'}: ${Array.isArray(type) ? type.join(' | ') : type}`;
  });
  return fields.length ? `{ ${fields.join('; ')} }` : '{}';
}

/** The description served at /api/socket-events.json and rendered at /api/docs/socket-events. */
export function socketEventsDocument() {
  return {
    title: 'Commons Socket.IO events',
    description:
      'Clients connect to the same origin with the session cookie. Commands (client → server) are `domain:verb`, their payload is validated with the schema given here, and each is answered with an acknowledgement `{ ok: true, data } | { ok: false, error: { code, message } }`; facts (server → client) are past tense and sent to rooms: thread, lab, category, the member’s own room and the moderators’ room. Type names refer to shared/src.',
    events: [
      ...Object.entries(clientEvents).map(([name, e]) => ({
        name,
        direction: 'client-to-server' as const,
        group: e.group as string | null,
        summary: e.summary as string | null,
        sender: e.sender as string | null,
        payload: outline(e.payload) as string | null,
        schema: z.toJSONSchema(e.payload, { io: 'input' }) as unknown,
        ack: e.ack as string | null,
      })),
      ...Object.entries(serverEvents).map(([name, e]) => ({
        name,
        direction: 'server-to-client' as const,
        group: e.group as string | null,
        summary: null,
        sender: null,
        payload: e.payload as string | null,
        schema: null as unknown,
        ack: null,
      })),
    ],
  };
}
