import type { BadgesResponse, Member, ProfilePatch, Self } from '@commons/shared';
import { api, postFile, request } from '../api';

export async function fetchMember(id: string, signal?: AbortSignal): Promise<Member> {
  return (await api.get<{ member: Member }>(`/api/members/${encodeURIComponent(id)}`, signal)).member;
}

export async function updateMe(patch: ProfilePatch): Promise<Self> {
  return (await api.patch<{ user: Self }>('/api/members/me', patch)).user;
}

/** Sends the member's new picture (multipart); the server checks, crops and resizes it. */
export async function uploadAvatar(file: File): Promise<Self> {
  return (await postFile<{ user: Self }>('/api/members/me/avatar', file)).user;
}

export async function removeAvatar(): Promise<Self> {
  return (await request<{ user: Self }>('DELETE', '/api/members/me/avatar')).user;
}

export async function fetchBadges(ids: string[], signal?: AbortSignal): Promise<BadgesResponse['members']> {
  return (await api.get<BadgesResponse>(`/api/members/badges?ids=${ids.join(',')}`, signal)).members;
}
