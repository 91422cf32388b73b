// Amounts in any common number format, with currency symbols or ISO codes on either side, and the
// document's currency.
import type { TextLine } from './lines';

const CURRENCY_SYMBOLS: Record<string, string> = { '€': 'EUR', '£': 'GBP', '¥': 'JPY', '$': 'USD', 'Fr.': 'CHF', 'SFr.': 'CHF' };
export const CODES = 'EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CZK|HUF|AED|SGD|HKD|CNY|INR|MXN|BRL|ZAR|NZD|TRY';
const CUR = `(?:${CODES}|[€£¥$]|S?Fr\\.)`;
const MONEY_CELL = new RegExp(`^(\\(|[-−])?\\s*(${CUR})?\\s*([-−])?\\s*(\\d[\\d.,' ]*)\\s*(${CUR})?\\s*(\\)|-|CR)?$`);
// Inside running text, a space is never taken as a thousands separator (room numbers precede amounts).
const MONEY_TAIL = new RegExp(`(?:^|\\s)(\\(|[-−])?\\s*(${CUR})?\\s*([-−])?\\s*(\\d{1,3}(?:[.,']\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?)\\s*(${CUR})?\\s*(\\)|-|CR)?$`);

function toNumber(raw: string): number | undefined {
  const s = raw.replace(/[\s']/g, '');
  if (!/^\d[\d.,]*$/.test(s)) return undefined;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let int = s;
  let frac = '';
  if (lastDot >= 0 && lastComma >= 0) {
    const p = Math.max(lastDot, lastComma);
    [int, frac] = [s.slice(0, p), s.slice(p + 1)];
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const p = Math.max(lastDot, lastComma);
    const after = s.length - p - 1;
    // One separator followed by three digits groups thousands (1,234 / 18.000); otherwise it is the decimal point.
    if (!(s.split(sep).length > 2 || after === 3)) [int, frac] = [s.slice(0, p), s.slice(p + 1)];
  }
  int = int.replace(/[.,]/g, '');
  if (!/^\d+$/.test(int) || !/^\d*$/.test(frac) || frac.length > 2) return undefined;
  return Number(`${int}.${frac || '0'}`);
}

export interface Money {
  amount: number;
  currency?: string;
}

function moneyFrom(m: RegExpMatchArray): Money | undefined {
  const n = toNumber(m[4]!);
  if (n === undefined) return undefined;
  const negative = !!(m[1] || m[3] || (m[6] && m[6] !== ''));
  const cur = m[2] ?? m[5];
  return { amount: negative ? -n : n, currency: cur ? (CURRENCY_SYMBOLS[cur] ?? cur) : undefined };
}

/** The amount at the end of a line: its last cell, or the tail of its text when cells run together. */
export function lineAmount(line: TextLine): Money | undefined {
  const last = line.cells[line.cells.length - 1]!;
  const cell = last.match(MONEY_CELL);
  if (cell && line.cells.length > 1) return moneyFrom(cell);
  const tail = line.text.match(MONEY_TAIL);
  return tail ? moneyFrom(tail) : undefined;
}

export function withoutAmount(line: TextLine): string {
  if (line.cells.length > 1 && MONEY_CELL.test(line.cells[line.cells.length - 1]!)) return line.cells.slice(0, -1).join(' ');
  return line.text.replace(MONEY_TAIL, '').trim();
}

export function detectCurrency(text: string): string | undefined {
  const counts = new Map<string, number>();
  const bump = (c: string, w = 1) => counts.set(c, (counts.get(c) ?? 0) + w);
  for (const m of text.matchAll(new RegExp(`(?<![A-Z])(${CODES})(?![A-Z])`, 'g'))) bump(m[1]!, 2);
  for (const m of text.matchAll(/[€£¥$]/g)) bump(CURRENCY_SYMBOLS[m[0]]!);
  let best: string | undefined;
  let n = 0;
  for (const [c, k] of counts) if (k > n) [best, n] = [c, k];
  return best;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
export const near = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.02, Math.abs(b) * 0.005) + 1e-9;
