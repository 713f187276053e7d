import type { BlockedMember, MemberBlockKind, ModerationMemberRef } from '@commons/shared';
import { create } from 'zustand';
import { getBlocks, setMemberBlock } from './api';

/** The members I blocked or muted, loaded once per page load and kept current by my own changes. */
interface BlocksStore {
  members: BlockedMember[];
  loaded: boolean;
  load: () => Promise<void>;
  /** Blocks or mutes `member` (`on`), or undoes it; a block replaces a mute. */
  change: (member: ModerationMemberRef, kind: MemberBlockKind, on: boolean) => Promise<void>;
}

export const useBlocks = create<BlocksStore>((set, get) => ({
  members: [],
  loaded: false,
  async load() {
    if (get().loaded) return;
    set({ loaded: true });
    try {
      set({ members: (await getBlocks()).members });
    } catch {
      set({ loaded: false });
    }
  },
  async change(member, kind, on) {
    await setMemberBlock(member.id, kind, on);
    const rest = get().members.filter((m) => m.member.id !== member.id);
    const had = get().members.find((m) => m.member.id === member.id);
    let next: BlockedMember | undefined = had;
    if (on && !(kind === 'mute' && had?.kind === 'block')) next = { member, kind, since: new Date().toISOString() };
    if (!on && had?.kind === kind) next = undefined;
    set({ members: next ? [next, ...rest] : rest });
  },
}));

/** 'block', 'mute' or null: what I chose about this member. */
export function useBlockKind(memberId: string | null | undefined): MemberBlockKind | null {
  return useBlocks((s) => (memberId ? (s.members.find((m) => m.member.id === memberId)?.kind ?? null) : null));
}
