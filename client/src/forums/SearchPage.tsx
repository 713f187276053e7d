import { searchTypes, type SearchHit } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextField } from '../ui/fields';
import { fromFieldMessages, noErrors, type FormErrors } from '../ui/form';
import { Loading, Page } from '../ui/Page';
import { search, type SearchType } from './api';
import { useLoad } from './load';
import { AuthorLink, threadPath, Time } from './ui';

function isSearchType(value: string | null): value is SearchType {
  return (searchTypes as readonly string[]).includes(value ?? '');
}

function Hit({ hit }: { hit: SearchHit }) {
  const { t } = useTranslation();
  return (
    <li className="card">
      <h3 className="card__title">
        <Link to={threadPath(hit.threadId, hit.seq)}>
          {/* titleHtml and snippetHtml are escaped by the server, which adds only <mark> around matches: trusted server output. */}
          <span dangerouslySetInnerHTML={{ __html: hit.titleHtml }} />
        </Link>
      </h3>
      <p className="meta">
        {hit.type === 'post' ? t('forums.search.postBy') : t('forums.search.threadBy')}{' '}
        <AuthorLink member={hit.author} /> · <Time iso={hit.createdAt} />
      </p>
      {hit.snippetHtml && <p className="snippet" dangerouslySetInnerHTML={{ __html: hit.snippetHtml }} />}
    </li>
  );
}

function Results({ q, type }: { q: string; type: SearchType }) {
  const { t } = useTranslation();
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const state = useLoad(`${type}:${q}`, async (signal) => {
    const page = await search({ q, type }, signal);
    setHits(page.results);
    setCursor(page.nextCursor);
    announce(t('forums.search.resultCount', { count: page.results.length }));
  });

  async function loadMore(): Promise<void> {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await search({ q, type, cursor });
      setHits((list) => [...list, ...page.results]);
      setCursor(page.nextCursor);
      announce(t('forums.common.loadedMore', { count: page.results.length }));
    } catch {
      setMoreError(t('forums.common.loadMoreFailed'));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">{t('forums.search.resultsFor', { q })}</h2>
      {state.status === 'loading' && <Loading />}
      {state.status === 'failed' && <p className="notice notice--error">{t(`errors.${state.code}`)}</p>}
      {state.status === 'loaded' && hits.length === 0 && <p className="empty">{t('forums.search.noResults')}</p>}
      {state.status === 'loaded' && hits.length > 0 && (
        <ul className="cards">
          {hits.map((hit) => (
            <Hit key={`${hit.type}:${hit.postId ?? hit.threadId}`} hit={hit} />
          ))}
        </ul>
      )}
      {moreError && <p className="notice notice--error">{moreError}</p>}
      {state.status === 'loaded' && cursor && (
        <p>
          <button
            type="button"
            className="button button--secondary"
            aria-disabled={loadingMore}
            onClick={() => void loadMore()}
          >
            {loadingMore ? t('common.loading') : t('forums.search.moreResults')}
          </button>
        </p>
      )}
    </section>
  );
}

/** /search?q=&type= — search threads or posts; the address keeps the query so results can be shared. */
export function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const typeParam = params.get('type');
  const type: SearchType = isSearchType(typeParam) ? typeParam : 'threads';
  const [draft, setDraft] = useState({ q, type });
  // Back and forward change the address: the form follows it.
  const [shown, setShown] = useState({ q, type });
  if (shown.q !== q || shown.type !== type) {
    setShown({ q, type });
    setDraft({ q, type });
  }
  const [errors, setErrors] = useState<FormErrors>(noErrors);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const text = draft.q.trim();
    if (!text || text.length > 200) {
      setErrors(fromFieldMessages({ q: t('forums.search.queryInvalid') }));
      return;
    }
    setErrors(noErrors);
    setParams({ q: text, type: draft.type });
  }

  return (
    <Page title={t('forums.search.title')}>
      <ErrorSummary items={errors.summary} />
      <form className="form search-form" role="search" noValidate onSubmit={onSubmit}>
        <TextField
          id="q"
          type="search"
          label={t('forums.search.query')}
          error={errors.fields.q}
          value={draft.q}
          onChange={(e) => setDraft((d) => ({ ...d, q: e.target.value }))}
          maxLength={200}
        />
        <SelectField
          id="type"
          label={t('forums.search.type')}
          value={draft.type}
          onChange={(e) => setDraft((d) => ({ ...d, type: isSearchType(e.target.value) ? e.target.value : 'threads' }))}
        >
          {searchTypes.map((kind) => (
            <option key={kind} value={kind}>
              {t(`forums.search.types.${kind}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button">
          {t('forums.search.submit')}
        </button>
      </form>
      {q && <Results q={q} type={type} />}
    </Page>
  );
}
