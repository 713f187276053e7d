import { useEffect, useEffectEvent, useState } from 'react';
import { ApiError, type ClientErrorCode } from '../api';

export type LoadState = { status: 'loading' } | { status: 'loaded' } | { status: 'failed'; code: ClientErrorCode };

/**
 * Runs `load` whenever `key` changes (aborting the previous run) and reports its state.
 * `load` puts what it fetched where the page reads it (a store or local state).
 */
export function useLoad(key: string, load: (signal: AbortSignal) => Promise<void>): LoadState {
  const [result, setResult] = useState<{ key: string; state: LoadState } | null>(null);
  const run = useEffectEvent(load);
  useEffect(() => {
    const controller = new AbortController();
    run(controller.signal).then(
      () => {
        if (!controller.signal.aborted) setResult({ key, state: { status: 'loaded' } });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult({ key, state: { status: 'failed', code: error instanceof ApiError ? error.code : 'internal' } });
      },
    );
    return () => controller.abort();
  }, [key]);
  return result?.key === key ? result.state : { status: 'loading' };
}

export function isNotFound(code: ClientErrorCode): boolean {
  return code === 'not_found' || code === 'bad_request' || code === 'validation_failed';
}

/** What a cursor list offers its page: the items so far and the next page on demand. */
export interface CursorList<T> {
  items: T[];
  /** For a page that changes its own list (an item removed). */
  setItems: (update: (items: T[]) => T[]) => void;
  state: LoadState;
  hasMore: boolean;
  loadingMore: boolean;
  /** Set when the last "load more" failed (the list so far stays). */
  moreFailed: boolean;
  /** Appends the next page; resolves to how many items came (0 when it failed). */
  loadMore: () => Promise<number>;
}

/**
 * A cursor-paginated list for `query` (URL search parameters): the first page loads whenever the
 * query changes, `loadMore` appends the next one (once at a time; items already listed, by
 * `keyOf`, are not listed twice). `fetchPage` returns the items and the next cursor.
 */
export function useCursorList<T>(
  query: string,
  fetchPage: (query: string, signal?: AbortSignal) => Promise<{ items: T[]; nextCursor: string | null }>,
  options: { keyOf?: (item: T) => string; onLoaded?: (items: T[]) => void } = {},
): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreFailed, setMoreFailed] = useState(false);
  const state = useLoad(query, async (signal) => {
    const page = await fetchPage(query, signal);
    setItems(page.items);
    setCursor(page.nextCursor);
    setMoreFailed(false);
    options.onLoaded?.(page.items);
  });
  async function loadMore(): Promise<number> {
    if (!cursor || loadingMore) return 0;
    setLoadingMore(true);
    setMoreFailed(false);
    try {
      const next = new URLSearchParams(query);
      next.set('cursor', cursor);
      const page = await fetchPage(next.toString());
      const { keyOf } = options;
      setItems((list) => {
        if (!keyOf) return [...list, ...page.items];
        const listed = new Set(list.map(keyOf));
        return [...list, ...page.items.filter((item) => !listed.has(keyOf(item)))];
      });
      setCursor(page.nextCursor);
      return page.items.length;
    } catch {
      setMoreFailed(true);
      return 0;
    } finally {
      setLoadingMore(false);
    }
  }
  return { items, setItems, state, hasMore: cursor !== null, loadingMore, moreFailed, loadMore };
}
