import type { SearchHit, SearchItem, SearchType } from '@commons/shared';
import { api } from '../api';

/* The one search box over everything a member may read (server/src/search). */

export interface SearchResults {
  results: SearchHit[];
  items: SearchItem[];
  nextCursor: string | null;
  terms: string[];
}

export type { SearchType } from '@commons/shared';

export function search(
  params: { q: string; type: SearchType; cursor?: string },
  signal?: AbortSignal,
): Promise<SearchResults> {
  const query = new URLSearchParams({ q: params.q, type: params.type });
  if (params.cursor !== undefined) query.set('cursor', params.cursor);
  return api.get<SearchResults>(`/api/search?${query.toString()}`, signal);
}
