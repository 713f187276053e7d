import type { CalendarItem } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useLoad } from '../forums/load';
import { fetchCalendar } from './api';
import { TypeBadge, When } from './ui';

/** The home page's panel: the next few webinars and meetings. */
export function UpcomingEvents({ headingId }: { headingId: string }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<CalendarItem[]>([]);
  const state = useLoad('home', async (signal) =>
    setItems(await fetchCalendar({ when: 'upcoming', type: 'event', limit: 5 }, signal)),
  );
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('events.home.title')}</h2>
      {state.status === 'loaded' && items.length === 0 && <p className="empty">{t('events.home.empty')}</p>}
      {state.status === 'failed' && <p className="notice notice--error">{t(`errors.${state.code}`)}</p>}
      {items.length > 0 && (
        <ul className="recent-list">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={item.path}>{item.title}</Link>{' '}
              <span className="meta">
                <TypeBadge item={item} /> <When iso={item.startsAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/events">{t('events.home.all')}</Link>
      </p>
    </section>
  );
}
