import { type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCursorList } from '../ui/load';
import { TextField } from '../ui/fields';
import { ListBody } from '../ui/ListBody';
import { Page } from '../ui/Page';
import { listCoalitions } from './api';
import '../library/library.css';

/** /coalitions — find a coalition, or start one. */
export function CoalitionsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const query = new URLSearchParams();
  const q = params.get('q')?.trim();
  if (q) query.set('q', q);
  if (params.get('mine') === 'true') query.set('mine', 'true');
  const key = query.toString();
  const list = useCursorList(key, async (q, signal) => {
    const page = await listCoalitions(q, signal);
    return { items: page.coalitions, nextCursor: page.nextCursor };
  });

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const text = String(data.get('q') ?? '').trim();
    if (text) next.set('q', text);
    if (data.get('mine')) next.set('mine', 'true');
    setParams(next);
  }

  return (
    <Page title={t('hub.coalitions.title')}>
      <p className="lead">{t('hub.coalitions.intro')}</p>
      <p className="actions">
        <Link to="/coalitions/new" className="button">
          {t('hub.coalitions.create')}
        </Link>
      </p>
      <form className="form" role="search" onSubmit={onSubmit} key={key}>
        <TextField id="q" type="search" label={t('hub.coalitions.search')} defaultValue={q ?? ''} maxLength={100} />
        <div className="checkbox">
          <input type="checkbox" id="mine" name="mine" defaultChecked={query.get('mine') === 'true'} />
          <label htmlFor="mine">{t('hub.coalitions.mine')}</label>
        </div>
        <p className="actions">
          <button type="submit" className="button button--secondary">
            {t('hub.coalitions.searchButton')}
          </button>
        </p>
      </form>
      <ListBody list={list} empty={t('hub.coalitions.empty')} moreLabel={t('hub.coalitions.loadMore')}>
        {list.items.map((c) => (
          <li key={c.id} className="card">
            <h2 className="card__title">
              <Link to={`/coalitions/${c.id}`}>{c.name}</Link>
            </h2>
            <p className="meta">
              <span className="badge">{t(`hub.coalitions.policy.${c.joinPolicy}`)}</span>{' '}
              {t('hub.coalitions.members', { count: c.memberCount })}
              {c.community && <> · {c.community}</>}
            </p>
            {c.description && <p className="snippet">{c.description}</p>}
          </li>
        ))}
      </ListBody>
    </Page>
  );
}
