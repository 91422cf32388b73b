// The default extractor: reads the text layer of a digital PDF (pdf-parse 2.x, which bundles its own
// pdfjs) and parses it tolerantly — labels in English, German, French and Spanish, any common date and
// number format. No cloud account needed. Scans without a text layer are reported, not guessed at.
import { PDFParse } from 'pdf-parse';
import type { FolioData } from '../../domain/model';
import type { Extractor } from '../../domain/ports';
import { sniffContentType } from './sniff';

export const NO_TEXT_LAYER = 'no text layer (image-only scan) and no OCR configured';
/** Hotels send one bill, or a batch of a few; anything longer is not a folio. */
const MAX_PAGES = 30;
const MIN_TEXT_CHARACTERS = 40;
// pdfjs emits one item per text run; a separator no folio contains keeps the runs apart as cells.
const CELL = '\u001f';

export function unreadable(reason: string, extractor: FolioData['extractor'] = 'local'): FolioData {
  return { guestNames: [], lineItems: [], confidence: {}, extractor, unreadableReason: reason };
}

/** Why bytes that are not a readable PDF cannot be extracted, in words an operator understands. */
export function notPdfReason(sniffed: string): string {
  if (sniffed.startsWith('image/')) return `the document is an image (${sniffed}) and no OCR is configured`;
  if (sniffed === 'application/zip') return 'the document is a zip archive, not a PDF; ask the hotel for the PDF itself';
  return `the document is not a PDF (its bytes look like ${sniffed})`;
}

export function pdfErrorReason(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  const message = (e as { message?: string })?.message ?? String(e);
  if (name === 'PasswordException') return 'the PDF is password-protected (encrypted); ask the hotel for an unprotected copy';
  if (name === 'InvalidPDFException' || name === 'FormatError') return `the PDF is damaged or invalid (${message})`;
  return `the PDF could not be read (${message})`;
}

type PageText = { ok: true; pages: TextLine[][] } | { ok: false; reason: string };

