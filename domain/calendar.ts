// Durations and calendar dates (YYYY-MM-DD, no zone): the one place they are written down. Pure.
import { DateTime } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Midnight UTC of a YYYY-MM-DD date; an invalid DateTime for anything else. */
function utcDay(isoDate: string): DateTime {
  return /^\d{4}-\d{2}-\d{2}$/.test(isoDate) ? DateTime.fromISO(isoDate, { zone: 'utc' }) : DateTime.invalid('not YYYY-MM-DD');
}

/** The calendar date `days` after (or before, when negative) an ISO date. */
export function addIsoDays(isoDate: string, days: number): string {
  const d = utcDay(isoDate);
  if (!d.isValid) throw new RangeError(`"${isoDate}" is not a calendar date YYYY-MM-DD`);
  return d.plus({ days }).toISODate()!;
}

/** Whole days from `earlier` to `later` (negative when `later` comes first); NaN when either is not a date. */
export function isoDaysBetween(later: string, earlier: string): number {
  return Math.round(utcDay(later).diff(utcDay(earlier), 'days').days);
}

/** The UTC calendar date of an instant (epoch ms). */
export function isoDateOf(atMs: number): string {
  return new Date(atMs).toISOString().slice(0, 10);
}

/** An instant (epoch ms) as an ISO timestamp; undefined stays undefined. */
export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
