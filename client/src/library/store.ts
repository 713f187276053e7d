import type { Resource, ResourceFacets } from '@commons/shared';
import { create } from 'zustand';

/** The resource list on screen, keyed by its query so a stale answer never replaces a newer one. */
interface LibraryStore {
  key: string | null;
  resources: Resource[];
  facets: ResourceFacets | null;
  total: number;
  nextCursor: string | null;
  setPage: (
    key: string,
    page: { resources: Resource[]; facets: ResourceFacets; total: number; nextCursor: string | null },
  ) => void;
  appendPage: (key: string, resources: Resource[], nextCursor: string | null) => void;
  /** A resource changed (saved, marked useful, reviewed): update it wherever it shows. */
  updateResource: (resource: Resource) => void;
}

export const useLibrary = create<LibraryStore>((set) => ({
  key: null,
  resources: [],
  facets: null,
  total: 0,
  nextCursor: null,
  setPage: (key, page) => set({ key, ...page }),
  appendPage: (key, resources, nextCursor) =>
    set((s) => (s.key === key ? { resources: [...s.resources, ...resources], nextCursor } : s)),
  updateResource: (resource) =>
    set((s) => ({ resources: s.resources.map((r) => (r.id === resource.id ? resource : r)) })),
}));
