import type { ModerationItem } from '@commons/shared';
import { create } from 'zustand';
import { socket } from '../socket';
import { getQueue } from './api';

interface ModerationStore {
  items: ModerationItem[];
  loading: boolean;
  error: boolean;
  loadQueue: () => Promise<void>;
  /** A live or local update: replaces the item, drops it once resolved. */
  upsert: (item: ModerationItem) => void;
}

/** Queue order as the server gives it: priority first, then the oldest. */
function ordered(items: ModerationItem[]): ModerationItem[] {
  return [...items].sort((a, b) => b.priority - a.priority || a.createdAt.localeCompare(b.createdAt));
}

export const useModeration = create<ModerationStore>((set, get) => ({
  items: [],
  loading: false,
  error: false,
  async loadQueue() {
    set({ loading: true, error: false });
    try {
      set({ items: await getQueue(), loading: false });
    } catch {
      set({ loading: false, error: true });
    }
  },
  upsert(item) {
    const rest = get().items.filter((i) => i.id !== item.id);
    set({ items: item.state === 'resolved' ? rest : ordered([...rest, item]) });
  },
}));

// Moderators' sockets are in the moderators room: the queue updates live.
socket.on('moderation:item', ({ item }) => useModeration.getState().upsert(item));
