/**
 * The evening at which digest tests run their schedule: 23:30 UTC, when every member in UTC with
 * send hour 8 is due for that day's digest.
 *
 * It is always at least two hours ahead of the real clock. A fixed "today at 23:30" fell behind
 * the clock late in the UTC day, so "seen an hour before the digest" came after posts the test had
 * just made, and a run across midnight asked for two different days.
 */
const HOUR = 3_600_000;

function eveningAhead(now = Date.now()): Date {
  const day = new Date(now);
  const evening = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 23, 30);
  return new Date(evening - now >= 2 * HOUR ? evening : evening + 24 * HOUR);
}

export const digestEvening: Date = eveningAhead();
