// The bill's rows sorted out: dated charges (line items), credits (payments, deposits), and the summary
// lines — the total (the charges total, never the balance), the VAT, the balance.
import type { FolioData } from '../model';
import { leadingDate, leadingYearlessDate, type DateOrder } from './dates';
import type { TextLine } from './lines';
import { labelOf, lineAmounts, near, round2, type Money } from './money';
import { ADJUSTMENT, BALANCE, CARRIED, categoryOf, headerColumns, inChargeColumn, inCreditColumn, isVatLine, NOT_TOTAL, PAYMENT, STRONG_TOTAL, TOTAL, type Columns } from './table-rows';

export interface Bill {
  items: FolioData['lineItems'];
  credits: number;
  total?: { amount: number; strong: boolean; consistent: boolean; derived: boolean };
  tax?: number;
  taxLabel?: string;
  taxSource?: 'vat-summary' | 'tax-lines';
  balance?: number;
}

/** A summary amount: alone, itself; else the one under the charges column, else the first (totals print charges, then credits). */
function chargesAmount(amounts: Money[], columns: Columns | undefined): Money | undefined {
  if (amounts.length === 1) return amounts[0];
  const notCredit = amounts.filter((m) => !inCreditColumn(m, columns));
  return notCredit[0] ?? (columns?.credit !== undefined ? undefined : amounts[0]);
}

/** The VAT of a VAT line: the middle of net, VAT, gross when they add up, else the last amount. */
function vatAmount(amounts: Money[]): number | undefined {
  for (let i = 0; i + 2 < amounts.length; i++) {
    const [a, b, c] = [amounts[i]!.amount, amounts[i + 1]!.amount, amounts[i + 2]!.amount];
    if (near(a + b, c) && b <= a) return b;
  }
  return amounts[amounts.length - 1]?.amount;
}

const rateRow = (line: TextLine) => /^\d{1,2}(?:[.,]\d{1,2})?\s?%/.test(line.cells[0]!.trim()) || /\b\d{1,2}(?:[.,]\d)?\s?%/.test(line.cells[0]!);

export function readBill(lines: TextLine[], order: DateOrder, stay: { arrival?: string; departure?: string }, wholeUnits = false): Bill {
  const items: FolioData['lineItems'] = [];
  let credits = 0;
  let columns: Columns | undefined;
  const totals: { amount: number; strong: boolean; at: number }[] = [];
  const vatLines: { amount: number; label: string; isTotal: boolean }[] = [];
  let balance: number | undefined;
  const doubtful: FolioData['lineItems'] = [];

  lines.forEach((line, at) => {
    const header = headerColumns(line);
    if (header) {
      columns = header;
      return;
    }
    const date = leadingDate(line.text, order) ?? leadingYearlessDate(line.text, order, stay);
    const skip = date && line.cells.length > 1 && line.cells[0]!.length <= date.length + 1 ? 1 : 0;
    const amounts = lineAmounts(line, date ? (skip || date.length) : 0, wholeUnits).filter((m) => m.surely);
    if (amounts.length === 0) return;
    const label = labelOf(skip ? { ...line, cells: line.cells.slice(1), text: line.cells.slice(1).join(' ') } : line).replace(date && !skip ? line.text.slice(0, date.length) : '', '').trim();
    if (CARRIED.test(label)) return;
    if (date) {
      const money = amounts[amounts.length - 1]!;
      // A negative amount is a payment unless it is a correction (named so, or under the charges column).
      const negativeCharge = money.amount < 0 && (ADJUSTMENT.test(label) || inChargeColumn(money, columns));
      const credit = inCreditColumn(money, columns) || PAYMENT.test(label) || (money.amount < 0 && !negativeCharge);
      // Negative only by its sign (no payment word, no credit column): kept aside in case the sign is a misread speck.
      if (credit && money.amount < 0 && !PAYMENT.test(label) && !inCreditColumn(money, columns)) doubtful.push({ description: label, amount: -money.amount, category: categoryOf(label), date: date.iso });
      if (credit) credits += Math.abs(money.amount);
      else if (label && !TOTAL.test(label)) items.push({ description: label, amount: money.amount, category: categoryOf(label), date: date.iso });
      return;
    }
    if (PAYMENT.test(label) && !TOTAL.test(label.replace(PAYMENT, ''))) {
      credits += Math.abs(amounts[amounts.length - 1]!.amount);
      return;
    }
    if (BALANCE.test(label) && !STRONG_TOTAL.test(label.replace(/balance due/i, ''))) {
      balance = amounts[amounts.length - 1]!.amount;
      return;
    }
    if (isVatLine(label) || (rateRow(line) && amounts.length >= 3)) {
      const vat = vatAmount(amounts);
      if (vat !== undefined) vatLines.push({ amount: vat, label, isTotal: TOTAL.test(label) || /summe|gesamt|totaal/i.test(label) });
      return;
    }
    if (TOTAL.test(label) && !NOT_TOTAL.test(label)) {
      const money = chargesAmount(amounts, columns);
      if (money) totals.push({ amount: money.amount, strong: STRONG_TOTAL.test(label), at });
    }
  });

  // Charges that only a stray minus made credits: when counting them as charges makes the printed total, they are charges.
  const printed = totals.map((t) => t.amount);
  const before = round2(items.reduce((s, l) => s + l.amount, 0));
  const back = round2(doubtful.reduce((s, l) => s + l.amount, 0));
  if (doubtful.length && !printed.some((t) => near(before, t)) && printed.some((t) => near(before + back, t))) {
    items.push(...doubtful);
    items.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
    credits -= back;
  }
  const sum = round2(items.reduce((s, l) => s + l.amount, 0));
  // The total that the charges add up to; else the strongest label; the last one printed breaks ties.
  const pickTotal = () => {
    const consistent = totals.filter((t) => items.length > 0 && near(sum, t.amount));
    const pool = consistent.length ? consistent : totals;
    const strong = pool.filter((t) => t.strong);
    const best = (strong.length ? strong : pool).at(-1);
    return best && { amount: best.amount, strong: best.strong, consistent: consistent.length > 0, derived: false };
  };
  let total = pickTotal();
  // No total printed: the charges are the total when the payments settle them to the printed balance.
  if (!total && items.length > 0 && balance !== undefined && near(round2(sum - credits), balance)) total = { amount: sum, strong: false, consistent: true, derived: true };

  const vatTotal = vatLines.find((v) => v.isTotal);
  const vat = vatTotal ? vatTotal.amount : vatLines.length ? round2(vatLines.reduce((s, v) => s + v.amount, 0)) : undefined;
  const taxItems = items.filter((l) => l.category === 'tax' && !/city|kur|ort|tourist|sojourn|séjour|soggiorno|tur[íi]stic|toeristen|accommodation tax/i.test(l.description));
  const tax = vat ?? (taxItems.length ? round2(taxItems.reduce((s, l) => s + l.amount, 0)) : undefined);
  return {
    items,
    credits: round2(credits),
    total,
    tax,
    taxLabel: vatLines[0]?.label,
    taxSource: vat !== undefined ? 'vat-summary' : tax !== undefined ? 'tax-lines' : undefined,
    balance,
  };
}

