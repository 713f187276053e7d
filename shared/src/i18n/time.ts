/*
 * The one way the platform shows and reads times, for the client and for mails: in the reader's
 * language and time zone (their profile's), with the zone's abbreviation whenever a time of day
 * is shown ("4:37 PM EST"), and form inputs (`YYYY-MM-DDTHH:mm`, which carry no zone) read and
 * written in a named zone. Nothing else formats a date: grep for toLocale* / Intl.DateTimeFormat.
 */

export type Instant = Date | string | number;

function toDate(value: Instant): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Whether the zone is one the runtime knows (an IANA name such as America/New_York). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function safeZone(timeZone: string | undefined): string | undefined {
  return timeZone && isTimeZone(timeZone) ? timeZone : undefined;
}

function showsTime(options: Intl.DateTimeFormatOptions): boolean {
  return Boolean(options.timeStyle ?? options.hour ?? options.minute);
}

/** The zone as readers know it at that instant ("EST", "GMT+1"), in their language. */
export function zoneAbbreviation(value: Instant, locale: string, timeZone: string | undefined): string {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return '';
  const zone = safeZone(timeZone);
  const parts = new Intl.DateTimeFormat(locale, {
    hour: 'numeric',
    timeZoneName: 'short',
    ...(zone ? { timeZone: zone } : {}),
  }).formatToParts(date);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/**
 * An instant in `locale` and `timeZone` (an unknown zone falls back to the runtime's). When the
 * options show a time of day, the zone's abbreviation follows it.
 */
export function formatInstant(
  value: Instant,
  locale: string,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'long' },
): string {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const zone = safeZone(timeZone);
  const { timeZoneName: _shownSeparately, ...rest } = options;
  const text = new Intl.DateTimeFormat(locale, { ...rest, ...(zone ? { timeZone: zone } : {}) }).format(date);
  return showsTime(rest) ? `${text} ${zoneAbbreviation(date, locale, zone)}` : text;
}

function offsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** `YYYY-MM-DDTHH:mm` read as a wall-clock time in `timeZone` → an ISO instant, or null. */
export function zonedToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m || !isTimeZone(timeZone)) return null;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let utc = guess - offsetMs(guess, timeZone);
  utc = guess - offsetMs(utc, timeZone);
  return new Date(utc).toISOString();
}

/** An instant as `YYYY-MM-DDTHH:mm` on the wall clock of `timeZone`, for a datetime-local input. */
export function isoToZoned(value: Instant, timeZone: string): string {
  const utc = toDate(value).getTime();
  const shift = isTimeZone(timeZone) ? offsetMs(utc, timeZone) : 0;
  return new Date(utc + shift).toISOString().slice(0, 16);
}

const relativeSteps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/**
 * "5 minutes ago", "in 2 days", "now": how far `value` is from `now`, in `locale`, in the largest
 * whole unit. Shown beside lists and posts; the exact time (formatInstant) goes in its title.
 */
export function formatRelative(value: Instant, locale: string, now: number = Date.now()): string {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return String(value);
  let amount = (date.getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  if (Math.abs(amount) < 45) return format.format(0, 'second');
  for (const [unit, size] of relativeSteps) {
    if (Math.abs(amount) < size) return format.format(Math.round(amount), unit);
    amount /= size;
  }
  return format.format(Math.round(amount), 'year');
}
