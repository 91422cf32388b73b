// Folio text (lines of cells) → FolioData, with a confidence per field that says how it was found.
// Pure: shared by the local extractor (text layer or OCR), the Document AI mapping and the local
// Document AI endpoint.
import type { FolioData } from '../model';
import { addDays, daysBetween, detectDateOrder, findDate, type DateOrder } from './dates';
import { addresseeName, guestNamesFrom } from './guests';
import { detectLang, labelledValues, referenceIn } from './labels';
import type { TextLine } from './lines';
import { detectCurrency, WHOLE_UNIT_CURRENCIES } from './money';
import { readBill } from './summary';
import { addTaxLineIfAddedOnTop } from './table-rows';

/** How sure a field is, by how it was found. */
export const CONFIDENCE = {
  label: 0.9,
  'label, day/month order assumed': 0.6,
  'reservation-system name': 0.85,
  'addressee block (title)': 0.75,
  'addressee block (reservation form)': 0.7,
  'addressee block': 0.55,
  'first room night': 0.5,
  'day after the last room night': 0.4,
  'total line matching the charges': 0.95,
  'total line': 0.6,
  'charges settled to the balance': 0.8,
  'VAT summary': 0.85,
  'tax lines': 0.7,
  'currency code or symbol': 0.9,
  'letterhead with a hotel word': 0.8,
  letterhead: 0.5,
} as const;
export type FieldSource = keyof typeof CONFIDENCE;

const MAX_STAY_NIGHTS = 90;

export interface ParseOptions {
  /** Parse with this day/month order instead of the detected one. */
  dateOrder?: DateOrder;
}

function stayDates(lines: TextLine[], order: DateOrder) {
  const arrival = labelledValues(lines, 'arrival').map((v) => findDate(v, order)).find(Boolean);
  const departure = labelledValues(lines, 'departure').map((v) => findDate(v, order)).find(Boolean);
  return { arrival, departure };
}

