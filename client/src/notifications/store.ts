import type { Notification, NotificationNewEvent, NotificationReadEvent } from '@commons/shared';
import { create } from 'zustand';
import { socket, useConnection } from '../socket';
import { fetchNotifications, fetchUnreadCount, markRead } from './api';

interface NotificationStore {
  unreadCount: number;
  /** The first pages loaded by the notifications page (newest first); live pushes go on top. */
  items: Notification[];
  nextCursor: string | null;
  loaded: boolean;
  refreshCount(): Promise<void>;
  loadFirst(): Promise<void>;
  loadMore(): Promise<void>;
  markRead(ids: string[]): Promise<void>;
  markAllRead(): Promise<void>;
  reset(): void;
}

/** The member's notifications and unread count: one store for the header bell and the page. */
export const useNotifications = create<NotificationStore>((set, get) => ({
  unreadCount: 0,
  items: [],
  nextCursor: null,
  loaded: false,
  async refreshCount() {
    const { unreadCount } = await fetchUnreadCount();
    set({ unreadCount });
  },
  async loadFirst() {
    const page = await fetchNotifications();
    set({ items: page.notifications, nextCursor: page.nextCursor, unreadCount: page.unreadCount, loaded: true });
  },
  async loadMore() {
    const cursor = get().nextCursor;
    if (!cursor) return;
    const page = await fetchNotifications(cursor);
    const known = new Set(get().items.map((n) => n.id));
    set({
      items: [...get().items, ...page.notifications.filter((n) => !known.has(n.id))],
      nextCursor: page.nextCursor,
      unreadCount: page.unreadCount,
    });
  },
  async markRead(ids) {
    const { unreadCount } = await markRead({ ids });
    const marked = new Set(ids);
    set({ unreadCount, items: get().items.map((n) => (marked.has(n.id) ? { ...n, read: true } : n)) });
  },
  async markAllRead() {
    const { unreadCount } = await markRead({ all: true });
    set({ unreadCount, items: get().items.map((n) => ({ ...n, read: true })) });
  },
  reset() {
    set({ unreadCount: 0, items: [], nextCursor: null, loaded: false });
  },
}));

function onNew(e: NotificationNewEvent): void {
  const { items } = useNotifications.getState();
  useNotifications.setState({
    unreadCount: e.unreadCount,
    items: [e.notification, ...items.filter((n) => n.id !== e.notification.id)],
  });
}

/** Read in another tab or device: the same items and count here. */
function onRead(e: NotificationReadEvent): void {
  const { items } = useNotifications.getState();
  const marked = e.ids === 'all' ? null : new Set(e.ids);
  useNotifications.setState({
    unreadCount: e.unreadCount,
    items: items.map((n) => (!marked || marked.has(n.id) ? { ...n, read: true } : n)),
  });
}

socket.on('notification:new', onNew);
socket.on('notification:read', onRead);
// After a (re)connect, or when the server may have missed live events for us (the connection's
// `syncs` moves for both), the count may have moved.
useConnection.subscribe((now, before) => {
  if (now.syncs === before.syncs) return;
  void useNotifications
    .getState()
    .refreshCount()
    .catch(() => undefined);
});
