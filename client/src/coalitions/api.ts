import type { Coalition, CoalitionCreateBody, CoalitionDetailResponse } from '@commons/shared';
import { api, request } from '../api';

export function listCoalitions(query: string, signal?: AbortSignal) {
  return api.get<{ coalitions: Coalition[]; nextCursor: string | null }>(`/api/coalitions?${query}`, signal);
}

export function fetchCoalition(id: string, signal?: AbortSignal) {
  return api.get<CoalitionDetailResponse>(`/api/coalitions/${encodeURIComponent(id)}`, signal);
}

export function createCoalition(body: CoalitionCreateBody) {
  return api.post<CoalitionDetailResponse>('/api/coalitions', body);
}

export function joinCoalition(id: string) {
  return api.post<CoalitionDetailResponse>(`/api/coalitions/${id}/membership`);
}

export function leaveCoalition(id: string) {
  return request<CoalitionDetailResponse>('DELETE', `/api/coalitions/${id}/membership`);
}

export function decideRequest(id: string, memberId: string, decision: 'approve' | 'decline') {
  return api.post<CoalitionDetailResponse>(`/api/coalitions/${id}/requests/${memberId}`, { decision });
}
