// Folio text (lines of cells) → FolioData, and a multi-folio document split per folio. Pure: shared by
// the local extractor, the Document AI mapping and the local Document AI endpoint.
import type { FolioData } from '../model';
import { addDays, detectDateOrder, findDate, leadingDate } from './dates';
import { detectLang, guestNamesFrom, labelHits, labelledValues, referenceIn } from './labels';
import type { TextLine } from './lines';
import { detectCurrency, lineAmount, near, round2, withoutAmount, type Money } from './money';
import { addTaxLineIfAddedOnTop, categoryOf, PAYMENT, summaryOf, TAX, TOTAL } from './table-rows';

export function parseFolioLines(lines: TextLine[], extractor: FolioData['extractor']): FolioData {
  const text = lines.map((l) => l.text).join('\n');
  const lang = detectLang(text);
  const currency = detectCurrency(text);
  const order = detectDateOrder(text, lang, currency);
  const confidence: Record<string, number> = {};

  const items: FolioData['lineItems'] = [];
  const summary: { line: TextLine; money: Money; label: string }[] = [];
  for (const line of lines) {
    const money = lineAmount(line);
    if (!money) continue;
    const date = leadingDate(line.text, order);
    const rest = withoutAmount(line);
    if (date) {
      const description = rest.slice(date.length).trim();
      if (!description || PAYMENT.test(description) || money.amount < 0) continue;
      items.push({ description, amount: money.amount, category: categoryOf(description), date: date.iso });
    } else if (labelHits(rest).length === 0 || TOTAL.test(rest) || TAX.test(rest)) {
      summary.push({ line, money, label: rest });
    }
  }

  const totals = summaryOf(summary);
  const taxItems = items.filter((l) => l.category === 'tax');
  addTaxLineIfAddedOnTop(items, totals.total, totals.tax, totals.taxLabel ?? 'Tax');
  const tax = totals.tax ?? (taxItems.length ? round2(taxItems.reduce((s, l) => s + l.amount, 0)) : undefined);
  const sum = round2(items.reduce((s, l) => s + l.amount, 0));
  const consistent = totals.total !== undefined && items.length > 0 && near(sum, totals.total);

  const folioNumber = labelledValues(lines, 'folioNumber').map(referenceIn).find(Boolean);
  const confirmationNumber = labelledValues(lines, 'confirmationNumber').map(referenceIn).find(Boolean);
  const guestNames = [...new Set(labelledValues(lines, 'guest').flatMap(guestNamesFrom))];

  let arrival = labelledValues(lines, 'arrival').map((v) => findDate(v, order)).find(Boolean);
  let departure = labelledValues(lines, 'departure').map((v) => findDate(v, order)).find(Boolean);
  confidence.arrival = arrival ? 0.9 : 0;
  confidence.departure = departure ? 0.9 : 0;
  // No labelled stay dates: the nightly room charges give them.
  const nights = items.filter((l) => l.category === 'room' && l.date).map((l) => l.date!).sort();
  if (!arrival && nights.length) [arrival, confidence.arrival] = [nights[0], 0.5];
  if (!departure && nights.length) [departure, confidence.departure] = [addDays(nights[nights.length - 1]!, 1), 0.4];

  // The letterhead's first run, without an address printed on the same line.
  const hotelName = lines[0]?.cells[0]?.split(/\s+[-–·|]\s+/)[0];
  confidence.hotelName = hotelName ? (/hotel|hôtel|inn|resort|suites|lodge|palace|gasthof|hostal|pension|residence|parador/i.test(hotelName) ? 0.8 : 0.5) : 0;
  confidence.guestNames = guestNames.length ? 0.9 : 0;
  confidence.folioNumber = folioNumber ? 0.9 : 0;
  confidence.confirmationNumber = confirmationNumber ? 0.9 : 0;
  confidence.currency = currency ? 0.9 : 0;
  confidence.total = totals.total === undefined ? 0 : consistent ? 0.95 : 0.6;
  confidence.tax = tax === undefined ? 0 : 0.8;
  confidence.lineItems = items.length === 0 ? 0 : consistent ? 0.9 : 0.4;

  return {
    hotelName,
    guestNames,
    arrival,
    departure,
    folioNumber,
    confirmationNumber,
    lineItems: items,
    total: totals.total,
    tax,
    currency,
    confidence,
    extractor,
  };
}

/** Page indexes grouped by folio: a page that names a guest or a folio number starts a new folio; other pages continue the previous one. */
export function folioPageGroups(pages: TextLine[][]): number[][] {
  const groups: number[][] = [];
  pages.forEach((lines, i) => {
    if (lines.length === 0) return;
    const startsFolio = labelledValues(lines, 'guest').length > 0 || labelledValues(lines, 'folioNumber').some((v) => referenceIn(v));
    if (startsFolio || groups.length === 0) groups.push([i]);
    else groups[groups.length - 1]!.push(i);
  });
  return groups;
}

export function splitFolios(pages: TextLine[][]): TextLine[][] {
  const folios = folioPageGroups(pages).map((g) => g.flatMap((i) => pages[i]!));
  return folios.length ? folios : [[]];
}