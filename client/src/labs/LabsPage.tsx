import type { Lab } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useLoad } from '../ui/load';
import { Loading, Page } from '../ui/Page';
import { fetchLabs, labPath } from './api';
import './labs.css';
import { StatusBadge, When } from './ui';

function LabItem({ lab }: { lab: Lab }) {
  const { t } = useTranslation();
  return (
    <li className="card">
      <h3 className="card__title">
        <Link to={labPath(lab.id)}>{lab.title}</Link> <StatusBadge lab={lab} />
      </h3>
      <p className="meta">
        <When iso={lab.startsAt} />
        {' · '}
        {lab.capacity === null
          ? t('labs.list.going', { count: lab.goingCount })
          : t('labs.list.seatsLeft', { count: lab.goingCount, capacity: lab.capacity })}
        {' · '}
        {t(`labs.visibility.${lab.visibility}`)}
      </p>
    </li>
  );
}

/** /labs — upcoming and past Action Labs the member can see. */
export function LabsPage() {
  const { t } = useTranslation();
  const [when, setWhen] = useState<'upcoming' | 'past'>('upcoming');
  const [labs, setLabs] = useState<Lab[]>([]);
  const state = useLoad(when, async (signal) => setLabs(await fetchLabs(when, signal)));

  return (
    <Page title={t('labs.list.title')}>
      <p className="lead">{t('labs.list.intro')}</p>
      <p>
        <Link className="button" to="/labs/new">
          {t('labs.list.schedule')}
        </Link>
      </p>
      <div className="tab-buttons" role="group" aria-label={t('labs.list.title')}>
        {(['upcoming', 'past'] as const).map((w) => (
          <button key={w} type="button" aria-pressed={when === w} onClick={() => setWhen(w)}>
            {t(`labs.list.${w}`)}
          </button>
        ))}
      </div>
      {state.status === 'loading' && <Loading />}
      {state.status === 'failed' && <p className="notice notice--error">{t(`errors.${state.code}`)}</p>}
      {state.status === 'loaded' &&
        (labs.length === 0 ? (
          <p className="empty">{t('labs.list.empty')}</p>
        ) : (
          <ul className="cards">
            {labs.map((lab) => (
              <LabItem key={lab.id} lab={lab} />
            ))}
          </ul>
        ))}
    </Page>
  );
}
