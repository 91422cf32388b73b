// When to place a call: the hotel's learned answer rate by local hour, and its next business day. Pure.
import { addDays, localHour, localParts, localToMs, nextOpenAt, type Schedule } from './business-hours';
import { DAY_MS, HOUR_MS } from './calendar';
import type { CallsByHour } from './model';

/** The time, the hotel's hours and what it learned about when the hotel answers. */
export interface CallTimingContext {
  nowMs: number;
  schedule: Schedule;
  callsByHour?: CallsByHour;
}

/** Hours with at least this many calls tell us something about the hotel; fewer are not judged. */
export const MIN_CALLS_TO_JUDGE_HOUR = 3;

/**
 * When to call from `fromMs` on: the hotel's learned answer rate by local hour decides. An hour with enough
 * calls whose answer rate is under half of the best such hour is skipped, up to two days ahead, for the first
 * opening hour that is not poor. Otherwise (no learned rates, or nothing better) `fromMs` itself: the hotel's
 * dispatcher waits for business hours.
 */
export function goodCallTime(ctx: CallTimingContext, fromMs: number): number {
  const { schedule, callsByHour } = ctx;
  const judged = Object.values(callsByHour ?? {}).filter((v) => v.attempts >= MIN_CALLS_TO_JUDGE_HOUR);
  if (judged.length === 0) return fromMs;
  const best = Math.max(...judged.map((v) => v.answered / v.attempts));
  const poor = (atMs: number) => {
    const v = callsByHour?.[String(localHour(schedule.timeZone, atMs))];
    return !!v && v.attempts >= MIN_CALLS_TO_JUDGE_HOUR && v.answered / v.attempts < best / 2;
  };
  let t = nextOpenAt(schedule, fromMs);
  for (let i = 0; t !== undefined && i < 48; i++) {
    if (!poor(t)) return i === 0 ? fromMs : t;
    const { msOfDay } = localParts(schedule.timeZone, t);
    t = nextOpenAt(schedule, t + (HOUR_MS - (msOfDay % HOUR_MS)));
    if (t !== undefined && t - fromMs > 2 * DAY_MS) break;
  }
  return fromMs;
}

/** The start of the hotel's next business day (its first opening after local midnight). */
export function nextBusinessDay(ctx: CallTimingContext): number {
  const { schedule, nowMs } = ctx;
  const { date } = localParts(schedule.timeZone, nowMs);
  const midnight = localToMs(schedule.timeZone, addDays(date, 1), 0);
  return nextOpenAt(schedule, midnight) ?? midnight;
}
