// Dates as hotels print them: ISO and year-first (2026/04/03), day-first or US month-first numerals
// (dd.mm.yyyy, dd-mm-yy, mm/dd/yy), month names and abbreviations in seven languages ("20 Nov 2026",
// "20. November 2026", "3 de abril de 2026", "5 april 2026"), rows without a year ("03.04.", "04/03"),
// and the document's day/month order — with whether the numbers left it ambiguous.
import type { Lang } from './labels';

export type DateOrder = 'dmy' | 'mdy';

const MONTHS: Record<string, number> = {};
[
  ['jan', 'january', 'januar', 'jänner', 'janvier', 'janv', 'enero', 'ene', 'gennaio', 'gen', 'janeiro', 'januari'],
  ['feb', 'february', 'februar', 'février', 'févr', 'fevrier', 'febrero', 'febbraio', 'fevereiro', 'fev', 'februari'],
  ['mar', 'march', 'märz', 'mrz', 'maerz', 'mars', 'marzo', 'março', 'marco', 'maart', 'mrt'],
  ['apr', 'april', 'avril', 'avr', 'abril', 'abr', 'aprile'],
  ['may', 'mai', 'mayo', 'maggio', 'mag', 'maio', 'mei'],
  ['jun', 'june', 'juni', 'juin', 'junio', 'giugno', 'giu', 'junho'],
  ['jul', 'july', 'juli', 'juillet', 'juil', 'julio', 'luglio', 'lug', 'julho'],
  ['aug', 'august', 'août', 'aout', 'agosto', 'ago', 'augustus'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'setiembre', 'settembre', 'set', 'setembro'],
  ['oct', 'october', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'ott', 'outubro', 'out'],
  ['nov', 'november', 'novembre', 'noviembre', 'novembro'],
  ['dec', 'december', 'dezember', 'dez', 'décembre', 'déc', 'decembre', 'diciembre', 'dic', 'dicembre', 'dezembro'],
].forEach((names, i) => names.forEach((n) => (MONTHS[n] = i + 1)));

const L = 'A-Za-zÀ-ÿ';
type Parts = [number, number, number];
const DATE_PATTERNS: { re: RegExp; parts: (m: RegExpMatchArray, order: DateOrder) => Parts | undefined }[] = [
  { re: /(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)/y, parts: (m) => [+m[1]!, +m[3]!, +m[4]!] },
  {
    re: /(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d.,]\d)/y,
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

function monthParts(y: string, month: string, d: string): Parts | undefined {
  const m = MONTHS[month.toLowerCase()];
  return m ? [year(y), m, Number(d)] : undefined;
}

export function iso(y: number, m: number, d: number): string | undefined {
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

/** A row date printed without its year ("03.04.", "04/03"): the year, and the order if numbers leave it open, come from the stay. */
export function leadingYearlessDate(s: string, order: DateOrder, stay: { arrival?: string; departure?: string }): { iso: string; length: number } | undefined {
  const from = stay.arrival ?? stay.departure;
  const to = stay.departure ?? stay.arrival;
  if (!from || !to) return undefined;
  const m = s.match(/^(\d{1,2})([./])(\d{1,2})\.?(?=\s|$)/);
  if (!m) return undefined;
  const [a, b] = [Number(m[1]), Number(m[3])];
  const orders: DateOrder[] = m[2] === '.' ? ['dmy'] : [order, order === 'dmy' ? 'mdy' : 'dmy'];
  for (const o of orders) {
    for (const y of new Set([Number(from.slice(0, 4)), Number(to.slice(0, 4))])) {
      const value = o === 'dmy' ? iso(y, b, a) : iso(y, a, b);
      if (value && daysBetween(from, value) >= -1 && daysBetween(value, to) >= -1) return { iso: value, length: m[0].length };
    }
  }
  return undefined;
}

export interface DateOrderEvidence {
  order: DateOrder;
  /** No printed number decided it: the order was assumed from the language and currency. */
  ambiguous: boolean;
}

/** US month-first only when the numbers prove it, or an English US-dollar folio leaves no other clue. */
export function detectDateOrder(text: string, lang: Lang, currency: string | undefined): DateOrderEvidence {
  let dmy = 0;
  let mdy = 0;
  let undecided = 0;
  for (const m of text.matchAll(/(?<![\d.,])(\d{1,2})[/-](\d{1,2})[/-](?:\d{4}|\d{2})(?![\d.,]\d)/g)) {
    const [a, b] = [+m[1]!, +m[2]!];
    if (a > 12 && b <= 12) dmy++;
    else if (b > 12 && a <= 12) mdy++;
    else if (a !== b) undecided++;
  }
  if (dmy !== mdy) return { order: dmy > mdy ? 'dmy' : 'mdy', ambiguous: false };
  return { order: lang === 'en' && currency === 'USD' ? 'mdy' : 'dmy', ambiguous: undecided > 0 };
}

export function addDays(isoDate: string, n: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
