import type { CalendarItem } from '@commons/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormatDate } from '../i18n/format';

/** Webinar, meeting or Action Lab, as a badge. */
export function TypeBadge({ item }: { item: Pick<CalendarItem, 'type' | 'kind'> }) {
  const { t } = useTranslation();
  const label = item.type === 'lab' ? t('events.types.lab') : t(`events.kinds.${item.kind ?? 'meeting'}`);
  return <span className="badge badge--muted">{label}</span>;
}

/** A date and time in the member's language and time zone. */
export function When({ iso }: { iso: string }) {
  const format = useFormatDate();
  return <time dateTime={iso}>{format(iso, { dateStyle: 'full', timeStyle: 'short' })}</time>;
}

/** One row of the calendar: an event or a lab, linking to its own page. */
export function CalendarRow({ item, headingLevel = 3 }: { item: CalendarItem; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const where = [item.online ? t('events.online') : null, item.place].filter(Boolean).join(' · ');
  return (
    <li className="card">
      <Heading className="card__title">
        <Link to={item.path}>{item.title}</Link>
      </Heading>
      <p className="meta">
        <TypeBadge item={item} />{' '}
        {item.status === 'cancelled' && <span className="badge">{t('events.status.cancelled')}</span>}{' '}
        {item.status === 'live' && <span className="badge badge--unread">{t('labs.status.live')}</span>}{' '}
        <When iso={item.startsAt} />
      </p>
      <p className="meta">
        {where && <>{where} · </>}
        {item.capacity === null
          ? t('events.list.going', { count: item.goingCount })
          : t('events.list.seats', { count: item.goingCount, capacity: item.capacity })}
        {item.myRsvp && <> · {t(`events.rsvp.mine.${item.myRsvp}`)}</>}
      </p>
    </li>
  );
}
