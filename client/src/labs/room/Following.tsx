import type { LabState } from '@commons/shared';
import { useTranslation } from 'react-i18next';

/** Shown to a member who follows the room without taking part (waitlisted, or no seat in a full lab). */
export function Following({ state }: { state: LabState }) {
  const { t } = useTranslation();
  if (state.takingPart) return null;
  const position = state.lab.myWaitlistPosition;
  return (
    <p className="notice" role="note">
      {position ? t('labs.room.followingWaitlisted', { position }) : t('labs.room.followingNoSeat')}
    </p>
  );
}
