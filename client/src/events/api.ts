import type { CalendarItem, EventCreateBody, EventPatchBody, HubEvent, RsvpChoice } from '@commons/shared';
import { api, request } from '../api';

const id = (value: string) => encodeURIComponent(value);

export const eventPath = (eventId: string) => `/events/${id(eventId)}`;
export const editEventPath = (eventId: string) => `/events/${id(eventId)}/edit`;
export const eventCalendarUrl = (eventId: string) => `/api/events/${id(eventId)}/calendar.ics`;

export async function fetchCalendar(
  query: { when: 'upcoming' | 'past'; type?: 'all' | 'event' | 'lab'; limit?: number },
  signal?: AbortSignal,
): Promise<CalendarItem[]> {
  const params = new URLSearchParams({ when: query.when, type: query.type ?? 'all', limit: String(query.limit ?? 50) });
  return (await api.get<{ items: CalendarItem[] }>(`/api/events?${params.toString()}`, signal)).items;
}

export async function fetchEvent(eventId: string, signal?: AbortSignal): Promise<HubEvent> {
  return (await api.get<{ event: HubEvent }>(`/api/events/${id(eventId)}`, signal)).event;
}

export async function createEvent(body: EventCreateBody): Promise<HubEvent> {
  return (await api.post<{ event: HubEvent }>('/api/events', body)).event;
}

export async function updateEvent(eventId: string, patch: EventPatchBody): Promise<HubEvent> {
  return (await api.patch<{ event: HubEvent }>(`/api/events/${id(eventId)}`, patch)).event;
}

export async function cancelEvent(eventId: string): Promise<HubEvent> {
  return (await api.post<{ event: HubEvent }>(`/api/events/${id(eventId)}/cancel`)).event;
}

export async function rsvpEvent(eventId: string, status: RsvpChoice): Promise<HubEvent> {
  return (await request<{ event: HubEvent }>('PUT', `/api/events/${id(eventId)}/rsvp`, { status })).event;
}
