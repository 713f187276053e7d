import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import type { CursorList } from './load';
import { Loading } from './Page';

/**
 * The body of a paginated list page, the same everywhere: loading, the error, the empty
 * message, the cards, and "load more" with its own busy state and error.
 */
export function ListBody<T>({
  list,
  empty,
  moreLabel,
  children,
}: {
  list: Pick<CursorList<T>, 'items' | 'state' | 'hasMore' | 'loadingMore' | 'moreFailed' | 'loadMore'>;
  /** Shown when the list loaded with nothing in it. */
  empty: string;
  moreLabel?: string;
  /** The list's items, each an <li>. */
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { state, items, hasMore, loadingMore, moreFailed, loadMore } = list;
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'failed') return <p className="notice notice--error">{t(`errors.${state.code}`)}</p>;
  return (
    <>
      {items.length === 0 ? <p className="empty">{empty}</p> : <ul className="cards">{children}</ul>}
      {moreFailed && (
        <p className="notice notice--error" role="alert">
          {t('forums.common.loadMoreFailed')}
        </p>
      )}
      {hasMore && (
        <p>
          <button
            type="button"
            className="button button--secondary"
            aria-disabled={loadingMore}
            onClick={() =>
              void loadMore().then((count) => {
                if (count > 0) announce(t('forums.common.loadedMore', { count }));
              })
            }
          >
            {loadingMore ? t('common.loading') : (moreLabel ?? t('forums.common.loadMore'))}
          </button>
        </p>
      )}
    </>
  );
}
