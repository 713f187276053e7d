import type { MarkReadBody, Notification, NotificationPreferences } from '@commons/shared';
import { api, request } from '../api';

export interface NotificationPage {
  notifications: Notification[];
  nextCursor: string | null;
  unreadCount: number;
}

export interface PreferencesView {
  preferences: NotificationPreferences;
  emailBounced: boolean;
  timeZone: string;
}

export function fetchNotifications(cursor?: string, signal?: AbortSignal): Promise<NotificationPage> {
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
  return api.get<NotificationPage>(`/api/notifications${query}`, signal);
}

export function fetchUnreadCount(signal?: AbortSignal): Promise<{ unreadCount: number }> {
  return api.get<{ unreadCount: number }>('/api/notifications/unread-count', signal);
}

export function markRead(body: MarkReadBody): Promise<{ unreadCount: number }> {
  return api.post<{ unreadCount: number }>('/api/notifications/read', body);
}

export function fetchPreferences(signal?: AbortSignal): Promise<PreferencesView> {
  return api.get<PreferencesView>('/api/members/me/preferences', signal);
}

export function savePreferences(preferences: NotificationPreferences): Promise<PreferencesView> {
  return request<PreferencesView>('PUT', '/api/members/me/preferences', preferences);
}

export function unsubscribe(token: string): Promise<{ digest: string }> {
  return api.post<{ digest: string }>('/api/notifications/unsubscribe', { token });
}
