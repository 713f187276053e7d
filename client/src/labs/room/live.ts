import type {
  Ack,
  ActionItem,
  ClientToServerEvents,
  ConsensusChoice,
  ConsensusTally,
  ErrorBody,
  LabIdea,
  LabMemberRef,
  LabMessage,
  LabOutcome,
  LabPhase,
  LabPresenceEvent,
  LabQueue,
  LabState,
  ServerToClientEvents,
} from '@commons/shared';
import type { Socket } from 'socket.io-client';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createGapFiller, missedAfter } from '../../realtime/live-gap.js';
import { isPassingRefusal, retryDelay } from '../../realtime/retry.js';

// This module imports packages only (no app singletons), so the store can be built around any
// socket: the app's, or a test's own connection to a real server.

export type LabSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the room reads out to screen reader users (catalogue keys). */
export type RoomNotice =
  | 'labs.room.newMessage'
  | 'labs.room.phaseChanged'
  | 'labs.room.labEnded'
  | 'labs.room.seated'
  | 'labs.outcomes.recorded'
  | 'labs.facilitation.youWereRemoved';

/** Why the room is not shown: the server refused to let the member in, or a facilitator removed them. */
export type RoomError = { kind: 'refused'; code: ErrorBody['code'] } | { kind: 'removed' };

/** What the room needs from the app around it. */
export interface LabRoomDeps {
  socket: LabSocket;
  /** The signed-in member's id. */
  me(): string | undefined;
  /** Whether the server has confirmed the session on the connection ('session:ready'). */
  ready(): boolean;
  /** Reads a message out to screen reader users: a catalogue key and its values. */
  say(key: RoomNotice, values?: Record<string, string | number>): void;
}

type BoardSetting = Partial<Record<'ideasOpen' | 'votingOpen' | 'anonymousIdeas', boolean>>;
type ConsensusSetting = Omit<Parameters<ClientToServerEvents['lab:consensus:set']>[0], 'labId'>;

export interface LabRoom {
  labId: string | null;
  state: LabState | null;
  error: RoomError | null;
  /** Joins the lab's room and follows it (again after each reconnect); returns the way out. */
  enter(labId: string): () => void;
  /** Stops following the room: every subscription goes, the server is told, the state is dropped. */
  leave(): void;

  // What arrives, from the room's events or from the member's own commands.
  joined(state: LabState): void;
  presence(e: LabPresenceEvent): void;
  /** Adds messages in sequence order, ignoring ones already held (catch-up after a reconnect). */
  messages(messages: LabMessage[]): void;
  phase(phase: LabPhase): void;
  queue(queue: LabQueue): void;
  idea(idea: LabIdea, mine?: { mine: boolean; dotsLeft: number }): void;
  /** A check's tally (the current one, or an earlier one); `mine` is the member's own new answer. */
  consensus(tally: ConsensusTally, mine?: ConsensusChoice): void;
  action(action: ActionItem): void;
  outcome(outcome: LabOutcome): void;

  // The member's commands: each answers the server's ack, and what it changed is already applied.
  send(body: string): Promise<Ack<LabMessage>>;
  hand(raise: boolean): Promise<Ack<LabQueue>>;
  addIdea(text: string, anonymous: boolean): Promise<Ack<LabIdea>>;
  dot(ideaId: string, on: boolean): Promise<Ack<{ idea: LabIdea; dotsLeft: number }>>;
  vote(choice: ConsensusChoice, reason: string): Promise<Ack<ConsensusTally>>;
  // The facilitators' commands.
  start(): Promise<Ack<LabPhase>>;
  advance(): Promise<Ack<LabPhase>>;
  extend(minutes: number): Promise<Ack<LabPhase>>;
  end(): Promise<Ack<LabPhase>>;
  setChat(open: boolean): Promise<Ack<LabPhase>>;
  setBoard(setting: BoardSetting): Promise<Ack<LabPhase>>;
  callNext(): Promise<Ack<LabQueue>>;
  quiet(): Promise<Ack<{ members: LabMemberRef[] }>>;
  spotlight(seq: number | null): Promise<Ack<LabPhase>>;
  mute(memberId: string, muted: boolean): Promise<Ack<LabPhase>>;
  remove(memberId: string): Promise<Ack<unknown>>;
  handOff(memberId: string): Promise<Ack<LabPhase>>;
  setConsensus(setting: ConsensusSetting): Promise<Ack<ConsensusTally>>;
  mergeIdea(fromId: string, intoId: string): Promise<Ack<LabIdea>>;
  groupIdea(ideaId: string, group: string | null): Promise<Ack<LabIdea>>;
}

