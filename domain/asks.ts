// What we say to a hotel about one guest beyond the plain request, in the hotel's language: what was wrong
// with the document it sent and what we need instead, "we wrote to you — did it arrive?", every spelling of
// the guest's name to look a booking up under, the signed form it asked for. Pure: emails and the voice
// agent's guest list both use it.
import { DateTime } from 'luxon';
import ASK_WORDS from './ask-words.json';
import type { GuestAsk, ReaskNeed } from './model';
import type { Remedy } from './validation';

export type AskLanguage = 'en' | 'de' | 'fr' | 'es' | 'it' | 'pt' | 'nl';
export const ASK_LANGUAGES: readonly AskLanguage[] = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'];

/** Every other way the booking may be filed under the guest's name: other names the client gave (a maiden name), each part of a double surname, initials, surname first. */
export function nameVariants(guest: { firstName: string; lastName: string; additionalNames?: string[] }): string[] {
  const first = guest.firstName.trim().replace(/\s+/g, ' ');
  const last = guest.lastName.trim().replace(/\s+/g, ' ');
  const initials = first
    .split(/[\s-]+/)
    .filter(Boolean)
    .map((p) => `${p[0]!.toUpperCase()}.`)
    .join(' ');
  // "García Márquez", "Smith-Jones": each part alone; "van der Berg" stays whole (lower-case particles bind).
  const parts = last.split(/[\s-]+/).filter((p) => p.length > 1 && p[0] === p[0]!.toUpperCase() && p[0] !== p[0]!.toLowerCase());
  const surnameParts = parts.length >= 2 ? parts : [];
  const candidates = [
    ...(guest.additionalNames ?? []).map((n) => n.trim().replace(/\s+/g, ' ')),
    ...surnameParts.map((p) => `${first} ${p}`),
    ...(last.includes('-') ? [`${first} ${last.replace(/-/g, ' ')}`] : []),
    `${initials} ${last}`,
    `${last}, ${first}`,
  ];
  const seen = new Set([`${first} ${last}`.toLowerCase()]);
  return candidates.filter((c) => {
    const k = c.toLowerCase();
    if (!c || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** What the checks said about a document that did not pass. */
export interface FailedCheck {
  codes: string[];
  remedy?: Remedy;
  /** The stay dates it shows (named when they are the problem). */
  found?: { arrival?: string; departure?: string };
  /** A person uploaded it: that person judges it, the hotel is not asked again. */
  uploaded?: boolean;
}

const WRONG_FOLIO = ['guest-mismatch', 'arrival-mismatch', 'departure-mismatch', 'confirmation-mismatch'];
const INCOMPLETE = ['guest-missing', 'arrival-missing', 'departure-missing', 'total-missing', 'line-items-missing'];

/** What to ask the hotel for instead, or undefined when only a person can judge (totals that do not add up, another currency). */
export function reaskNeed(failed: FailedCheck): ReaskNeed | undefined {
  if (failed.remedy === 'ask-hotel-for-system-pdf') return 'system-pdf'; // a scan or photo: only every check passing completes it
  if (failed.remedy === 'ask-hotel-for-readable-pdf') return 'readable-pdf';
  if (failed.codes.some((c) => WRONG_FOLIO.includes(c))) return 'correct-folio';
  if (failed.codes.length > 0 && failed.codes.every((c) => INCOMPLETE.includes(c))) return 'complete-folio';
  return undefined;
}

/** Validation codes grouped by what a front desk can act on. */
type Problem = 'another-guest' | 'other-dates' | 'other-booking' | 'missing' | 'unreadable' | 'does-not-add-up' | 'other-currency';
type Field = 'guest' | 'arrival' | 'departure' | 'total' | 'items' | 'currency';

const PROBLEM_OF: Record<string, Problem> = {
  'guest-mismatch': 'another-guest',
  'arrival-mismatch': 'other-dates',
  'departure-mismatch': 'other-dates',
  'confirmation-mismatch': 'other-booking',
  unreadable: 'unreadable',
  'ocr-low-confidence': 'unreadable',
  'total-inconsistent': 'does-not-add-up',
  'currency-mismatch': 'other-currency',
};
const MISSING_FIELD: Record<string, Field> = {
  'guest-missing': 'guest',
  'arrival-missing': 'arrival',
  'departure-missing': 'departure',
  'total-missing': 'total',
  'line-items-missing': 'items',
  'currency-missing': 'currency',
};

/** One language's words: plain text, where `{name}` marks what `fill` puts in. */
interface Words {
  sent: string;
  /** 'other-dates' says `{found}` (the stay the document shows), 'missing' says `{fields}`. */
  problem: Record<Problem, string>;
  field: Record<Field, string>;
  /** Said before the arrival and the departure date of a stay. */
  stay: { arrival: string; departure: string };
  and: string;
  need: Record<ReaskNeed, string>;
  /** `{address}` we wrote to, `{when}`. */
  didItArrive: string;
  /** `{variants}` of the guest's name. */
  findBooking: string;
  /** `{form}`: the form as the hotel named it, else `authorizationForm`. */
  authorization: string;
  authorizationForm: string;
}

/** Every language's words, a table each (ask-words.json; the tests check each says every placeholder it should). */
const WORDS: Record<AskLanguage, Words> = ASK_WORDS;

export function askLanguage(language: string | undefined): AskLanguage {
  return (ASK_LANGUAGES as readonly string[]).includes(language ?? '') ? (language as AskLanguage) : 'en';
}

/** The text with each `{name}` replaced by its value (once: a value is never read for placeholders itself). */
function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

function joinAll(items: string[], and: string): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

/** "Monday 30 November" in the hotel's language and time zone. */
export function writtenOn(iso: string, language: AskLanguage, timeZone = 'UTC'): string {
  const t = DateTime.fromISO(iso, { zone: timeZone }).setLocale(language);
  return t.isValid ? t.toFormat('cccc d LLLL') : iso;
}

/** The reasons a document failed, in words a front desk acts on (codes it does not know are left out). */
export function describeProblems(ask: Extract<GuestAsk, { kind: 'reask' }>, language: AskLanguage): string {
  const w = WORDS[language];
  const missing = [...new Set(ask.problems.map((c) => MISSING_FIELD[c]).filter((f): f is Field => !!f))].map((f) => w.field[f]);
  const problems = [...new Set(ask.problems.map((c) => PROBLEM_OF[c]).filter((p): p is Problem => !!p))];
  const { arrival, departure } = ask.found ?? {};
  const found = [arrival && `${w.stay.arrival} ${arrival}`, departure && `${w.stay.departure} ${departure}`].filter(Boolean).join(', ');
  const said = problems.map((p) => fill(w.problem[p], { found }));
  if (missing.length) said.push(fill(w.problem.missing, { fields: joinAll(missing, w.and) }));
  return said.length ? `${w.sent} ${joinAll(said, w.and)}.` : w.sent.replace(/:$/, '.');
}

/** The sentences one guest's ask adds to an email or to the voice agent's guest list. */
export function describeAsk(ask: GuestAsk, language: string | undefined, timeZone?: string): string[] {
  const lang = askLanguage(language);
  const w = WORDS[lang];
  switch (ask.kind) {
    case 'reask':
      return [describeProblems(ask, lang), w.need[ask.need]];
    case 'did-it-arrive':
      return [fill(w.didItArrive, { address: ask.wroteTo, when: writtenOn(ask.sentAt, lang, timeZone) })];
    case 'find-booking':
      return [fill(w.findBooking, { variants: ask.nameVariants.join('; ') })];
    case 'authorization':
      return [fill(w.authorization, { form: ask.form ?? w.authorizationForm })];
  }
}
