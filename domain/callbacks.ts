// "Call back tomorrow after 10": turns what the hotel said, or an explicit time, into a moment in the hotel's time
// zone inside its business hours. The phrase reader is a table of small rules per language, tried word by word.
import { DateTime } from 'luxon';
import { addDays, formatLocalDate, isoWeekday, localParts, localToMs, nextOpenAt, parseLocalDate, type LocalDate, type Schedule } from './business-hours';
import { HOUR_MS, MINUTE_MS } from './calendar';
import WORDS from './callback-words.json';
import type { Language } from './schemas';

export type CallbackResolution = { ok: true; atMs: number; clamped: boolean; interpretation: string } | { ok: false; error: string };

/** Where a part of the day starts when no time is given, and when it is over ("this morning" at 15:00 has passed). */
export const PART_OF_DAY: Record<PartOfDay, { startHour: number; endHour: number }> = {
  morning: { startHour: 9, endHour: 12 },
  afternoon: { startHour: 14, endHour: 18 },
  evening: { startHour: 18, endHour: 22 },
};
/** A day named without a time ("tomorrow", "Monday", "next week") means its morning. */
const DEFAULT_HOUR = PART_OF_DAY.morning.startHour;
/** "later today". */
export const LATER_TODAY_MS = 2 * HOUR_MS;
const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Turns what the hotel said ("call back tomorrow after 10") or an explicit time into a moment, in the hotel's time zone, clamped into business hours (via nextOpenAt). */
export function resolveCallback(input: { at?: string; phrase?: string }, nowMs: number, s: Schedule, language?: Language): CallbackResolution {
  if (!Number.isFinite(nowMs)) return { ok: false, error: `nowMs must be a finite epoch-ms number, got ${nowMs}` };
  // Never throws: workflows call this, and a throw there would stall the workflow task instead of reporting.
  try {
    return resolve(input, nowMs, s, language);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function resolve(input: { at?: string; phrase?: string }, nowMs: number, s: Schedule, language?: Language): CallbackResolution {
  let wanted: { atMs: number; reading: string } | { error: string };
  if (input.at !== undefined && input.at.trim() !== '') wanted = fromIso(input.at.trim(), s.timeZone);
  else if (input.phrase !== undefined && input.phrase.trim() !== '') wanted = fromPhrase(input.phrase, nowMs, s.timeZone, language);
  else return { ok: false, error: 'a callback needs either "at" (ISO 8601) or "phrase"' };
  if ('error' in wanted) return { ok: false, error: wanted.error };
  if (wanted.atMs < nowMs) return { ok: false, error: `${wanted.reading} is in the past (now is ${describe(nowMs, s.timeZone)})` };

  const atMs = nextOpenAt(s, wanted.atMs);
  if (atMs === undefined) {
    return { ok: false, error: `${wanted.reading}: the hotel has no business hours within 14 days after that (check its schedule)` };
  }
  const clamped = atMs !== wanted.atMs;
  const interpretation = clamped ? `${wanted.reading}, moved into business hours: ${describe(atMs, s.timeZone)}` : wanted.reading;
  return { ok: true, atMs, clamped, interpretation };
}

/** "Tue 2026-12-01 10:00 Europe/Berlin". */
function describe(ms: number, timeZone: string): string {
  const { date, msOfDay } = localParts(timeZone, ms);
  const hh = String(Math.floor(msOfDay / HOUR_MS)).padStart(2, '0');
  const mm = String(Math.floor((msOfDay % HOUR_MS) / MINUTE_MS)).padStart(2, '0');
  return `${WEEKDAY_NAMES[isoWeekday(date) - 1]} ${formatLocalDate(date)} ${hh}:${mm} ${timeZone}`;
}

// ---- explicit time ---------------------------------------------------------------------------

const ISO_LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** With an offset → that instant; without → hotel-local wall time (DST rules of localToMs). */
function fromIso(at: string, timeZone: string): { atMs: number; reading: string } | { error: string } {
  if (ISO_WITH_OFFSET.test(at)) {
    const dt = DateTime.fromISO(at.replace(' ', 'T'), { setZone: true });
    if (!dt.isValid) return { error: `"${at}" is not a valid ISO 8601 time (${dt.invalidExplanation ?? dt.invalidReason})` };
    return { atMs: dt.toMillis(), reading: `"${at}" read as ${describe(dt.toMillis(), timeZone)}` };
  }
  const m = ISO_LOCAL.exec(at);
  if (!m) return { error: `"${at}" is not an ISO 8601 date and time such as 2026-12-01T10:00 or 2026-12-01T10:00+01:00` };
  const [hour, minute, second, milli] = [m[2], m[3], m[4] ?? '0', (m[5] ?? '0').padEnd(3, '0')].map(Number);
  if (hour > 23 || minute > 59 || second > 59) return { error: `"${at}" has no such time of day` };
  const atMs = localToMs(timeZone, parseLocalDate(m[1]), hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + milli);
  return { atMs, reading: `"${at}" read as hotel-local ${describe(atMs, timeZone)}` };
}

// ---- phrases -----------------------------------------------------------------------------------

function normalise(phrase: string): string {
  return phrase
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '') // après → apres, mañana → manana, früh → fruh
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .replace(/'\s*/g, "' ") // an elided word stands alone: all'una → all' una, 's avonds → ' s avonds
    .replace(/[,;!?¿¡"()]/g, ' ')
    .replace(/-/g, ' ')
    .replace(/\.(?!\d)/g, ' ') // keep 10.30, drop sentence stops and the dots of p.m.
    .replace(/\s+/g, ' ')
    .trim();
}

/** Reads the whole text with one language's rules; undefined when any word is not understood. */
function read(text: string, rules: readonly Rule[]): Reading | undefined {
  let reading: Reading = {};
  let pos = 0;
  while (pos < text.length) {
    let next: Reading | undefined;
    for (const rule of rules) {
      rule.re.lastIndex = pos;
      const m = rule.re.exec(text);
      if (!m) continue;
      next = rule.apply(m, reading);
      if (next) {
        pos = rule.re.lastIndex;
        break;
      }
    }
    if (!next) return undefined;
    reading = next;
    while (text[pos] === ' ') pos++;
  }
  const { day, part, clock, offsetMs, later } = reading;
  const said = [day, part, clock, offsetMs, later].filter((v) => v !== undefined).length;
  if (said === 0) return undefined; // only filler words
  if ((offsetMs !== undefined || later) && said > 1) return undefined; // "tomorrow in two hours" is contradictory
  return reading;
}

function fromPhrase(phrase: string, nowMs: number, timeZone: string, language?: Language): { atMs: number; reading: string } | { error: string } {
  const text = normalise(phrase);
  const order = [...PHRASE_RULES].sort((a, b) => Number(b.language === language) - Number(a.language === language));
  for (const { rules } of order) {
    const reading = read(text, rules);
    if (!reading) continue;
    const resolved = resolveReading(reading, nowMs, timeZone);
    if ('error' in resolved) return { error: `"${phrase}": ${resolved.error}` };
    return { atMs: resolved.atMs, reading: `"${phrase}" read as ${describe(resolved.atMs, timeZone)}` };
  }
  return { error: `could not understand the callback phrase "${phrase}"` };
}

function hourOf(clock: Clock, part: PartOfDay | undefined): number | undefined {
  const { hour, meridiem } = clock;
  if (meridiem) return hour < 1 || hour > 12 ? undefined : (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  if (hour > 23) return undefined;
  if ((part === 'afternoon' || part === 'evening') && hour < 12) return hour + 12;
  if (part === 'morning') return hour;
  // Nobody asks a hotel to call back at 3 in the night: a bare 1–6 means the afternoon.
  return hour >= 1 && hour <= 6 ? hour + 12 : hour;
}

function resolveReading(r: Reading, nowMs: number, timeZone: string): { atMs: number } | { error: string } {
  if (r.offsetMs !== undefined) return { atMs: nowMs + r.offsetMs };
  if (r.later) return { atMs: nowMs + LATER_TODAY_MS };

  const { date: today, msOfDay: nowOfDay } = localParts(timeZone, nowMs);
  const at = (date: LocalDate, hour: number, minute = 0) => localToMs(timeZone, date, hour * HOUR_MS + minute * MINUTE_MS);
  let timeOfDay: { hour: number; minute: number } | undefined;
  if (r.clock) {
    const hour = hourOf(r.clock, r.part);
    if (hour === undefined || r.clock.minute > 59) return { error: 'names no real time of day' };
    timeOfDay = { hour, minute: r.clock.minute };
  }

  if (r.day === undefined || (r.day.kind === 'offset' && r.day.days === 0)) {
    const explicitToday = r.day !== undefined;
    if (timeOfDay) {
      const todayAt = at(today, timeOfDay.hour, timeOfDay.minute);
      // "at 3pm" said after 3pm means tomorrow; "today at 3pm" said after 3pm is a mistake to report.
      if (todayAt >= nowMs || explicitToday) return { atMs: todayAt };
      return { atMs: at(addDays(today, 1), timeOfDay.hour, timeOfDay.minute) };
    }
    if (r.part) {
      const { startHour, endHour } = PART_OF_DAY[r.part];
      if (nowOfDay < endHour * HOUR_MS) return { atMs: Math.max(nowMs, at(today, startHour)) };
      if (explicitToday) return { error: `the ${r.part} is already over` };
      return { atMs: at(addDays(today, 1), startHour) };
    }
    return { atMs: nowMs }; // "today"
  }

  const todayIso = isoWeekday(today);
  const date =
    r.day.kind === 'offset'
      ? addDays(today, r.day.days)
      : r.day.kind === 'weekday'
        ? addDays(today, (r.day.isoWeekday - todayIso + 7) % 7 || 7) // never today
        : addDays(today, 8 - todayIso); // next week: its Monday
  if (timeOfDay) return { atMs: at(date, timeOfDay.hour, timeOfDay.minute) };
  return { atMs: at(date, r.part ? PART_OF_DAY[r.part].startHour : DEFAULT_HOUR) };
}

// ---- phrase tables -------------------------------------------------------------------------------

export type PartOfDay = 'morning' | 'afternoon' | 'evening';
interface Clock {
  hour: number;
  minute: number;
  meridiem?: 'am' | 'pm';
}
type DayRef = { kind: 'offset'; days: number } | { kind: 'weekday'; isoWeekday: number } | { kind: 'nextWeek' };
/** What a phrase said, slot by slot; each slot may be filled once. */
interface Reading {
  day?: DayRef;
  part?: PartOfDay;
  clock?: Clock;
  offsetMs?: number;
  later?: boolean;
}
interface Rule {
  re: RegExp;
  /** The reading with this match added, or undefined when it does not fit (then the next rule is tried). */
  apply(m: RegExpExecArray, r: Reading): Reading | undefined;
}

/**
 * One language's words, as regex fragments over normalised text (lower case, no accents, no hyphens). The
 * words themselves are data (callback-words.json): a language is added there, not in code.
 */
interface Words {
  language: Language;
  /** one … twelve; alternatives separated by | ("uno|una|un"). */
  numbers: string[];
  /** Words that mean "one" before a unit: "in an hour". */
  one: string;
  today: string;
  tomorrow: string;
  dayAfterTomorrow: string;
  later: string;
  /** "this morning": today and a part of the day in one phrase. */
  thisPart: Record<PartOfDay, string>;
  part: Record<PartOfDay, string>;
  /** Compounds meaning tomorrow and a part of the day, such as Dutch "morgenochtend". */
  tomorrowPart?: Partial<Record<PartOfDay, string>>;
  noon: string;
  /** Monday … Sunday. */
  weekdays: string[];
  /** A weekday said with its qualifiers; `{day}` stands for one of `weekdays`. */
  weekday: string;
  nextWeek: string;
  in: string;
  units: { days: string; weeks: string; hours: string; minutes: string };
  halfHour: string;
  clockPrefix: string;
  clockSuffix: string;
  fillers: string;
}

const PARTS: PartOfDay[] = ['morning', 'afternoon', 'evening'];

function rule(pattern: string, apply: Rule['apply']): Rule {
  return { re: new RegExp(`(?:${pattern})(?=\\s|$)`, 'y'), apply };
}

function set<K extends keyof Reading>(r: Reading | undefined, key: K, value: Reading[K]): Reading | undefined {
  return r && r[key] === undefined && value !== undefined ? { ...r, [key]: value } : undefined;
}

function rulesFor(w: Words): Rule[] {
  const numberOf = new Map<string, number>();
  w.numbers.forEach((alts, i) => alts.split('|').forEach((word) => numberOf.set(word, i + 1)));
  w.one.split('|').forEach((word) => numberOf.set(word, 1));
  const hourWords = w.numbers.join('|');
  const count = `(\\d+|${[...numberOf.keys()].join('|')})`;
  const n = (text: string) => (/^\d+$/.test(text) ? Number(text) : numberOf.get(text));
  const times = (text: string, unit: number) => {
    const k = n(text);
    return k === undefined ? undefined : k * unit;
  };
  const daysLater = (text: string, perUnit: number): DayRef | undefined => {
    const k = n(text);
    return k === undefined ? undefined : { kind: 'offset', days: k * perUnit };
  };
  return [
    rule(w.halfHour, (_, r) => set(r, 'offsetMs', 30 * MINUTE_MS)),
    rule(`(?:${w.in}) ${count} (?:${w.units.hours})`, (m, r) => set(r, 'offsetMs', times(m[1], HOUR_MS))),
    rule(`(?:${w.in}) ${count} (?:${w.units.minutes})`, (m, r) => set(r, 'offsetMs', times(m[1], MINUTE_MS))),
    rule(`(?:${w.in}) ${count} (?:${w.units.days})`, (m, r) => set(r, 'day', daysLater(m[1], 1))),
    rule(`(?:${w.in}) ${count} (?:${w.units.weeks})`, (m, r) => set(r, 'day', daysLater(m[1], 7))),
    rule(w.later, (_, r) => set(r, 'later', true)),
    ...PARTS.map((p) => rule(w.thisPart[p], (_, r) => set(set(r, 'day', { kind: 'offset', days: 0 }), 'part', p))),
    ...PARTS.flatMap((p) => {
      const words = w.tomorrowPart?.[p];
      return words ? [rule(words, (_, r) => set(set(r, 'day', { kind: 'offset', days: 1 }), 'part', p))] : [];
    }),
    rule(w.nextWeek, (_, r) => set(r, 'day', { kind: 'nextWeek' })),
    rule(w.dayAfterTomorrow, (_, r) => set(r, 'day', { kind: 'offset', days: 2 })),
    rule(w.tomorrow, (_, r) => set(r, 'day', { kind: 'offset', days: 1 })),
    rule(w.today, (_, r) => set(r, 'day', { kind: 'offset', days: 0 })),
    ...w.weekdays.map((name, i) => rule(w.weekday.split('{day}').join(name), (_, r) => set(r, 'day', { kind: 'weekday', isoWeekday: i + 1 }))),
    ...PARTS.map((p) => rule(w.part[p], (_, r) => set(r, 'part', p))),
    rule(w.noon, (_, r) => set(r, 'clock', { hour: 12, minute: 0 })),
    rule(`(?:(${w.clockPrefix}) )?(\\d{1,2}|${hourWords})(?:(?::|\\.|h ?| uhr )(\\d{2}))?(?: ?(${w.clockSuffix}))?`, (m, r) => {
      const [, prefix, hourText, minuteText, suffix] = m;
      // A bare number word ("tomorrow ten") is too easily something else; digits or a clock word make it a time.
      if (!prefix && !suffix && !minuteText && !/^\d+$/.test(hourText)) return undefined;
      const hour = n(hourText);
      const meridiem = suffix && /^a ?m$/.test(suffix) ? 'am' : suffix && /^p ?m$/.test(suffix) ? 'pm' : undefined;
      return hour === undefined ? undefined : set(r, 'clock', { hour, minute: minuteText ? Number(minuteText) : 0, ...(meridiem && { meridiem }) });
    }),
    rule(w.fillers, (_, r) => r),
  ];
}

/**
 * Tried in this order, after the hotel's own language. Where "tomorrow" and "morning" share a word (German and
 * Dutch "morgen"), the day rule comes first; after a day is taken, the word falls through to the part of the day.
 */
const PHRASE_RULES: readonly { language: Language; rules: readonly Rule[] }[] = (WORDS as Words[]).map((w) => ({
  language: w.language,
  rules: rulesFor(w),
}));
