import type {
  DirectoryResponse,
  FollowState,
  HubHomeResponse,
  MemberActivityResponse,
  Resource,
  ResourceCreateBody,
  ResourceImportResponse,
  ResourceListResponse,
  ResourcePatchBody,
  Upload,
} from '@commons/shared';
import { api, postFile, request } from '../api';

export interface ResourceFilters {
  q: string;
  scope: string;
  sort: string;
  topic: string[];
  audience: string[];
  language: string[];
  type: string[];
}

/** The query string of a resource list (the same one the page keeps in its address). */
export function resourceQuery(f: ResourceFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (f.q) params.set('q', f.q);
  if (f.scope !== 'library') params.set('scope', f.scope);
  if (f.sort !== 'newest') params.set('sort', f.sort);
  for (const facet of ['topic', 'audience', 'language', 'type'] as const) {
    if (f[facet].length) params.set(facet, f[facet].join(','));
  }
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

export function listResources(f: ResourceFilters, cursor?: string, signal?: AbortSignal) {
  return api.get<ResourceListResponse>(`/api/resources?${resourceQuery(f, cursor)}`, signal);
}

export async function fetchResource(id: string, signal?: AbortSignal): Promise<Resource> {
  return (await api.get<{ resource: Resource }>(`/api/resources/${encodeURIComponent(id)}`, signal)).resource;
}

export async function submitResource(body: ResourceCreateBody): Promise<Resource> {
  return (await api.post<{ resource: Resource }>('/api/resources', body)).resource;
}

export async function updateResource(id: string, body: ResourcePatchBody): Promise<Resource> {
  return (await api.patch<{ resource: Resource }>(`/api/resources/${id}`, body)).resource;
}

export function deleteResource(id: string) {
  return request<void>('DELETE', `/api/resources/${id}`);
}

export async function reviewResource(id: string, decision: 'approve' | 'reject', note: string): Promise<Resource> {
  return (await api.post<{ resource: Resource }>(`/api/resources/${id}/review`, { decision, note })).resource;
}

export async function setMark(id: string, mark: 'save' | 'useful', on: boolean): Promise<Resource> {
  return (await request<{ resource: Resource }>(on ? 'PUT' : 'DELETE', `/api/resources/${id}/${mark}`)).resource;
}

export async function setFeatured(id: string, featured: boolean): Promise<Resource> {
  return (await api.patch<{ resource: Resource }>(`/api/resources/${id}/featured`, { featured })).resource;
}

export async function uploadFile(file: File): Promise<Upload> {
  return (await postFile<{ upload: Upload }>('/api/uploads', file)).upload;
}

export function importResources(file: File): Promise<ResourceImportResponse> {
  return postFile<ResourceImportResponse>('/api/resources/import', file);
}

export function fetchHubHome(signal?: AbortSignal) {
  return api.get<HubHomeResponse>('/api/hub/home', signal);
}

export function listMembers(query: string, signal?: AbortSignal) {
  return api.get<DirectoryResponse>(`/api/members?${query}`, signal);
}

export function fetchActivity(id: string, signal?: AbortSignal) {
  return api.get<MemberActivityResponse>(`/api/members/${encodeURIComponent(id)}/activity`, signal);
}

export async function setFollow(id: string, on: boolean): Promise<FollowState> {
  return (await request<{ follow: FollowState }>(on ? 'PUT' : 'DELETE', `/api/members/${id}/follow`)).follow;
}
