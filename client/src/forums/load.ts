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

/**
 * A cursor-paginated list for `query` (URL search parameters): the first page loads whenever the
 * query changes, `loadMore` appends the next one. `fetchPage` returns the items and the next cursor.
 */
export function useCursorList<T>(
  query: string,
  fetchPage: (query: string, signal?: AbortSignal) => Promise<{ items: T[]; nextCursor: string | null }>,
  onLoaded?: () => void,
): { items: T[]; state: LoadState; hasMore: boolean; loadMore: () => Promise<void> } {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const state = useLoad(query, async (signal) => {
    const page = await fetchPage(query, signal);
    setItems(page.items);
    setCursor(page.nextCursor);
    onLoaded?.();
  });
  async function loadMore(): Promise<void> {
    if (!cursor) return;
    const next = new URLSearchParams(query);
    next.set('cursor', cursor);
    const page = await fetchPage(next.toString());
    setItems((list) => [...list, ...page.items]);
    setCursor(page.nextCursor);
  }
  return { items, state, hasMore: cursor !== null, loadMore };
}
