import type {
  ActionItem,
  ConsensusTally,
  LabIdea,
  LabMemberRef,
  LabMessage,
  LabOutcome,
  LabPhase,
  LabPresenceEvent,
  LabQueue,
  LabState,
} from '@commons/shared';
import { create } from 'zustand';

/** The live room of one lab: filled by the join ack, kept current by the room's events. */
interface LabRoomStore {
  labId: string | null;
  state: LabState | null;
  reset(): void;
  joined(state: LabState): void;
  presence(e: LabPresenceEvent): void;
  /** Adds messages in sequence order, ignoring ones already held (catch-up after a reconnect). */
  messages(messages: LabMessage[]): void;
  phase(phase: LabPhase): void;
  queue(queue: LabQueue): void;
  idea(idea: LabIdea, mine?: { mine: boolean; dotsLeft: number }): void;
  consensus(tally: ConsensusTally): void;
  action(action: ActionItem): void;
  outcome(outcome: LabOutcome): void;
}

const MAX_MESSAGES = 500;

function update(set: (fn: (s: LabRoomStore) => Partial<LabRoomStore>) => void, fn: (state: LabState) => LabState) {
  set((s) => (s.state ? { state: fn(s.state) } : {}));
}

export const useLabRoom = create<LabRoomStore>((set) => ({
  labId: null,
  state: null,
  reset: () => set({ labId: null, state: null }),
  joined: (state) => set({ labId: state.lab.id, state }),
  presence: (e) =>
    update(set, (s) => {
      const byId = new Map<string, LabMemberRef>(s.participants.map((m) => [m.id, m]));
      for (const id of e.left) byId.delete(id);
      for (const m of e.joined) byId.set(m.id, m);
      return { ...s, participants: [...byId.values()] };
    }),
  messages: (incoming) =>
    update(set, (s) => {
      const fresh = incoming.filter((m) => m.seq > s.lastSeq || !s.messages.some((x) => x.seq === m.seq));
      if (fresh.length === 0) return s;
      const all = [...s.messages, ...fresh].sort((a, b) => a.seq - b.seq).slice(-MAX_MESSAGES);
      return { ...s, messages: all, lastSeq: Math.max(s.lastSeq, ...fresh.map((m) => m.seq)) };
    }),
  phase: (phase) =>
    update(set, (s) => ({
      ...s,
      phase,
      lab: { ...s.lab, status: phase.status, allowAnonymousIdeas: phase.anonymousIdeas },
      consensus: phase.kind === 'consensus' && phase.index !== s.phase.index ? null : s.consensus,
      myConsensus: phase.index !== s.phase.index ? null : s.myConsensus,
    })),
  queue: (queue) => update(set, (s) => ({ ...s, queue })),
  idea: (idea, mine) =>
    update(set, (s) => {
      const existing = s.ideas.find((i) => i.id === idea.id);
      const merged = { ...idea, mine: mine ? mine.mine : (existing?.mine ?? false) };
      const ideas = existing ? s.ideas.map((i) => (i.id === idea.id ? merged : i)) : [...s.ideas, merged];
      return { ...s, ideas, dotsLeft: mine ? mine.dotsLeft : s.dotsLeft };
    }),
  consensus: (tally) => update(set, (s) => (tally.phaseIndex === s.phase.index ? { ...s, consensus: tally } : s)),
  action: (action) =>
    update(set, (s) => ({
      ...s,
      actions: s.actions.some((a) => a.id === action.id)
        ? s.actions.map((a) => (a.id === action.id ? action : a))
        : [...s.actions, action],
    })),
  outcome: (outcome) =>
    update(set, (s) =>
      s.outcomes.some((o) => o.id === outcome.id) ? s : { ...s, outcomes: [...s.outcomes, outcome] },
    ),
}));
