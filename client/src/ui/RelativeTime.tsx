import { formatRelative } from '@commons/shared';
import { useSyncExternalStore } from 'react';
import { useFormatDate } from '../i18n/format';
import { useLocale } from '../i18n';

/** One clock for every relative time on the page, ticking once a minute. */
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) now = Date.now(); // the clock was stopped while nothing showed a time
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 60_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const snapshot = (): number => now;

/**
 * "5 min ago", with the exact date, time and zone ("Dec 6, 2026, 1:25 PM EST") on hover and in
 * the title that assistive technology can read.
 */
export function RelativeTime({ iso }: { iso: string }) {
  const locale = useLocale();
  const formatDate = useFormatDate();
  const current = useSyncExternalStore(subscribe, snapshot, snapshot);
  const exact = formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <time className="reltime" dateTime={iso} title={exact}>
      {formatRelative(iso, locale, current)}
    </time>
  );
}
