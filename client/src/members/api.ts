import type { Member, ProfilePatch, Self } from '@commons/shared';
import { api } from '../api';

export async function fetchMember(id: string, signal?: AbortSignal): Promise<Member> {
  return (await api.get<{ member: Member }>(`/api/members/${encodeURIComponent(id)}`, signal)).member;
}

export async function updateMe(patch: ProfilePatch): Promise<Self> {
  return (await api.patch<{ user: Self }>('/api/members/me', patch)).user;
}