function guests(lines: TextLine[], hotelName: string | undefined): { names: string[]; source?: FieldSource } {
  const raw = labelledValues(lines, 'guest');
  const labelled = [...new Set(raw.flatMap(guestNamesFrom))];
  if (labelled.length) return { names: labelled, source: raw.some((v) => /^[\p{L}' -]+\s*[/,]\s*\p{L}/u.test(v)) ? 'reservation-system name' : 'label' };
  // No labelled guest: the addressee block of the first page, if it has one.
  const addressee = addresseeName(lines, hotelName);
  if (!addressee) return { names: [] };
  const source: FieldSource = addressee.how === 'title' ? 'addressee block (title)' : addressee.how === 'reservation' ? 'addressee block (reservation form)' : 'addressee block';
  return { names: [addressee.name], source };
}

/** A stay the dates describe: departure after arrival, not absurdly long, every dated charge inside it. */
function plausibleStay(d: Pick<FolioData, 'arrival' | 'departure' | 'lineItems'>): boolean {
  if (!d.arrival || !d.departure) return !!(d.arrival || d.departure);
  const nights = daysBetween(d.arrival, d.departure);
  if (nights < 0 || nights > MAX_STAY_NIGHTS) return false;
  if (!d.lineItems.every((l) => !l.date || (daysBetween(d.arrival!, l.date) >= -1 && daysBetween(l.date, d.departure!) >= -1))) return false;
  // Nightly room charges count the nights: a reading with many more nights than charged nights is not this stay.
  const roomNights = new Set(d.lineItems.filter((l) => l.category === 'room' && l.date).map((l) => l.date)).size;
  return roomNights === 0 || Math.abs(nights - roomNights) <= 1;
}

function parseWithOrder(lines: TextLine[], extractor: FolioData['extractor'], order: DateOrder, ambiguous: boolean): FolioData {
  const text = lines.map((l) => l.text).join('\n');
  const currency = detectCurrency(text);
  const sources: Record<string, FieldSource> = {};
  let { arrival, departure } = stayDates(lines, order);
  const bill = readBill(lines, order, { arrival, departure }, !!currency && WHOLE_UNIT_CURRENCIES.has(currency));
  const items = bill.items;
  addTaxLineIfAddedOnTop(items, bill.total?.amount, bill.tax, bill.taxLabel ?? 'Tax');

  if (arrival) sources.arrival = ambiguous ? 'label, day/month order assumed' : 'label';
  if (departure) sources.departure = ambiguous ? 'label, day/month order assumed' : 'label';
  // No labelled stay dates: the nightly room charges give them.
  const nights = items.filter((l) => l.category === 'room' && l.date).map((l) => l.date!).sort();
  if (!arrival && nights.length) [arrival, sources.arrival] = [nights[0], 'first room night'];
  if (!departure && nights.length) [departure, sources.departure] = [addDays(nights[nights.length - 1]!, 1), 'day after the last room night'];

  const folioNumber = labelledValues(lines, 'folioNumber').map(referenceIn).find(Boolean);
  const confirmationNumber = labelledValues(lines, 'confirmationNumber').map(referenceIn).find(Boolean);
  if (folioNumber) sources.folioNumber = 'label';
  if (confirmationNumber) sources.confirmationNumber = 'label';

  // The letterhead's first run, without an address printed on the same line.
  const hotelName = lines[0]?.cells[0]?.split(/\s+[-–·|]\s+/)[0];
  if (hotelName) sources.hotelName = /hotel|hôtel|inn|resort|suites|lodge|palace|gasthof|hostal|pension|residence|parador|albergo|pousada/i.test(hotelName) ? 'letterhead with a hotel word' : 'letterhead';
  const guest = guests(lines, hotelName);
  if (guest.source) sources.guestNames = guest.source;
  if (currency) sources.currency = 'currency code or symbol';
  if (bill.total) sources.total = bill.total.derived ? 'charges settled to the balance' : bill.total.consistent ? 'total line matching the charges' : 'total line';
  if (bill.taxSource) sources.tax = bill.taxSource === 'vat-summary' ? 'VAT summary' : 'tax lines';

  const confidence: Record<string, number> = {};
  for (const f of ['hotelName', 'guestNames', 'arrival', 'departure', 'folioNumber', 'confirmationNumber', 'currency', 'total', 'tax'] as const) confidence[f] = sources[f] ? CONFIDENCE[sources[f]] : 0;
  confidence.lineItems = items.length === 0 ? 0 : bill.total?.consistent ? 0.9 : 0.4;

  return {
    hotelName,
    guestNames: guest.names,
    arrival,
    departure,
    folioNumber,
    confirmationNumber,
    lineItems: items,
    total: bill.total?.amount,
    tax: bill.tax,
    currency,
    confidence,
    fieldSources: sources,
    extractor,
  };
}

export function parseFolioLines(lines: TextLine[], extractor: FolioData['extractor'], opts: ParseOptions = {}): FolioData {
  const text = lines.map((l) => l.text).join('\n');
  const evidence = opts.dateOrder ? { order: opts.dateOrder, ambiguous: false } : detectDateOrder(text, detectLang(text), detectCurrency(text));
  const first = parseWithOrder(lines, extractor, evidence.order, evidence.ambiguous);
  if (!evidence.ambiguous) return first;
  // Numbers alone leave day and month open: read the other way too, and keep what makes a stay.
  const otherOrder: DateOrder = evidence.order === 'dmy' ? 'mdy' : 'dmy';
  const other = parseWithOrder(lines, extractor, otherOrder, true);
  const [firstOk, otherOk] = [plausibleStay(first), plausibleStay(other)];
  const [chosen, alternative, alternativeOrder] = !firstOk && otherOk ? [other, first, evidence.order] : [first, other, otherOrder];
  if (firstOk && otherOk && alternative.arrival && alternative.departure && (alternative.arrival !== chosen.arrival || alternative.departure !== chosen.departure)) {
    chosen.alternativeStay = { arrival: alternative.arrival, departure: alternative.departure, dateOrder: alternativeOrder };
  } else {
    // Only one order makes a stay (or both read the same): the order is settled after all.
    for (const f of ['arrival', 'departure'] as const) {
      if (chosen.fieldSources?.[f] === 'label, day/month order assumed') [chosen.fieldSources[f], chosen.confidence[f]] = ['label', CONFIDENCE.label];
    }
  }
  return chosen;
}

/** Page indexes grouped by folio: a page that names another folio or guest, or says it is page 1, starts a new folio; other pages continue the previous one. */
export function folioPageGroups(pages: TextLine[][]): number[][] {
  const groups: number[][] = [];
  let identity: string | undefined;
  pages.forEach((lines, i) => {
    if (lines.length === 0) return;
    const text = lines.map((l) => l.text).join('\n');
    const folio = labelledValues(lines, 'folioNumber').map(referenceIn).find(Boolean);
    const guest = labelledValues(lines, 'guest').flatMap(guestNamesFrom)[0];
    const id = folio ?? guest?.toLowerCase();
    const pageNo = text.match(/\b(?:page|seite|pagina|página|pag\.?|blatt|feuille|blad)\s*(?:no\.?|nr\.?)?\s*:?\s*(\d+)\s*(?:of|von|\/|di|de|van|sur)\s*\d+/i);
    const continues = groups.length > 0 && (pageNo ? pageNo[1] !== '1' : id === undefined || identity === undefined || id === identity);
    if (continues) {
      groups[groups.length - 1]!.push(i);
      identity ??= id;
    } else {
      groups.push([i]);
      identity = id;
    }
  });
  return groups;
}

export function splitFolios(pages: TextLine[][]): TextLine[][] {
  const folios = folioPageGroups(pages).map((g) => g.flatMap((i) => pages[i]!));
  return folios.length ? folios : [[]];
}
