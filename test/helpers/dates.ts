// Dates for test requests, relative to now: one helper instead of hand-written day arithmetic per test.
import { DAY_MS } from '../../domain/calendar';

/** The UTC calendar date (YYYY-MM-DD) `days` from now (negative: ago). */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
}

/** Open around the clock, every day (hours never delay a test). */
export const allDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));
