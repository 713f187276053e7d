import type { SearchHit, SearchItem, SearchQuery } from '@commons/shared';
import { forumSearch } from '../forums/search.js';
import { hubTypes, searchHub, type HubType, type HubSearchDeps, type SearchActor } from './everything.js';
import { parseQuery } from './terms.js';

/*
 * One search box over every kind of content, each searched by its owner (the forums' threads and
 * posts in forums/search.ts, the hub's kinds through their services: everything.ts), so each
 * domain's read rule decides what a member finds; this domain reads no collection.
 */

/** How many of each kind the "everything" search shows before the member narrows it by type. */
export const ALL_TYPES_LIMIT = 5;

export function createSearchService(deps: HubSearchDeps) {
  const forums = forumSearch();
  return {
    /**
     * One search box: `all` gives the first posts, threads and matches of every hub kind; one
     * type pages through that kind (forums here, the hub through its domains' services).
     */
    async search(
      actor: SearchActor,
      query: SearchQuery,
    ): Promise<{ results: SearchHit[]; items: SearchItem[]; nextCursor: string | null; terms: string[] }> {
      const terms = parseQuery(query.q).display;
      if (query.type === 'all') {
        const [posts, threads, items] = await Promise.all([
          forums.search(actor, { ...query, type: 'posts', limit: query.limit }),
          forums.search(actor, { ...query, type: 'threads', limit: ALL_TYPES_LIMIT }),
          searchHub(deps, actor, query.q, hubTypes, ALL_TYPES_LIMIT),
        ]);
        return { results: [...threads.results, ...posts.results], items, nextCursor: null, terms };
      }
      if (query.type === 'threads' || query.type === 'posts')
        return { ...(await forums.search(actor, query)), items: [] };
      const items = await searchHub(deps, actor, query.q, [query.type as HubType], query.limit);
      return { results: [], items, nextCursor: null, terms };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
