import { useSyncExternalStore } from 'react';

/** Messages arriving within this window are read out as one announcement. */
const BATCH_MS = 1000;
/** A burst longer than this is cut to its latest messages so the announcement stays short. */
const MAX_MESSAGES = 5;

let pending: string[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
let current = '';
let version = 0;
const listeners = new Set<() => void>();

function publish(text: string): void {
  current = text;
  version += 1; // a repeat of the same text is still announced: the key of the node changes
  for (const listener of listeners) listener();
}

function flush(): void {
  timer = undefined;
  const messages = pending.slice(-MAX_MESSAGES);
  pending = [];
  if (messages.length > 0) publish(messages.join(' '));
}

/**
 * Reads `text` out politely to screen reader users. Messages that arrive within about a second
 * of each other (a burst of live updates) are joined into one announcement.
 * `text` must already be translated.
 */
export function announce(text: string): void {
  const trimmed = text.trim();
  if (!trimmed || pending.includes(trimmed)) return;
  pending.push(trimmed);
  timer ??= setTimeout(flush, BATCH_MS);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = (): number => version;

/** The polite live region; render it once, in the layout. */
export function LiveAnnouncer() {
  const v = useSyncExternalStore(subscribe, snapshot, snapshot);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      <p key={v}>{current}</p>
    </div>
  );
}
