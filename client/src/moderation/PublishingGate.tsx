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
/** The first retry after a failed look; each further failure doubles it, up to RECHECK_MS. */
const RETRY_MS = 5_000;
let failures = 0;
let retry: ReturnType<typeof setTimeout> | undefined;

/** Whether the signed-in member may publish now (the server decides again on every write). */
export const usePublishing = create<PublishingState>((set, get) => ({
  silence: undefined,
  checkedAt: 0,
  async check(memberId, force = false) {
    if (!force && Date.now() - get().checkedAt < RECHECK_MS) return;
    set({ checkedAt: Date.now() });
    try {
      const res = await api.get<{ sanctions: Sanction[] }>(`/api/moderation/members/${encodeURIComponent(memberId)}`);
      failures = 0;
      const silence = res.sanctions.find((s) => s.active && s.kind !== 'warn') ?? null;
      set({ silence });
      // Look again when it ends, so the form comes back by itself.
      const left = silence?.expiresAt ? Date.parse(silence.expiresAt) - Date.now() : null;
      if (left !== null && left < 24 * 3_600_000) setTimeout(() => void get().check(memberId, true), left + 1000);
    } catch {
      // Not known: the form shows (the write itself still answers member_silenced), and the
      // question is asked again shortly rather than in a minute.
      set({ silence: get().silence ?? null, checkedAt: 0 });
      failures += 1;
      clearTimeout(retry);
      retry = setTimeout(() => void get().check(memberId), Math.min(RECHECK_MS, RETRY_MS * 2 ** (failures - 1)));
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
