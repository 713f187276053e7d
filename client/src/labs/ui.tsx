import type { Lab } from '@commons/shared';
import { useTranslation } from 'react-i18next';
import { useFormatDate } from '../i18n/format';

/** A lab's status as a badge (live labs stand out). */
export function StatusBadge({ lab }: { lab: Pick<Lab, 'status'> }) {
  const { t } = useTranslation();
  return (
    <span className={lab.status === 'live' ? 'badge badge--unread' : 'badge badge--muted'}>
      {t(`labs.status.${lab.status}`)}
    </span>
  );
}

/** A date and time in the member's language and time zone. */
export function When({ iso }: { iso: string }) {
  const format = useFormatDate();
  return <time dateTime={iso}>{format(iso, { dateStyle: 'full', timeStyle: 'short' })}</time>;
}
