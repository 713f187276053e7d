import { useCallback } from 'react';
import { useAuth } from '../auth/store';
import { useLocale } from './index';

function safeFormatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(locale, options);
  } catch {
    // an unknown time zone: fall back to the device's
    const { timeZone: _ignored, ...rest } = options;
    return new Intl.DateTimeFormat(locale, rest);
  }
}

export function formatDate(
  iso: string,
  locale: string,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'long' },
): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return safeFormatter(locale, timeZone ? { ...options, timeZone } : options).format(date);
}

/** Formats dates in the active language and the signed-in member's time zone (else the device's). */
export function useFormatDate(): (iso: string, options?: Intl.DateTimeFormatOptions) => string {
  const locale = useLocale();
  const timeZone = useAuth((s) => s.user?.timeZone);
  return useCallback((iso, options) => formatDate(iso, locale, timeZone, options), [locale, timeZone]);
}
