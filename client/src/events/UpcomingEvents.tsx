import type { CalendarItem } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useLoad } from '../ui/load';
import { fetchCalendar } from './api';
import { TypeBadge, When } from './ui';

/** A home page panel: the next few webinars and meetings, or the next few Action Labs. */
export function UpcomingEvents({ headingId, type = 'event' }: { headingId: string; type?: 'event' | 'lab' }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<CalendarItem[]>([]);
  const state = useLoad(`home-${type}`, async (signal) =>
    setItems(await fetchCalendar({ when: 'upcoming', type, limit: 5 }, signal)),
  );
  const labs = type === 'lab';
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{labs ? t('home.upcomingLabs') : t('events.home.title')}</h2>
      {state.status === 'loaded' && items.length === 0 && (
        <p className="empty">{labs ? t('home.noLabs') : t('events.home.empty')}</p>
      )}
      {state.status === 'failed' && <p className="notice notice--error">{t(`errors.${state.code}`)}</p>}
      {items.length > 0 && (
        <ul className="recent-list">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={item.path}>{item.title}</Link>{' '}
              <span className="meta">
                {!labs && <TypeBadge item={item} />} <When iso={item.startsAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to={labs ? '/labs' : '/events'}>{labs ? t('labs.list.title') : t('events.home.all')}</Link>
      </p>
    </section>
  );
}
