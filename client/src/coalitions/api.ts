import type {
  Category,
  Coalition,
  CoalitionCreateBody,
  CoalitionDetailResponse,
  CoalitionPatchBody,
  Lab,
} from '@commons/shared';
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

export function updateCoalition(id: string, body: CoalitionPatchBody) {
  return api.patch<CoalitionDetailResponse>(`/api/coalitions/${id}`, body);
}

export function deleteCoalition(id: string) {
  return request<void>('DELETE', `/api/coalitions/${id}`);
}

/** The coalition's own forum categories (404 when it is private and I am not in it). */
export async function fetchCoalitionCategories(id: string, signal?: AbortSignal): Promise<Category[]> {
  return (await api.get<{ categories: Category[] }>(`/api/categories?coalitionId=${id}`, signal)).categories;
}

export async function createCoalitionCategory(id: string, name: string, description: string): Promise<Category> {
  return (await api.post<{ category: Category }>('/api/categories', { name, description, coalitionId: id })).category;
}

export async function fetchCoalitionLabs(id: string, signal?: AbortSignal): Promise<Lab[]> {
  return (await api.get<{ labs: Lab[] }>(`/api/labs?coalitionId=${id}`, signal)).labs;
}
