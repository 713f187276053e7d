import { createEvent } from 'ics';

export interface CalendarEntry {
  /** Stable across edits, e.g. `event-<id>@commons`: calendars update the entry they already hold. */
  uid: string;
  productId: string;
  startsAt: Date;
  endsAt: Date;
  title: string;
  description: string;
  url: string;
  location?: string | null;
  cancelled: boolean;
  /** Grows with each edit (seconds of the last update), so calendars take the newer version. */
  updatedAt: Date;
}

/**
 * One iCalendar (RFC 5545) VEVENT in UTC, as Action Labs serve them (`labs/service.ts` builds the
 * same fields with the `ics` package); events use this helper and labs can move to it.
 */
export function calendarFile(entry: CalendarEntry): string {
  const { error, value } = createEvent({
    uid: entry.uid,
    productId: entry.productId,
    start: entry.startsAt.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: entry.endsAt.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: entry.title,
    description: entry.description,
    url: entry.url,
    ...(entry.location ? { location: entry.location } : {}),
    status: entry.cancelled ? 'CANCELLED' : 'CONFIRMED',
    sequence: Math.floor(entry.updatedAt.getTime() / 1000),
  });
  if (error || !value) throw error ?? new Error('calendar file could not be built');
  return value;
}
