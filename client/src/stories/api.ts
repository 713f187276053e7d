import type { Story, StoryCreateBody, StoryPatchBody, StorySummary } from '@commons/shared';
import { api, request } from '../api';

export function listStories(query: string, signal?: AbortSignal) {
  return api.get<{ stories: StorySummary[]; nextCursor: string | null }>(`/api/stories?${query}`, signal);
}

export async function fetchStory(id: string, signal?: AbortSignal): Promise<Story> {
  return (await api.get<{ story: Story }>(`/api/stories/${encodeURIComponent(id)}`, signal)).story;
}

export async function publishStory(body: StoryCreateBody): Promise<Story> {
  return (await api.post<{ story: Story }>('/api/stories', body)).story;
}

export async function updateStory(id: string, body: StoryPatchBody): Promise<Story> {
  return (await api.patch<{ story: Story }>(`/api/stories/${id}`, body)).story;
}

export function deleteStory(id: string) {
  return request<void>('DELETE', `/api/stories/${id}`);
}

export async function setStoryFeatured(id: string, featured: boolean): Promise<Story> {
  return (await api.patch<{ story: Story }>(`/api/stories/${id}/featured`, { featured })).story;
}
