// The building blocks of the independent corpus's house styles: label columns, charge tables that page
// over with carried-forward lines, rows, money and date formats.
import { describe, formatAmount, formatDate, type ChargeKind, type IndependentFolio, type NumberStyle } from './model';
import { Sheet, type FontName } from './sheet';

export interface Column {
  x: number;
  header: string;
  align?: 'left' | 'right';
}

export interface Row {
  date: string;
  text: string;
  qty?: number;
  /** Amount charged (debit) or paid (credit). */
  charge?: number;
  credit?: number;
  unit?: number;
}

export interface TableSpec {
  columns: Record<'date' | 'text' | 'charge', Column> & Partial<Record<'qty' | 'unit' | 'credit' | 'vat', Column>>;
  date: (iso: string) => string;
  amount: (n: number) => string;
  /** Payments as negative charges where there is no credit column. */
  rows: Row[];
  font?: FontName;
  size?: number;
  rowHeight?: number;
  /** Rows per page before a page break (with carried-forward lines when `carried` is set). */
  perPage: number;
  carried?: { label: string; labelTop?: string };
  /** Redraws the page header after a page break; returns where the table starts. */
  onNewPage?: (page: number) => number;
  vatColumnText?: string;
  perWord?: boolean;
}

export function labelColumn(sheet: Sheet, x: number, top: number, pairs: [string, string | undefined][], o: { colonAt?: number; valueAt?: number; size?: number; lineHeight?: number; font?: FontName } = {}): number {
  const size = o.size ?? 8.5;
  const lh = o.lineHeight ?? 12;
  let y = top;
  for (const [label, value] of pairs) {
    if (value === undefined) continue;
    sheet.text(x, y, label, { size, font: o.font });
    if (o.colonAt !== undefined) sheet.text(o.colonAt, y, ':', { size });
    sheet.text(o.valueAt ?? x + 80, y, value, { size, font: o.font });
    y += lh;
  }
  return y;
}

/** Draws the charge rows under a header, paging over when needed; returns the y after the last row. */
export function chargeTable(sheet: Sheet, top: number, t: TableSpec): { y: number; pages: number } {
  const size = t.size ?? 8.5;
  const rh = t.rowHeight ?? 12;
  const header = (y: number) => {
    for (const c of Object.values(t.columns)) if (c) sheet.text(c.x, y, c.header, { size, font: 'sansBold', align: c.align });
    sheet.line(40, y + 4, sheet.size.width - 40, y + 4);
    return y + rh + 2;
  };
  let y = header(top);
  let carried = 0;
  let onPage = 0;
  let pages = 1;
  const amountCell = (col: Column | undefined, n: number | undefined, at: number) => {
    if (col && n !== undefined) sheet.text(col.x, at, t.amount(n), { size, font: t.font, align: col.align ?? 'right' });
  };
  for (const row of t.rows) {
    if (onPage === t.perPage) {
      if (t.carried) {
        sheet.text(t.columns.text.x, y + 4, t.carried.label, { size, font: 'sansBold' });
        amountCell(t.columns.charge, carried, y + 4);
      }
      sheet.newPage();
      pages++;
      y = header(t.onNewPage ? t.onNewPage(pages) : 60);
      if (t.carried) {
        sheet.text(t.columns.text.x, y, t.carried.labelTop ?? t.carried.label, { size, font: 'sansBold' });
        amountCell(t.columns.charge, carried, y);
        y += rh;
      }
      onPage = 0;
    }
    sheet.text(t.columns.date.x, y, t.date(row.date), { size, font: t.font });
    sheet.text(t.columns.text.x, y, row.text, { size, font: t.font, perWord: t.perWord });
    if (t.columns.qty && row.qty !== undefined) sheet.text(t.columns.qty.x, y, String(row.qty), { size, align: 'right' });
    if (t.columns.unit && row.unit !== undefined) amountCell(t.columns.unit, row.unit, y);
    if (t.columns.vat && t.vatColumnText && row.charge !== undefined) sheet.text(t.columns.vat.x, y, t.vatColumnText, { size, align: 'right' });
    amountCell(t.columns.charge, row.charge, y);
    amountCell(t.columns.credit, row.credit, y);
    carried += row.charge ?? 0;
    y += rh;
    onPage++;
  }
  return { y, pages };
}

/** Charge rows in the style's language; payments as credits (or negative charges when `negativePayments`). */
export function rowsOf(f: IndependentFolio, lang: Parameters<typeof describe>[1], o: { negativePayments?: boolean; withQty?: boolean } = {}): Row[] {
  const rows: Row[] = f.charges.map((c) => ({
    date: c.date,
    text: describe(c.kind as ChargeKind, lang),
    charge: c.amount,
    ...(o.withQty ? { qty: c.qty ?? 1, unit: Math.round((c.amount / (c.qty ?? 1)) * 100) / 100 } : {}),
  }));
  for (const p of f.payments) rows.push(o.negativePayments ? { date: p.date, text: p.method, charge: -p.amount } : { date: p.date, text: p.method, credit: p.amount });
  return rows;
}

export const money = (style: NumberStyle, decimals = 2) => (n: number) => formatAmount(n, style, decimals);
export const dates = (pattern: string, lang = 'en') => (iso: string) => formatDate(iso, pattern, lang);
