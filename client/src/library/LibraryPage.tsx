import {
  resourceAudiences,
  resourceLanguages,
  resourceScopes,
  resourceSorts,
  resourceTopics,
  resourceTypes,
  type FacetCount,
  type ResourceAudience,
  type ResourceLanguage,
  type ResourceTopic,
  type ResourceType,
  type ResourceFacets,
} from '@commons/shared';
import type { TFunction } from 'i18next';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { useLoad } from '../ui/load';
import { Loading, Page } from '../ui/Page';
import { listResources, resourceQuery, type ResourceFilters } from './api';
import './library.css';
import { ResourceCard } from './ResourceCard';
import { useLibrary } from './store';

type Facet = keyof ResourceFacets;
const facetLists: Record<Facet, readonly string[]> = {
  topic: resourceTopics,
  audience: resourceAudiences,
  language: resourceLanguages,
  type: resourceTypes,
};
function facetLabel(t: TFunction, facet: Facet, value: string): string {
  if (facet === 'topic') return t(`hub.topics.${value as ResourceTopic}`);
  if (facet === 'audience') return t(`hub.audiences.${value as ResourceAudience}`);
  if (facet === 'language') return t(`hub.languages.${value as ResourceLanguage}`);
  return t(`hub.types.${value as ResourceType}`);
}

function oneOf(value: string | null, allowed: readonly string[], fallback: string): string {
  return value && allowed.includes(value) ? value : fallback;
}

function filtersFrom(params: URLSearchParams): ResourceFilters {
  const list = (facet: Facet) => (params.get(facet) ?? '').split(',').filter((v) => facetLists[facet].includes(v));
  return {
    q: params.get('q') ?? '',
    scope: oneOf(params.get('scope'), resourceScopes, 'library'),
    sort: oneOf(params.get('sort'), resourceSorts, 'newest'),
    topic: list('topic'),
    audience: list('audience'),
    language: list('language'),
    type: list('type'),
  };
}

function FacetGroup({ facet, counts, selected }: { facet: Facet; counts: FacetCount[]; selected: string[] }) {
  const { t } = useTranslation();
  const shown = counts.filter((c) => c.count > 0 || selected.includes(c.value));
  if (shown.length === 0) return null;
  return (
    <fieldset className="facet">
      <legend>{t(`hub.library.facet.${facet}`)}</legend>
      {shown.map((c) => {
        const id = `facet-${facet}-${c.value}`;
        return (
          <div key={c.value} className="checkbox">
            <input type="checkbox" id={id} name={facet} value={c.value} defaultChecked={selected.includes(c.value)} />
            <label htmlFor={id}>
              {t('hub.library.facetOption', { label: facetLabel(t, facet, c.value), count: c.count })}
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}

function Results({ filters }: { filters: ResourceFilters }) {
  const { t } = useTranslation();
  const key = resourceQuery(filters);
  const { resources, facets, total, nextCursor, setPage, appendPage } = useLibrary();
  const [loadingMore, setLoadingMore] = useState(false);
  const state = useLoad(key, async (signal) => {
    const page = await listResources(filters, undefined, signal);
    setPage(key, page);
    announce(t('hub.library.resultCount', { count: page.total }));
  });

  async function loadMore(): Promise<void> {
    if (!nextCursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await listResources(filters, nextCursor);
      appendPage(key, page.resources, page.nextCursor);
    } catch {
      announce(t('hub.library.loadFailed'));
    } finally {
      setLoadingMore(false);
    }
  }

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'failed')
    return (
      <p className="notice notice--error">{t(`errors.${state.code}`, { defaultValue: t('hub.library.loadFailed') })}</p>
    );
  return (
    <div className="library">
      {facets && <FacetFilters key={key} facets={facets} filters={filters} />}
      <section aria-labelledby="results-heading" className="library__results">
        <h2 id="results-heading">{t('hub.library.resultCount', { count: total })}</h2>
        {resources.length === 0 ? (
          <p className="empty">{t('hub.library.empty')}</p>
        ) : (
          <ul className="cards">
            {resources.map((r) => (
              <ResourceCard key={r.id} resource={r} />
            ))}
          </ul>
        )}
        {nextCursor && (
          <p>
            <button
              type="button"
              className="button button--secondary"
              aria-disabled={loadingMore}
              onClick={() => void loadMore()}
            >
              {t('hub.library.loadMore')}
            </button>
          </p>
        )}
      </section>
    </div>
  );
}

function FacetFilters({ facets, filters }: { facets: ResourceFacets; filters: ResourceFilters }) {
  const { t } = useTranslation();
  const [, setParams] = useSearchParams();
  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next: ResourceFilters = { ...filters };
    for (const facet of Object.keys(facetLists) as Facet[]) next[facet] = data.getAll(facet).map(String);
    next.sort = String(data.get('sort') ?? 'newest');
    setParams(new URLSearchParams(resourceQuery(next)));
  }
  const hasFilters = (Object.keys(facetLists) as Facet[]).some((f) => filters[f].length > 0);
  return (
    <form className="library__filters" onSubmit={onSubmit} aria-label={t('hub.library.filters')}>
      <div className="field">
        <label htmlFor="sort">{t('hub.library.sortLabel')}</label>
        <select id="sort" name="sort" defaultValue={filters.sort}>
          {resourceSorts.map((s) => (
            <option key={s} value={s}>
              {t(`hub.library.sorts.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {(Object.keys(facetLists) as Facet[]).map((facet) => (
        <FacetGroup key={facet} facet={facet} counts={facets[facet]} selected={filters[facet]} />
      ))}
      <p className="actions">
        <button type="submit" className="button">
          {t('hub.library.applyFilters')}
        </button>
        {hasFilters && (
          <Link
            className="button button--secondary"
            to={`/library?${resourceQuery({ ...filters, topic: [], audience: [], language: [], type: [] })}`}
          >
            {t('hub.library.clearFilters')}
          </Link>
        )}
      </p>
    </form>
  );
}

/** /library — search, filter and sort the resource library; my saved resources, my submissions, the review queue. */
export function LibraryPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const role = useAuth((s) => s.user?.role);
  const isModerator = role === 'moderator' || role === 'admin';
  // A visitor of the public face has the library only (saved, mine and the queue need an account).
  const scopes = role ? resourceScopes.filter((s) => s !== 'review' || isModerator) : ['library' as const];

  function onSearch(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    setParams(new URLSearchParams(resourceQuery({ ...filters, q })));
  }

  return (
    <Page title={t('hub.library.title')}>
      <p className="lead">{t('hub.library.intro')}</p>
      <p className="actions">
        <Link to="/library/new" className="button">
          {t('hub.library.submit')}
        </Link>
        {role === 'admin' && (
          <Link to="/library/import" className="button button--secondary">
            {t('hub.library.import')}
          </Link>
        )}
      </p>
      <nav aria-label={t('hub.library.scopes.label')}>
        <ul className="tab-links">
          {scopes.map((scope) => (
            <li key={scope}>
              <Link
                to={`/library?${resourceQuery({ ...filters, scope })}`}
                aria-current={filters.scope === scope ? 'page' : undefined}
              >
                {t(`hub.library.scopes.${scope}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <form role="search" className="search-form" onSubmit={onSearch} key={filters.q}>
        <label htmlFor="library-q">{t('hub.library.searchLabel')}</label>
        <div className="search-form__row">
          <input id="library-q" name="q" type="search" defaultValue={filters.q} maxLength={200} />
          <button type="submit" className="button">
            {t('hub.library.searchButton')}
          </button>
        </div>
      </form>
      <Results filters={filters} />
    </Page>
  );
}
