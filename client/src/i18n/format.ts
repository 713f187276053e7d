import { formatInstant, zoneAbbreviation, type Instant } from '@commons/shared';
import { useCallback, useState } from 'react';
import { useAuth } from '../auth/store';
import { useLocale } from './index';

export { isoToZoned, zonedToIso } from '@commons/shared';

/** The device's time zone, else UTC. */
export function deviceTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zone every time is shown and read in: the member's (their profile's), else the device's. */
export function useTimeZone(): string {
  return useAuth((s) => s.user?.timeZone) ?? deviceTimeZone();
}

export type FormatDate = (iso: Instant, options?: Intl.DateTimeFormatOptions) => string;

/**
 * Formats dates in the active language and the member's time zone, with the zone's abbreviation
 * after any time of day (see shared/src/i18n/time.ts). Every page formats through this; a
 * `timeZone` in the options shows another zone (an event organiser's) the same way.
 */
export function useFormatDate(): FormatDate {
  const locale = useLocale();
  const timeZone = useTimeZone();
  return useCallback(
    (iso, options) => formatInstant(iso, locale, options?.timeZone ?? timeZone, options),
    [locale, timeZone],
  );
}

/** "Europe/Madrid (CET)": the member's zone and its abbreviation today, for form labels. */
export function useZoneLabel(): string {
  const locale = useLocale();
  const timeZone = useTimeZone();
  const [today] = useState(() => new Date());
  return `${timeZone.replaceAll('_', ' ')} (${zoneAbbreviation(today, locale, timeZone)})`;
}
