import type { Sanction } from '@commons/shared';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { api } from '../api';
import { useAuth } from '../auth/store';
import { useFormatDate } from '../i18n/format';
import { socket } from '../socket';

interface PublishingState {
  /** The silence in force for the signed-in member, null when none, undefined until known. */
  silence: Sanction | null | undefined;
  checkedAt: number;
  check(memberId: string, force?: boolean): Promise<void>;
}

const RECHECK_MS = 60_000;

/** Whether the signed-in member may publish now (the server decides again on every write). */
export const usePublishing = create<PublishingState>((set, get) => ({
  silence: undefined,
  checkedAt: 0,
  async check(memberId, force = false) {
    if (!force && Date.now() - get().checkedAt < RECHECK_MS) return;
    set({ checkedAt: Date.now() });
    try {
      const res = await api.get<{ sanctions: Sanction[] }>(`/api/moderation/members/${encodeURIComponent(memberId)}`);
      const silence = res.sanctions.find((s) => s.active && s.kind !== 'warn') ?? null;
      set({ silence });
      // Look again when it ends, so the form comes back by itself.
      const left = silence?.expiresAt ? Date.parse(silence.expiresAt) - Date.now() : null;
      if (left !== null && left < 24 * 3_600_000) setTimeout(() => void get().check(memberId, true), left + 1000);
    } catch {
      set({ silence: null }); // the write itself still answers member_silenced
    }
  },
}));

// A sanction decided while the page is open reaches the member's own room: look again at once.
socket.on('moderation:notice', () => {
  const me = useAuth.getState().user?.id;
  if (me) void usePublishing.getState().check(me, true);
});

/**
 * Wraps a composer: a silenced member is told before they type, with the date their silence ends,
 * instead of writing a whole reply to have it refused.
 */
export function PublishingGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const me = useAuth((s) => s.user?.id);
  const silence = usePublishing((s) => s.silence);
  useEffect(() => {
    if (me) void usePublishing.getState().check(me);
  }, [me]);
  if (!silence) return <>{children}</>;
  return (
    <p className="notice" role="status">
      {silence.expiresAt
        ? t('moderation.gate.silencedUntil', {
            date: formatDate(silence.expiresAt, { dateStyle: 'medium', timeStyle: 'short' }),
          })
        : t('moderation.gate.silenced')}
    </p>
  );
}
