// Amounts in any common number format (1,234.56 · 1.234,56 · 1 234,56 · 1'234.56 · ¥18,000), with
// currency symbols or ISO codes before or after, negatives as -, trailing -, (…) or CR; every amount of a
// line with where it sits; and the document's currency from codes, symbols and labels ("Total CHF").
import type { TextLine } from './lines';

const CURRENCY_SYMBOLS: Record<string, string> = { '€': 'EUR', '£': 'GBP', '¥': 'JPY', '$': 'USD', 'US$': 'USD', 'Fr.': 'CHF', 'SFr.': 'CHF', 'R$': 'BRL' };
export const CODES = 'EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CZK|HUF|AED|SGD|HKD|CNY|INR|MXN|BRL|ZAR|NZD|TRY|QAR|SAR|THB';
const CUR = `(?:${CODES}|US\\$|R\\$|[€£¥$]|S?Fr\\.)`;
const NUMBER = `\\d{1,3}(?:[.,' ’]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?`;
const MONEY_CELL = new RegExp(`^(\\(|[-−])?\\s*(${CUR})?\\s*([-−])?\\s*(${NUMBER})\\s*(${CUR})?\\s*(\\)|-|CR)?$`);
// Inside running text, a space is never a thousands separator (room numbers precede amounts).
const MONEY_IN_TEXT = new RegExp(`(?<![\\w.,'’/:-])(\\(|[-−])?(${CUR})?\\s?([-−])?(\\d{1,3}(?:[.,'’]\\d{3})+(?:[.,]\\d{1,2})?|\\d+[.,]\\d{2}|\\d+)(?!\\s?%)\\s?(${CUR})?(\\)|-(?!\\d)|CR)?(?![\\w.,'’/%-]*\\d)`, 'g');

export function toNumber(raw: string): number | undefined {
  const s = raw.replace(/[\s'’]/g, '');
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
  /** Where the amount ends on the line (fraction of the page width), when the reader knows. */
  right?: number;
  /** Printed with decimals or a currency: surely money, not a count or a reference. */
  surely: boolean;
}

function moneyFrom(m: RegExpMatchArray): Money | undefined {
  const n = toNumber(m[4]!);
  if (n === undefined) return undefined;
  // A closing bracket alone ends a sentence "(… ¥9,973)"; only a pair makes a negative.
  const bracketed = m[1] === '(' && m[6] === ')';
  const negative = bracketed || (m[1] && m[1] !== '(') || !!m[3] || m[6] === '-' || m[6] === 'CR';
  const cur = m[2] ?? m[5];
  return { amount: negative ? -n : n, currency: cur ? (CURRENCY_SYMBOLS[cur] ?? cur) : undefined, surely: !!cur || /[.,]\d{1,2}$/.test(m[4]!) || /\d[.,'’ ]\d{3}$/.test(m[4]!) };
}

/** The amount a whole cell holds ("€ -254,00", "1'480.40", "(£396.00)", "0.00 USD"). */
export function cellMoney(cell: string): Money | undefined {
  const m = cell.trim().match(MONEY_CELL);
  return m ? moneyFrom(m) : undefined;
}

/** Every amount of a line, left to right: its amount cells, or the amounts in its text when it is one run. */
/** Currencies printed without decimals: a whole number in the amount column is money. */
export const WHOLE_UNIT_CURRENCIES = new Set(['JPY', 'KRW', 'HUF', 'ISK', 'CLP', 'VND', 'IDR', 'TWD']);

export function lineAmounts(line: TextLine, skipLeading = 0, wholeUnits = false): Money[] {
  if (line.cells.length > 1) {
    const out: Money[] = [];
    line.cells.forEach((c, i) => {
      if (i < skipLeading) return;
      const m = cellMoney(c);
      if (m) out.push({ ...m, right: line.boxes?.[i]?.x1, surely: m.surely || (wholeUnits && i === line.cells.length - 1) });
      else if (i === line.cells.length - 1 || /\d[.,]\d{2}\b/.test(c)) out.push(...textAmounts(c).map((t) => ({ ...t, right: line.boxes?.[i]?.x1 })));
    });
    return out;
  }
  return textAmounts(line.text.slice(skipLeading));
}

function textAmounts(text: string): Money[] {
  const out: Money[] = [];
  for (const m of text.matchAll(MONEY_IN_TEXT)) {
    const money = moneyFrom(m);
    if (money) out.push(money);
  }
  return out;
}

/** The line's text without its amounts: what it says an amount is. */
export function labelOf(line: TextLine): string {
  if (line.cells.length > 1) return line.cells.filter((c) => !cellMoney(c)).join(' ').replace(MONEY_IN_TEXT, ' ').replace(/\s+/g, ' ').trim();
  return line.text.replace(MONEY_IN_TEXT, ' ').replace(/\s+/g, ' ').trim();
}

export function detectCurrency(text: string): string | undefined {
  const counts = new Map<string, number>();
  const bump = (c: string, w = 1) => counts.set(c, (counts.get(c) ?? 0) + w);
  for (const m of text.matchAll(new RegExp(`(?<![A-Za-z])(${CODES})(?![A-Za-z])`, 'g'))) bump(m[1]!, 2);
  for (const m of text.matchAll(/US\$|R\$|[€£¥$]|\bS?Fr\.(?=\s?\d)/g)) bump(CURRENCY_SYMBOLS[m[0]]!);
  for (const _ of text.matchAll(/\beuros?\b/gi)) bump('EUR');
  // OCR splits a code now and then ("Total (E UR)").
  for (const m of text.matchAll(/(?<![A-Za-z])([A-Z]) ?([A-Z]) ?([A-Z])(?![A-Za-z])/g)) {
    const code = m[1]! + m[2]! + m[3]!;
    if (m[0].length > 3 && new RegExp(`^(?:${CODES})$`).test(code)) bump(code);
  }
  let best: string | undefined;
  let n = 0;
  for (const [c, k] of counts) if (k > n) [best, n] = [c, k];
  return best;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
export const near = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.02, Math.abs(b) * 0.005) + 1e-9;
