import { postPath, searchTypes, type SearchHit, type SearchItem } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextField } from '../ui/fields';
import { fromFieldMessages, noErrors, type FormErrors } from '../ui/form';
import { ListBody } from '../ui/ListBody';
import { Page } from '../ui/Page';
import { AuthorLink, Time } from '../forums/ui';
import { useCursorList } from '../ui/load';
import { search, type SearchType } from './api';

function isSearchType(value: string | null): value is SearchType {
  return (searchTypes as readonly string[]).includes(value ?? '');
}

function Hit({ hit }: { hit: SearchHit }) {
  const { t } = useTranslation();
  return (
    <li className="card">
      <h3 className="card__title">
        <Link to={postPath(hit.threadId, hit.seq)}>
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

/** A resource, story, event or member: its kind, its page, and a line about it. */
function Item({ item }: { item: SearchItem }) {
  const { t } = useTranslation();
  return (
    <li className="card">
      <h3 className="card__title">
        <Link to={item.path}>{item.title}</Link>
      </h3>
      <p className="meta">
        <span className="badge badge--muted">{t(`forums.search.kinds.${item.type}`)}</span>
        {item.at && (
          <>
            {' '}
            · <Time iso={item.at} />
          </>
        )}
      </p>
      {item.detail && <p className="snippet">{item.detail}</p>}
    </li>
  );
}

type Row = { key: string; hit: SearchHit; item?: undefined } | { key: string; item: SearchItem; hit?: undefined };

function Results({ q, type }: { q: string; type: SearchType }) {
  const { t } = useTranslation();
  const list = useCursorList(
    new URLSearchParams({ q, type }).toString(),
    async (query, signal) => {
      const page = await search({ q, type, cursor: new URLSearchParams(query).get('cursor') ?? undefined }, signal);
      // Other kinds (resources, stories, events, members) come with the first page only.
      const rows: Row[] = [
        ...page.results.map((hit) => ({ key: `${hit.type}:${hit.postId ?? hit.threadId}`, hit })),
        ...page.items.map((item) => ({ key: `${item.type}:${item.id}`, item })),
      ];
      return { items: rows, nextCursor: page.nextCursor };
    },
    {
      keyOf: (row) => row.key,
      onLoaded: (rows) => announce(t('forums.search.resultCount', { count: rows.length })),
    },
  );

  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">{t('forums.search.resultsFor', { q })}</h2>
      <ListBody list={list} empty={t('forums.search.noResults')} moreLabel={t('forums.search.moreResults')}>
        {list.items.map((row) =>
          row.hit ? <Hit key={row.key} hit={row.hit} /> : <Item key={row.key} item={row.item} />,
        )}
      </ListBody>
    </section>
  );
}

/**
 * /search?q=&type= — one search over everything the member may read (posts, threads, resources,
 * stories, events, members), narrowed by type; the address keeps the query so it can be shared.
 */
export function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const typeParam = params.get('type');
  const type: SearchType = isSearchType(typeParam) ? typeParam : 'all';
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
          onChange={(e) => setDraft((d) => ({ ...d, type: isSearchType(e.target.value) ? e.target.value : 'all' }))}
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
