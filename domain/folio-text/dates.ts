// Dates as hotels print them (ISO, day-first or US month-first numerals, month names in several
// languages) and the document's day/month order.
import type { Lang } from './labels';

export type DateOrder = 'dmy' | 'mdy';

const MONTHS: Record<string, number> = {};
[
  ['jan', 'january', 'januar', 'jänner', 'janvier', 'janv', 'enero', 'ene'],
  ['feb', 'february', 'februar', 'février', 'févr', 'fevrier', 'febrero'],
  ['mar', 'march', 'märz', 'mrz', 'maerz', 'mars', 'marzo'],
  ['apr', 'april', 'avril', 'avr', 'abril', 'abr'],
  ['may', 'mai', 'mayo'],
  ['jun', 'june', 'juni', 'juin', 'junio'],
  ['jul', 'july', 'juli', 'juillet', 'juil', 'julio'],
  ['aug', 'august', 'août', 'aout', 'agosto', 'ago'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'setiembre'],
  ['oct', 'october', 'oktober', 'okt', 'octobre', 'octubre'],
  ['nov', 'november', 'novembre', 'noviembre'],
  ['dec', 'december', 'dezember', 'dez', 'décembre', 'déc', 'decembre', 'diciembre', 'dic'],
].forEach((names, i) => names.forEach((n) => (MONTHS[n] = i + 1)));

const L = 'A-Za-zÀ-ÿ';
const DATE_PATTERNS: { re: RegExp; parts: (m: RegExpMatchArray, order: DateOrder) => [number, number, number] | undefined }[] = [
  { re: /(\d{4})-(\d{1,2})-(\d{1,2})/y, parts: (m) => [+m[1]!, +m[2]!, +m[3]!] },
  {
    re: /(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/y,
    // Dots are always day first; slashes and dashes follow the document's convention.
    parts: (m, order) => (m[2] === '.' || order === 'dmy' ? [year(m[4]!), +m[3]!, +m[1]!] : [year(m[4]!), +m[1]!, +m[3]!]),
  },
  { re: new RegExp(`(\\d{1,2})\\.?[-\\s/]?(?:de\\s+)?([${L}]{3,10})\\.?(?:[-\\s/,]+(?:de\\s+)?)(\\d{4}|\\d{2})(?!\\d)`, 'y'), parts: (m) => monthParts(m[3]!, m[2]!, m[1]!) },
  { re: new RegExp(`([${L}]{3,10})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})`, 'y'), parts: (m) => monthParts(m[3]!, m[1]!, m[2]!) },
];

function year(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

function monthParts(y: string, month: string, d: string): [number, number, number] | undefined {
  const m = MONTHS[month.toLowerCase()];
  return m ? [year(y), m, Number(d)] : undefined;
}

function iso(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2100) return undefined;
  const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return new Date(`${s}T00:00:00Z`).toISOString().startsWith(s) ? s : undefined;
}

/** A date starting exactly at `at` in `s`, with its length. */
function dateAt(s: string, at: number, order: DateOrder): { iso: string; length: number } | undefined {
  for (const p of DATE_PATTERNS) {
    p.re.lastIndex = at;
    const m = p.re.exec(s);
    if (!m) continue;
    const parts = p.parts(m, order);
    const value = parts && iso(...parts);
    if (value) return { iso: value, length: m[0].length };
  }
  return undefined;
}

/** The first date anywhere in `s`. */
export function findDate(s: string, order: DateOrder): string | undefined {
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && /[\p{L}\p{N}]/u.test(s[i - 1]!)) continue;
    const d = dateAt(s, i, order);
    if (d) return d.iso;
  }
  return undefined;
}

export function leadingDate(s: string, order: DateOrder): { iso: string; length: number } | undefined {
  return dateAt(s, 0, order);
}

/** US month-first only when the numbers prove it, or an English US-dollar folio leaves no other clue. */
export function detectDateOrder(text: string, lang: Lang, currency: string | undefined): DateOrder {
  let dmy = 0;
  let mdy = 0;
  for (const m of text.matchAll(/(?<!\d)(\d{1,2})[/-](\d{1,2})[/-](?:\d{4}|\d{2})(?!\d)/g)) {
    if (+m[1]! > 12) dmy++;
    if (+m[2]! > 12) mdy++;
  }
  if (dmy !== mdy) return dmy > mdy ? 'dmy' : 'mdy';
  return lang === 'en' && currency === 'USD' ? 'mdy' : 'dmy';
}

export function addDays(isoDate: string, n: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
