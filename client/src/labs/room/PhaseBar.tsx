import type { LabState } from '@commons/shared';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The current time, ticking every second (for countdowns). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function Countdown({ endsAt }: { endsAt: string | null }) {
  const { t } = useTranslation();
  const now = useNow();
  const left = endsAt ? Math.max(0, new Date(endsAt).getTime() - now) : 0;
  const mm = Math.floor(left / 60_000);
  const ss = String(Math.floor((left % 60_000) / 1000)).padStart(2, '0');
  // The countdown is not a live region: it would speak every second.
  return (
    <p className={left === 0 ? 'lab-phase__time lab-phase__time--over' : 'lab-phase__time'}>
      {left === 0 ? t('labs.room.overtime') : t('labs.room.timeLeft', { time: `${mm}:${ss}` })}
    </p>
  );
}

/**
 * The room's bar, kept in view: where the lab is (phase and time left), how many are here, and
 * `children` at the end of the row (the phone's hand button).
 */
export function PhaseBar({ state, children }: { state: LabState; children?: ReactNode }) {
  const { t } = useTranslation();
  const { phase, lab } = state;
  return (
    <div className="lab-phase">
      {phase.status === 'live' ? (
        <>
          <p className="lab-phase__title">
            {t('labs.room.phase', { n: phase.index + 1, total: lab.agenda.length, title: phase.title ?? '' })}
          </p>
          <Countdown endsAt={phase.endsAt} />
        </>
      ) : (
        <p className="lab-phase__title">
          {phase.status === 'scheduled' ? t('labs.room.notStarted') : t('labs.room.ended')}
        </p>
      )}
      <p className="lab-phase__people">{t('labs.room.participants', { count: state.participants.length })}</p>
      {children}
    </div>
  );
}
