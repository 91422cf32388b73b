// Opening hours in the hotel's own time zone: when a call may be placed, when a folio is due, SLA deadlines.
// Pure and deterministic because workflows call it: every "now" is an argument, nothing reads the clock.
import { DateTime, IANAZone } from 'luxon';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar';
import type { BusinessHours, Weekday } from './schemas';

export interface Schedule {
  timeZone: string;
  businessHours: BusinessHours;
  /** YYYY-MM-DD, hotel-local. No span starts on a closed date. */
  closedDates: string[];
}

/** A calendar date with no zone. Day arithmetic runs in UTC, where no DST shift can disturb it. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** How far nextOpenAt looks: a hotel closed for two weeks is misconfigured, not busy. */
export const LOOKAHEAD_DAYS = 14;
const DEFAULT_MIN_REMAINING_MINUTES = 15;
/** Index = ISO weekday % 7 (Sunday first). */
const WEEKDAY_KEYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function zone(timeZone: string): IANAZone {
  const z = IANAZone.create(timeZone);
  if (!z.isValid) throw new RangeError(`unknown time zone "${timeZone}"`);
  return z;
}

function requireInstant(name: string, ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a finite epoch-ms number, got ${ms}`);
}

function utcDay(d: LocalDate): DateTime {
  return DateTime.utc(d.year, d.month, d.day);
}

function dateOf(t: DateTime): LocalDate {
  return { year: t.year, month: t.month, day: t.day };
}

export function parseLocalDate(text: string): LocalDate {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone: 'utc' }) : undefined;
  if (!t?.isValid) throw new RangeError(`"${text}" is not a calendar date YYYY-MM-DD`);
  return dateOf(t);
}

export function formatLocalDate(d: LocalDate): string {
  return utcDay(d).toISODate()!;
}

export function addDays(d: LocalDate, days: number): LocalDate {
  return dateOf(utcDay(d).plus({ days }));
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: LocalDate): number {
  return utcDay(d).weekday;
}

function weekdayKey(d: LocalDate): Weekday {
  return WEEKDAY_KEYS[isoWeekday(d) % 7];
}

/** "HH:MM" (00:00–24:00) → minutes after local midnight. */
export function parseClock(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new RangeError(`"${hhmm}" is not a time of day HH:MM`);
  return minutes;
}

/** The hotel-local calendar date and time of day of an instant. */
export function localParts(timeZone: string, atMs: number): { date: LocalDate; msOfDay: number } {
  requireInstant('atMs', atMs);
  const t = DateTime.fromMillis(atMs, { zone: zone(timeZone) });
  return { date: dateOf(t), msOfDay: t.hour * HOUR_MS + t.minute * MINUTE_MS + t.second * 1000 + t.millisecond };
}

/**
 * Hotel-local wall time → instant. A wall time skipped by a spring-forward moves forward by the size of
 * the gap (02:30 in a 02:00→03:00 gap becomes 03:30); one repeated by a fall-back takes its first occurrence.
 */
export function localToMs(timeZone: string, date: LocalDate, msOfDay: number): number {
  // the wall time read as UTC (msOfDay may reach 24:00), then the same wall time in the hotel's zone
  const wall = DateTime.fromMillis(utcDay(date).toMillis() + msOfDay, { zone: 'utc' }).setZone(zone(timeZone), { keepLocalTime: true });
  return Math.min(...wall.getPossibleOffsets().map((t) => t.toMillis()));
}

export function localDate(timeZone: string, atMs: number): string {
  return formatLocalDate(localParts(timeZone, atMs).date);
}

export function localHour(timeZone: string, atMs: number): number {
  return Math.floor(localParts(timeZone, atMs).msOfDay / HOUR_MS);
}

interface Interval {
  start: number;
  end: number;
}

/** Opening spans that start on one local date; close <= open means the span closes the next day. */
function spansStartingOn(s: Schedule, date: LocalDate, closed: ReadonlySet<string>): Interval[] {
  if (closed.has(formatLocalDate(date))) return [];
  const spans: Interval[] = [];
  for (const span of s.businessHours[weekdayKey(date)] ?? []) {
    const open = parseClock(span.open);
    const close = parseClock(span.close);
    const start = localToMs(s.timeZone, date, open * MINUTE_MS);
    const end = localToMs(s.timeZone, close <= open ? addDays(date, 1) : date, close * MINUTE_MS);
    if (end > start) spans.push({ start, end }); // a span swallowed by a DST gap is simply not there
  }
  return spans;
}

function merge(spans: Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const iv of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && iv.start <= last.end) last.end = Math.max(last.end, iv.end);
    else merged.push({ ...iv });
  }
  return merged;
}

export function isOpenAt(s: Schedule, atMs: number): boolean {
  const { date } = localParts(s.timeZone, atMs);
  const closed = new Set(s.closedDates);
  // A span reaches at most a day past its start, so spans of yesterday and today (and tomorrow, for odd DST rules) suffice.
  return [-1, 0, 1].some((d) => spansStartingOn(s, addDays(date, d), closed).some((iv) => iv.start <= atMs && atMs < iv.end));
}

/**
 * fromMs itself when open with at least minRemainingMinutes before the span closes; else the start of the next
 * opening span that is itself at least that long; undefined when nothing opens within 14 days (misconfigured hotel).
 */
export function nextOpenAt(s: Schedule, fromMs: number, minRemainingMinutes = DEFAULT_MIN_REMAINING_MINUTES): number | undefined {
  requireInstant('fromMs', fromMs);
  if (!Number.isFinite(minRemainingMinutes) || minRemainingMinutes < 0) {
    throw new RangeError(`minRemainingMinutes must be a non-negative number, got ${minRemainingMinutes}`);
  }
  const need = minRemainingMinutes * MINUTE_MS;
  const limit = fromMs + LOOKAHEAD_DAYS * DAY_MS;
  const closed = new Set(s.closedDates);
  const spans: Interval[] = [];
  // Spans are gathered a day at a time. Everything not yet gathered starts at or after `frontier`, so a start already
  // seen is final; only an interval reaching the frontier might still grow by merging with later spans.
  let day = addDays(localParts(s.timeZone, fromMs).date, -1);
  for (let i = 0; i < LOOKAHEAD_DAYS + 3; i++) {
    spans.push(...spansStartingOn(s, day, closed));
    day = addDays(day, 1);
    const frontier = localToMs(s.timeZone, day, 0);
    const found = firstOpening(merge(spans), fromMs, need, limit, frontier);
    if (found !== 'undecided') return found;
  }
  return undefined;
}

function firstOpening(merged: Interval[], fromMs: number, need: number, limit: number, frontier: number): number | undefined | 'undecided' {
  for (const iv of merged) {
    if (iv.end <= fromMs) continue;
    const from = Math.max(iv.start, fromMs);
    if (from > limit) return undefined;
    if (iv.end - from >= need) return from;
    if (iv.end >= frontier) return 'undecided';
  }
  return frontier > limit ? undefined : 'undecided';
}

/** Hotel-local checkout time (default 12:00) on the checkout date, plus grace hours (elapsed time), as epoch ms. */
export function checkoutDueAt(checkOutDate: string, timeZone: string, graceHours: number, checkoutTime = '12:00'): number {
  if (!Number.isFinite(graceHours) || graceHours < 0) throw new RangeError(`graceHours must be a non-negative number, got ${graceHours}`);
  return localToMs(timeZone, parseLocalDate(checkOutDate), parseClock(checkoutTime) * MINUTE_MS) + graceHours * HOUR_MS;
}

export function isBusinessDay(s: Schedule, date: LocalDate): boolean {
  return (s.businessHours[weekdayKey(date)]?.length ?? 0) > 0 && !s.closedDates.includes(formatLocalDate(date));
}

/**
 * Adds n business days (days with any opening span, not in closedDates), landing at the same local time. For SLA deadlines.
 * A hotel with no opening hours at all counts calendar days (less closed dates), so a deadline still exists.
 */
export function addBusinessDays(s: Schedule, fromMs: number, days: number): number {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer, got ${days}`);
  const { date, msOfDay } = localParts(s.timeZone, fromMs);
  if (days === 0) return fromMs;
  const hasHours = Object.values(s.businessHours).some((spans) => (spans?.length ?? 0) > 0);
  const counts = (d: LocalDate) => (hasHours ? isBusinessDay(s, d) : !s.closedDates.includes(formatLocalDate(d)));
  let d = date;
  for (let counted = 0, searched = 0; counted < days; ) {
    d = addDays(d, 1);
    if (counts(d)) {
      counted++;
      searched = 0;
    } else if (++searched > 366) {
      throw new RangeError(`no business day within a year after ${formatLocalDate(d)}: check the hotel's closed dates`);
    }
  }
  return localToMs(s.timeZone, d, msOfDay);
}
