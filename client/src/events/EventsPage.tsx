import type { CalendarItem } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useLoad } from '../ui/load';
import { Loading, Page } from '../ui/Page';
import { fetchCalendar } from './api';
import './events.css';
import { CalendarRow } from './ui';

/** /events — upcoming and past webinars, meetings and Action Labs, by start time. */
export function EventsPage() {
  const { t } = useTranslation();
  const [when, setWhen] = useState<'upcoming' | 'past'>('upcoming');
  const [items, setItems] = useState<CalendarItem[]>([]);
  const state = useLoad(when, async (signal) => setItems(await fetchCalendar({ when }, signal)));

  return (
    <Page title={t('events.list.title')}>
      <p className="lead">{t('events.list.intro')}</p>
      <p className="actions">
        <Link className="button" to="/events/new">
          {t('events.list.create')}
        </Link>
        <Link className="button button--secondary" to="/labs/new">
          {t('labs.list.schedule')}
        </Link>
      </p>
      <div className="tab-buttons" role="group" aria-label={t('events.list.show')}>
        {(['upcoming', 'past'] as const).map((w) => (
          <button key={w} type="button" aria-pressed={when === w} onClick={() => setWhen(w)}>
            {t(`events.list.${w}`)}
          </button>
        ))}
      </div>
      {state.status === 'loading' && <Loading />}
      {state.status === 'failed' && <p className="notice notice--error">{t(`errors.${state.code}`)}</p>}
      {state.status === 'loaded' &&
        (items.length === 0 ? (
          <p className="empty">{t(when === 'upcoming' ? 'events.list.emptyUpcoming' : 'events.list.emptyPast')}</p>
        ) : (
          <ul className="cards">
            {items.map((item) => (
              <CalendarRow key={`${item.type}-${item.id}`} item={item} headingLevel={2} />
            ))}
          </ul>
        ))}
    </Page>
  );
}
