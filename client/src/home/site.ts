import type { PublicSite } from '@commons/shared';
import { create } from 'zustand';
import { api } from '../api';
import { applySiteDefaultLocale } from '../i18n';

interface SiteStore {
  /** Null until the server has answered (or when it could not: the public face is then treated as closed). */
  site: PublicSite | null;
  load(): Promise<void>;
}

let loading: Promise<void> | null = null;

/**
 * What the app needs to know before anyone signs in: whether visitors may read the public face,
 * who may join, and the language for those who chose none (applied here).
 */
export const useSite = create<SiteStore>((set) => ({
  site: null,
  load() {
    loading ??= api.get<{ site: PublicSite }>('/api/site').then(
      ({ site }) => {
        applySiteDefaultLocale(site.defaultLocale);
        set({ site });
      },
      // Unknown: closed to visitors; the sign-up form is shown and the server answers for itself.
      () => set({ site: { publicFace: false, registrationMode: 'open', defaultLocale: 'en' } }),
    );
    return loading;
  },
}));
