import type { SearchItem, SearchType } from '@commons/shared';
import type { DirectoryService } from '../directory/service.js';
import type { EventService } from '../events/service.js';
import type { EventActor } from '../events/policy.js';
import type { Actor } from '../members/actor.js';
import type { LibraryService } from '../library/service.js';
import type { StoryService } from '../stories/service.js';

/**
 * The hub's kinds of content, each searched through its own domain's service, so each domain's
 * read rule decides what a member finds (approved resources, events they may see, members to
 * signed-in readers): the search domain reads none of their collections.
 */
export interface HubSearchDeps {
  library: Pick<LibraryService, 'list'>;
  stories: Pick<StoryService, 'list'>;
  events: Pick<EventService, 'search'>;
  directory: Pick<DirectoryService, 'list'>;
}

export type SearchActor = Actor & EventActor;
export type HubType = 'resources' | 'stories' | 'events' | 'members';
export const hubTypes: readonly HubType[] = ['resources', 'stories', 'events', 'members'];

const clip = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export async function searchHub(
  deps: HubSearchDeps,
  actor: SearchActor,
  q: string,
  types: readonly HubType[],
  limit: number,
): Promise<SearchItem[]> {
  const wanted = new Set<SearchType>(types);
  const [resources, stories, events, members] = await Promise.all([
    wanted.has('resources') ? deps.library.list(actor, { q, scope: 'library', sort: 'newest', limit }) : null,
    wanted.has('stories') ? deps.stories.list(actor, { q, limit }) : null,
    wanted.has('events') ? deps.events.search(actor, q, limit) : null,
    wanted.has('members') ? deps.directory.list(actor, { q, limit }) : null,
  ]);
  const items: SearchItem[] = [];
  for (const r of resources?.resources ?? [])
    items.push({
      type: 'resource',
      id: r.id,
      title: r.title,
      path: `/library/${r.id}`,
      detail: clip(r.summary),
      at: r.createdAt,
    });
  for (const s of stories?.stories ?? [])
    items.push({
      type: 'story',
      id: s.id,
      title: s.title,
      path: `/stories/${s.id}`,
      detail: clip(s.excerpt),
      at: s.createdAt,
    });
  for (const e of events ?? [])
    items.push({
      type: 'event',
      id: e.id,
      title: e.title,
      path: `/events/${e.id}`,
      detail: clip(e.place ?? ''),
      at: e.startsAt,
    });
  for (const m of members?.members ?? [])
    items.push({
      type: 'member',
      id: m.id,
      title: m.displayName,
      path: `/members/${m.id}`,
      detail: [m.organisation, m.community].filter(Boolean).join(' · '),
      at: null,
    });
  return items;
}