export async function readPdfText(bytes: Buffer): Promise<PageText> {
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    const result = await parser.getText({ itemJoiner: CELL, pageJoiner: '', first: MAX_PAGES });
    const pages = result.pages.map((p) => toLines(p.text));
    // Scanners often stamp a page number or their name on an image: that is not a text layer.
    const characters = pages.flat().reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0);
    if (characters < MIN_TEXT_CHARACTERS) return { ok: false, reason: NO_TEXT_LAYER };
    return { ok: true, pages };
  } catch (e) {
    return { ok: false, reason: pdfErrorReason(e) };
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

function toLines(pageText: string): TextLine[] {
  return pageText
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .split('\n')
    .map((raw) => raw.split(CELL).map((c) => c.trim()).filter((c) => c.length > 0))
    .filter((cells) => cells.length > 0)
    .map((cells) => ({ cells, text: cells.join(' ') }));
}

export class LocalPdfExtractor implements Extractor {
  readonly name = 'local' as const;

  async extract(bytes: Buffer, contentType: string): Promise<FolioData> {
    return (await this.extractAll(bytes, contentType))[0]!;
  }

  /** Every folio in the document: a hotel answering a batch may put several guests' folios in one PDF. */
  async extractAll(bytes: Buffer, _contentType: string): Promise<FolioData[]> {
    // The declared type is the sender's claim; the bytes decide.
    const sniffed = sniffContentType(bytes);
    if (sniffed !== 'application/pdf') return [unreadable(notPdfReason(sniffed))];
    const text = await readPdfText(bytes);
    if (!text.ok) return [unreadable(text.reason)];
    return splitFolios(text.pages).map((lines) => parseFolioLines(lines, 'local'));
  }
}

// ---- Parsing folio text: lines of cells → FolioData. Shared with the Document AI fake.

export interface TextLine {
  cells: string[];
  text: string;
}

type Lang = 'en' | 'de' | 'fr' | 'es';
type DateOrder = 'dmy' | 'mdy';

const LANG_WORDS: Record<Lang, RegExp> = {
  en: /\b(invoice|folio|arrival|departure|guest|room|balance|payment|charges|check-in|check-out|total due|accommodation)\b/gi,
  de: /\b(rechnung|anreise|abreise|gast|zimmer|mwst|gesamtbetrag|leistung|betrag|übernachtung|zahlung)\b/gi,
  fr: /(facture|arrivée|départ|client|chambre|tva|montant|prestation|hébergement|règlement|solde)/gi,
  es: /(factura|llegada|salida|huésped|habitación|iva|importe|concepto|alojamiento|localizador)/gi,
};

function detectLang(text: string): Lang {
  let best: Lang = 'en';
  let bestCount = 0;
  for (const [lang, re] of Object.entries(LANG_WORDS) as [Lang, RegExp][]) {
    const n = text.match(re)?.length ?? 0;
    if (n > bestCount) [best, bestCount] = [lang, n];
  }
  return best;
}

// ---- dates

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

function leadingDate(s: string, order: DateOrder): { iso: string; length: number } | undefined {
  return dateAt(s, 0, order);
}

/** US month-first only when the numbers prove it, or an English US-dollar folio leaves no other clue. */
function detectDateOrder(text: string, lang: Lang, currency: string | undefined): DateOrder {
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

// ---- money

const CURRENCY_SYMBOLS: Record<string, string> = { '€': 'EUR', '£': 'GBP', '¥': 'JPY', '$': 'USD', 'Fr.': 'CHF', 'SFr.': 'CHF' };
const CODES = 'EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CZK|HUF|AED|SGD|HKD|CNY|INR|MXN|BRL|ZAR|NZD|TRY';
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

interface Money {
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
function lineAmount(line: TextLine): Money | undefined {
  const last = line.cells[line.cells.length - 1]!;
  const cell = last.match(MONEY_CELL);
  if (cell && line.cells.length > 1) return moneyFrom(cell);
  const tail = line.text.match(MONEY_TAIL);
  return tail ? moneyFrom(tail) : undefined;
}

function withoutAmount(line: TextLine): string {
  if (line.cells.length > 1 && MONEY_CELL.test(line.cells[line.cells.length - 1]!)) return line.cells.slice(0, -1).join(' ');
  return line.text.replace(MONEY_TAIL, '').trim();
}

function detectCurrency(text: string): string | undefined {
  const counts = new Map<string, number>();
  const bump = (c: string, w = 1) => counts.set(c, (counts.get(c) ?? 0) + w);
  for (const m of text.matchAll(new RegExp(`(?<![A-Z])(${CODES})(?![A-Z])`, 'g'))) bump(m[1]!, 2);
  for (const m of text.matchAll(/[€£¥$]/g)) bump(CURRENCY_SYMBOLS[m[0]]!);
  let best: string | undefined;
  let n = 0;
  for (const [c, k] of counts) if (k > n) [best, n] = [c, k];
  return best;
}

// ---- labels

const FIELD_LABELS = {
  folioNumber: [
    /\b(?:guest\s+)?(?:folio|invoice|bill|receipt)\s*(?:no\.?|nr\.?|number|num\.?|#)?\s*[:#]?/gi,
    /\b(?:rechnungs?-?(?:nummer|nr\.?)|rechnung\s*(?:nr\.?|nummer)?|beleg-?nr\.?)\s*[:#]?/gi,
    /(?:n[°ºo]\.?\s*de\s*facture|num[ée]ro\s*de\s*facture|facture\s*(?:n[°ºo]\.?)?)\s*:?/gi,
    /(?:n[°ºo]\.?\s*de\s*factura|n[úu]mero\s*de\s*factura|factura\s*(?:n[°ºo]\.?)?)\s*:?/gi,
  ],
  confirmationNumber: [
    /\b(?:confirmation|conf\.?|booking|reservation|res\.?)\s*(?:no\.?|nr\.?|number|num\.?|#|ref\.?|reference|code|id)?\s*[:#]?/gi,
    /\b(?:reservierungs-?(?:nummer|nr\.?)|buchungs-?(?:nummer|nr\.?)|best[äa]tigungs-?(?:nummer|nr\.?))\s*[:#]?/gi,
    /(?:n[°ºo]\.?\s*de\s*(?:r[ée]servation|confirmation)|num[ée]ro\s*de\s*(?:r[ée]servation|confirmation))\s*:?/gi,
    /(?:localizador|n[úu]mero\s*de\s*reserva|n[°ºo]\.?\s*de\s*reserva|c[óo]digo\s*de\s*reserva)\s*:?/gi,
  ],
  guest: [
    /\b(?:guest\s*names?|guests?|name|guest\s*\/\s*name)\s*:/gi,
    /\b(?:gast|gäste|gastname|name\s*des\s*gastes)\s*:/gi,
    /(?:client|cliente|nom\s*du\s*client|nom|hu[ée]sped(?:es)?)\s*:/gi,
  ],
  arrival: [
    /\b(?:arrival(?:\s*date)?|arr\.?|check-?\s?in|in|date\s*in)\s*:?/gi,
    /(?:anreise|ankunft|anreisedatum)\s*:?/gi,
    /(?:arriv[ée]e|date\s*d['’]arriv[ée]e|llegada|entrada|fecha\s*de\s*(?:llegada|entrada))\s*:?/gi,
  ],
  departure: [
    /\b(?:departure(?:\s*date)?|dep\.?|check-?\s?out|out|date\s*out)\s*:?/gi,
    /(?:abreise|abfahrt|abreisedatum)\s*:?/gi,
    /(?:d[ée]part|date\s*de\s*d[ée]part|salida|fecha\s*de\s*salida)\s*:?/gi,
  ],
  room: [/\b(?:room|rm|zimmer|chambre|habitaci[óo]n)\s*(?:no\.?|nr\.?|#)?\s*:/gi],
  currencyNote: [/\b(?:all\s+amounts\s+in|currency|w[äa]hrung|devise|moneda|amt)\b/gi],
};
type Field = keyof typeof FIELD_LABELS;

// A short label ("In", "Out") needs its colon; a word inside a sentence is not a label.
function isShortWordLabel(m: RegExpMatchArray): boolean {
  return /^(in|out|arr\.?|dep\.?|name|nom|res\.?)\s*$/i.test(m[0]);
}

interface LabelHit {
  field: Field;
  start: number;
  end: number;
}

function labelHits(text: string): LabelHit[] {
  const hits: LabelHit[] = [];
  for (const [field, patterns] of Object.entries(FIELD_LABELS) as [Field, RegExp[]][]) {
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        if (isShortWordLabel(m)) continue;
        if (m.index! > 0 && /[\p{L}\p{N}]/u.test(text[m.index! - 1]!)) continue;
        hits.push({ field, start: m.index!, end: m.index! + m[0].length });
      }
    }
  }
  // Longest label wins where labels overlap ("Guest Name:" over "Name:").
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: LabelHit[] = [];
  for (const h of hits) if (!kept.some((k) => h.start < k.end && k.start < h.end)) kept.push(h);
  return kept.sort((a, b) => a.start - b.start);
}

/** Values printed after a field's label, up to the next label on the same line. */
function labelledValues(lines: TextLine[], field: Field): string[] {
  const values: string[] = [];
  for (const line of lines) {
    const hits = labelHits(line.text);
    hits.forEach((h, i) => {
      if (h.field !== field) return;
      const value = line.text.slice(h.end, hits[i + 1]?.start ?? line.text.length).trim();
      if (value) values.push(value);
    });
  }
  return values;
}

function referenceIn(value: string): string | undefined {
  const token = value.split(/\s+/)[0]!.replace(/[.,;:]$/, '');
  if (!/^[A-Z0-9][A-Z0-9\-/._]*$/i.test(token)) return undefined;
  // A reference has a digit, or is a prefixed code like "F-ABCDEF"; a bare word after a label is not one.
  return /\d/.test(token) || /^[A-Z]{1,4}-[A-Z0-9]{3,}$/.test(token) ? token : undefined;
}

// ---- guests

const GUEST_SPLIT = /\s*;\s*|\s+\/\s+|\s+&\s+|\s+(?:and|und|et|y)\s+/i;

function guestNamesFrom(value: string): string[] {
  return value
    .split(GUEST_SPLIT)
    .map((n) => n.trim().replace(/[.,;]$/, ''))
    .filter((n) => /\p{L}{2,}/u.test(n) && !/\d/.test(n))
    .map((n) => {
      // Reservation systems print "LAST, FIRST" or "LAST/FIRST".
      const parts = n.split(/\s*[,/]\s*/);
      return parts.length === 2 && parts[0] && parts[1] ? `${parts[1]} ${parts[0]}` : n;
    });
}

// ---- line items

const PAYMENT = /\b(payment|paid|pmt|settlement|deposit|zahlung|bezahlt|anzahlung|règlement|reglement|paiement|acompte|pago|cobro|abono)\b|visa|mastercard|amex|maestro|\bcash\b|ec-karte|\bcb\b|espèces|efectivo|tarjeta/i;
const CATEGORY_WORDS: [FolioData['lineItems'][number]['category'], RegExp][] = [
  ['food_beverage', /restaurant|breakfast|frühstück|fruhstuck|minibar|room service|roomservice|\bbar\b|dinner|lunch|petit[- ]d[ée]jeuner|d[ée]jeuner|d[îi]ner|desayuno|cena|comida|caf[ée]|coffee|wine|beverage|getränke|boisson|bebida|food|f&b|lounge|bistro|brasserie|snack|pool bar/i],
  ['tax', /\btax(es)?\b|\bvat\b|mwst|\bust\b|\btva\b|\biva\b|\btaxe\b|kurtaxe|city tax|tourist tax|taxe de s[ée]jour|tasa tur[íi]stica|occupancy/i],
  ['parking', /parking|garage|parkplatz|tiefgarage|stationnement|aparcamiento|valet|car park|parkhaus/i],
  ['room', /accommodation|\broom\b|\brm\b|rm chg|lodging|night|übernachtung|ubernachtung|logis|zimmer|h[ée]bergement|chambre|nuit[ée]e|alojamiento|habitaci[óo]n|estancia/i],
];

export function categoryOf(description: string): FolioData['lineItems'][number]['category'] {
  for (const [category, re] of CATEGORY_WORDS) if (re.test(description)) return category;
  return 'other';
}

const TOTAL = /\b(grand total|total due|amount due|total ttc|total factura|total a pagar|importe total|montant total|gesamtbetrag|gesamtsumme|rechnungsbetrag|endbetrag|total|summe|gesamt)\b/i;
const NOT_TOTAL = /sub-?total|total\s*(ht|net|hors)|zwischensumme|netto|base imponible|hors taxe|\bnet\b/i;
const STRONG_TOTAL = /grand|due|ttc|factura|pagar|gesamtbetrag|rechnungsbetrag|endbetrag|montant total|importe total/i;
const TAX = CATEGORY_WORDS[1]![1];
// Tax registration numbers in footers are not tax amounts.
const TAX_ID = /ust-?id|vat\s*(?:id|no|number|reg)|tva\s*intra|n[°º]\s*tva|\bcif\b|\bnif\b|siret|tax\s*id|steuer-?nr/i;
const BALANCE = /balance|saldo|solde|\bbal\b|offen|restant|pendiente|change/i;

interface Totals {
  total?: number;
  tax?: number;
  taxLabel?: string;
}

function summaryOf(lines: { line: TextLine; money: Money; label: string }[]): Totals {
  let total: { amount: number; strong: boolean } | undefined;
  let tax: number | undefined;
  let taxLabel: string | undefined;
  for (const { money, label } of lines) {
    if (PAYMENT.test(label) || BALANCE.test(label)) continue;
    if (TOTAL.test(label) && !NOT_TOTAL.test(label)) {
      const strong = STRONG_TOTAL.test(label);
      if (!total || (strong && !total.strong) || (strong === total.strong && money.amount > total.amount)) total = { amount: money.amount, strong };
    } else if (TAX.test(label) && !TAX_ID.test(label)) {
      tax = (tax ?? 0) + money.amount;
      taxLabel ??= label;
    }
  }
  return { total: total?.amount, tax: tax === undefined ? undefined : round2(tax), taxLabel };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const near = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.02, Math.abs(b) * 0.005) + 1e-9;

/** A tax added on top in the summary (not itemised) is a charge of its own; a tax included in the prices is not. */
export function addTaxLineIfAddedOnTop(items: FolioData['lineItems'], total: number | undefined, tax: number | undefined, label: string): void {
  if (total === undefined || tax === undefined || items.some((l) => l.category === 'tax')) return;
  const sum = round2(items.reduce((s, l) => s + l.amount, 0));
  if (!near(sum, total) && near(sum + tax, total)) items.push({ description: label, amount: tax, category: 'tax' });
}

// ---- one folio

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