const MAX_MESSAGES = 500;
const notInRoom = { ok: false, error: { code: 'not_found', message: 'Not in a lab room.' } } as const;
/** The connection dropped before the server answered (socket.io rejects the pending ack). */
const dropped = { ok: false, error: { code: 'service_unavailable', message: 'The connection dropped.' } } as const;

export function createLabRoom(deps: LabRoomDeps): StoreApi<LabRoom> {
  const { socket } = deps;
  let unsubscribe: (() => void) | null = null;
  let joinRetry: ReturnType<typeof setTimeout> | null = null;
  const stopRetry = () => {
    if (joinRetry) clearTimeout(joinRetry);
    joinRetry = null;
  };

  return createStore<LabRoom>((set, get) => {
    /** Applies a change to the room's state, if a room is held. */
    const update = (fn: (state: LabState) => LabState) => set((s) => (s.state ? { state: fn(s.state) } : {}));
    const mine = (e: { labId: string }) => e.labId === get().labId;
    /** Sends a command to the room held now and applies its answer when it is a success. */
    async function command<T>(send: (labId: string) => Promise<Ack<T>>, apply?: (data: T) => void): Promise<Ack<T>> {
      const labId = get().labId;
      if (!labId) return notInRoom;
      const ack = await send(labId).catch(() => dropped);
      if (ack.ok && apply && get().labId === labId) apply(ack.data);
      return ack;
    }

    /** A phase from the room or from a facilitator's own command: whichever comes first is announced. */
    function phaseArrived(p: LabPhase): void {
      const before = get().state?.phase;
      get().phase(p);
      if (p.status === 'ended' && before?.status !== 'ended') deps.say('labs.room.labEnded');
      else if (p.index !== before?.index && p.title) deps.say('labs.room.phaseChanged', { title: p.title });
    }

    /** Joins (or joins again after a reconnect), asking for the messages missed in between. */
    async function join(labId: string, attempt = 0): Promise<void> {
      stopRetry();
      const held = get().labId === labId ? get().state : null;
      const lastSeq = held?.lastSeq ?? 0;
      // A connection that drops meanwhile rejects the ack; the next 'session:ready' joins again.
      const ack = await socket.emitWithAck('lab:join', { labId }).catch(() => null);
      if (!ack || get().labId !== labId) return; // dropped, or left meanwhile
      if (!ack.ok && isPassingRefusal(ack.error.code)) {
        // The server could not answer now (a store that stalled): the room comes when it can.
        joinRetry = setTimeout(() => void join(labId, attempt + 1), retryDelay(attempt));
        return;
      }
      if (!ack.ok) return set({ error: { kind: 'refused', code: ack.error.code } });
      set({ error: null });
      get().joined(ack.data);
      if (lastSeq > 0 && lastSeq < ack.data.lastSeq) {
        const since = await socket.emitWithAck('lab:messages:since', { labId, seq: lastSeq }).catch(() => null);
        if (since?.ok && get().labId === labId) get().messages(since.data.messages);
      }
    }

    function subscribe(labId: string): () => void {
      const handlers: { [E in keyof ServerToClientEvents]?: ServerToClientEvents[E] } = {
        'session:ready': () => void join(labId),
        // Events may have been missed while the server's Redis subscriber was away: the room state again.
        'session:resync': () => void join(labId),
        'lab:presence': (e) => mine(e) && get().presence(e),
        'lab:message': (m) => {
          if (!mine(m)) return;
          // Pushed again (its sender died or was slow, server/src/labs/unpushed.ts): already heard.
          if (get().state?.messages.some((x) => x.seq === m.seq)) return;
          const held = get().state?.lastSeq;
          const gap = held === undefined ? null : missedAfter(held, m.seq);
          get().messages([m]);
          if (gap !== null) gaps.noted(gap);
          if (m.author.id !== deps.me()) deps.say('labs.room.newMessage', { name: m.author.displayName, body: m.body });
        },
        'lab:phase': (p) => mine(p) && phaseArrived(p),
        'lab:queue': (q) => mine(q) && get().queue(q),
        'lab:idea': (i) => mine(i) && get().idea(i),
        'lab:consensus': (e) => mine(e) && get().consensus(e.tally),
        'lab:action': (e) => mine(e) && get().action(e.action),
        'lab:outcome': (e) => {
          if (!mine(e)) return;
          get().outcome(e.outcome);
          deps.say('labs.outcomes.recorded', { title: e.outcome.title });
        },
        'lab:removed': (e) => {
          if (!mine(e) || e.memberId !== deps.me()) return;
          set({ error: { kind: 'removed' } });
          deps.say('labs.facilitation.youWereRemoved');
        },
        // A seat came free for me: enter again to get the room as a participant.
        'lab:seated': (e) => {
          const me = deps.me();
          if (!mine(e) || !me || !e.memberIds.includes(me)) return;
          void join(labId).then(() => get().state?.takingPart && deps.say('labs.room.seated'));
        },
      };
      // A message numbered past the next (realtime/live-gap.ts): what came after the number held.
      const gaps = createGapFiller(async (after) => {
        const since = await socket.emitWithAck('lab:messages:since', { labId, seq: after });
        if (since.ok && get().labId === labId) get().messages(since.data.messages);
      });
      const names = Object.keys(handlers) as (keyof ServerToClientEvents)[];
      // One loop for all events: each name is paired with its own handler above.
      const on = socket.on.bind(socket) as (event: string, fn: unknown) => void;
      const off = socket.off.bind(socket) as (event: string, fn: unknown) => void;
      for (const name of names) on(name, handlers[name]);
      return () => {
        for (const name of names) off(name, handlers[name]);
        gaps.stop();
      };
    }

    return {
      labId: null,
      state: null,
      error: null,
      enter(labId) {
        get().leave();
        set({ labId, state: null, error: null });
        unsubscribe = subscribe(labId);
        if (deps.ready()) void join(labId);
        return () => {
          if (get().labId === labId) get().leave();
        };
      },
      leave() {
        const { labId } = get();
        stopRetry();
        unsubscribe?.();
        unsubscribe = null;
        if (labId && socket.connected) socket.emit('lab:leave', { labId }, () => undefined);
        set({ labId: null, state: null, error: null });
      },

      joined: (state) => set({ labId: state.lab.id, state }),
      presence: (e) =>
        update((s) => {
          const byId = new Map<string, LabMemberRef>(s.participants.map((m) => [m.id, m]));
          for (const id of e.left) byId.delete(id);
          for (const m of e.joined) byId.set(m.id, m);
          return { ...s, participants: [...byId.values()] };
        }),
      messages: (incoming) =>
        update((s) => {
          const fresh = incoming.filter((m) => m.seq > s.lastSeq || !s.messages.some((x) => x.seq === m.seq));
          if (fresh.length === 0) return s;
          const all = [...s.messages, ...fresh].sort((a, b) => a.seq - b.seq).slice(-MAX_MESSAGES);
          return { ...s, messages: all, lastSeq: Math.max(s.lastSeq, ...fresh.map((m) => m.seq)) };
        }),
      phase: (phase) =>
        update((s) => ({
          ...s,
          phase,
          // A check is over once its phase is.
          checks: s.checks.map((c) =>
            c.phaseIndex === phase.index && phase.status === 'live' ? c : { ...c, closed: true },
          ),
          lab: { ...s.lab, status: phase.status, allowAnonymousIdeas: phase.anonymousIdeas },
          consensus: phase.kind === 'consensus' && phase.index !== s.phase.index ? null : s.consensus,
          myConsensus: phase.index !== s.phase.index ? null : s.myConsensus,
        })),
      queue: (queue) => update((s) => ({ ...s, queue })),
      idea: (idea, own) =>
        update((s) => {
          const existing = s.ideas.find((i) => i.id === idea.id);
          const merged = { ...idea, mine: own ? own.mine : (existing?.mine ?? false) };
          const ideas = existing ? s.ideas.map((i) => (i.id === idea.id ? merged : i)) : [...s.ideas, merged];
          return { ...s, ideas, dotsLeft: own ? own.dotsLeft : s.dotsLeft };
        }),
      consensus: (tally, choice) =>
        update((s) => {
          const checks = s.checks.some((c) => c.phaseIndex === tally.phaseIndex)
            ? s.checks.map((c) => (c.phaseIndex === tally.phaseIndex ? tally : c))
            : [...s.checks, tally].sort((a, b) => a.phaseIndex - b.phaseIndex);
          const current = tally.phaseIndex === s.phase.index;
          return {
            ...s,
            checks,
            consensus: current ? tally : s.consensus,
            myConsensus: current && choice ? choice : s.myConsensus,
          };
        }),
      action: (action) =>
        update((s) => ({
          ...s,
          actions: s.actions.some((a) => a.id === action.id)
            ? s.actions.map((a) => (a.id === action.id ? action : a))
            : [...s.actions, action],
        })),
      outcome: (outcome) =>
        update((s) => (s.outcomes.some((o) => o.id === outcome.id) ? s : { ...s, outcomes: [...s.outcomes, outcome] })),

      send: (body) =>
        command(
          (labId) => socket.emitWithAck('lab:message:send', { labId, body }),
          (m) => get().messages([m]),
        ),
      hand: (raise) =>
        command((labId) => socket.emitWithAck(raise ? 'lab:hand:raise' : 'lab:hand:lower', { labId }), get().queue),
      addIdea: (text, anonymous) =>
        command(
          (labId) => socket.emitWithAck('lab:idea:add', { labId, text, anonymous }),
          (i) => get().idea(i),
        ),
      dot: (ideaId, on) =>
        command(
          (labId) => socket.emitWithAck('lab:idea:dot', { labId, ideaId, on }),
          (d) => get().idea(d.idea, { mine: d.idea.mine, dotsLeft: d.dotsLeft }),
        ),
      vote: (choice, reason) =>
        command(
          (labId) => socket.emitWithAck('lab:consensus:vote', { labId, choice, ...(reason ? { reason } : {}) }),
          (tally) => get().consensus(tally, choice),
        ),
      start: () => command((labId) => socket.emitWithAck('lab:start', { labId }), phaseArrived),
      advance: () => command((labId) => socket.emitWithAck('lab:phase:advance', { labId }), phaseArrived),
      extend: (minutes) => command((labId) => socket.emitWithAck('lab:phase:extend', { labId, minutes }), phaseArrived),
      end: () => command((labId) => socket.emitWithAck('lab:end', { labId }), phaseArrived),
      setChat: (open) => command((labId) => socket.emitWithAck('lab:chat:set', { labId, open }), phaseArrived),
      setBoard: (setting) =>
        command((labId) => socket.emitWithAck('lab:board:set', { labId, ...setting }), phaseArrived),
      callNext: () => command((labId) => socket.emitWithAck('lab:hand:next', { labId }), get().queue),
      quiet: () => command((labId) => socket.emitWithAck('lab:quiet', { labId })),
      spotlight: (seq) => command((labId) => socket.emitWithAck('lab:spotlight', { labId, seq }), phaseArrived),
      mute: (memberId, muted) =>
        command((labId) => socket.emitWithAck('lab:mute', { labId, memberId, muted }), phaseArrived),
      remove: (memberId) => command((labId) => socket.emitWithAck('lab:remove', { labId, memberId })),
      handOff: (memberId) => command((labId) => socket.emitWithAck('lab:handoff', { labId, memberId }), phaseArrived),
      setConsensus: (setting) =>
        command(
          (labId) => socket.emitWithAck('lab:consensus:set', { labId, ...setting }),
          (t) => get().consensus(t),
        ),
      mergeIdea: (fromId, intoId) =>
        command(
          (labId) => socket.emitWithAck('lab:idea:merge', { labId, fromId, intoId }),
          (i) => get().idea(i),
        ),
      groupIdea: (ideaId, group) =>
        command(
          (labId) => socket.emitWithAck('lab:idea:group', { labId, ideaId, group }),
          (i) => get().idea(i),
        ),
    };
  });
}
