// Realistic hotel folios as PDF for the sandbox hotels and the extraction tests: letterhead, guest
// block, one dated line per night, extras, taxes, totals and payment, in several house styles that
// differ in labels, order, date and number formats. An image-only variant has no text layer.
import PDFDocument from 'pdfkit';
import type { FolioData, LineCategory } from '../domain/model';

export type FolioLayout = 'classic' | 'modern' | 'compact' | 'german' | 'french' | 'spanish';
export type FolioCurrency = 'EUR' | 'USD' | 'GBP' | 'CHF' | 'JPY' | (string & {});

export interface FolioSpec {
  hotelName: string;
  hotelAddress?: string;
  guests: { firstName: string; lastName: string }[];
  arrival: string;
  departure: string;
  folioNumber: string;
  confirmationNumber?: string;
  roomNumber?: string;
  currency: FolioCurrency;
  nightlyRate: number;
  extras?: { description: string; amount: number; category: LineCategory; date?: string }[];
  /** 0.1 = 10 %. Added on top in the English styles, included in prices in the continental ones. */
  taxRate: number;
  layout: FolioLayout;
  /** No text layer at all, as a scanned paper bill. */
  imageOnly?: boolean;
  /** House habits on top of the layout, so a corpus is more than six clean styles. */
  quirks?: FolioQuirks;
}

export interface FolioQuirks {
  /** Mr/Ms, Herr/Frau, M./Mme, Sr./Sra. before guest names. */
  titles?: boolean;
  /** Other common wordings of the header labels ("Date of Arrival", "Ankunft", "Nom du client"). */
  altLabels?: boolean;
  /** Header dates spelled out ("3. April 2026", "3 de abril de 2026"). */
  longDates?: boolean;
  /** No arrival/departure printed: only the nightly charges show the stay. */
  stayDatesOmitted?: boolean;
  /** ISO codes instead of currency symbols. */
  currencyCodes?: boolean;
}

interface Style {
  lang: 'en' | 'de' | 'fr' | 'es';
  title: string;
  folio: string;
  confirmation: string;
  room: string;
  guest: string;
  arrival: string;
  departure: string;
  columns: [string, string, string];
  night: string;
  taxLine: (pct: string) => string;
  /** VAT included in the prices (continental) or added as a charge (English-speaking). */
  taxIncluded: boolean;
  subtotal?: string;
  total: string;
  payment: string;
  balance: string;
  guestJoin: string;
  guestName: (g: { firstName: string; lastName: string }) => string;
  date: (iso: string) => string;
  money: (n: number, currency: string) => string;
  footer: string;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£', JPY: '¥' };

const decimals = (currency: string) => (currency === 'JPY' ? 0 : 2);
export const roundMoney = (n: number, currency: string) => {
  const f = 10 ** decimals(currency);
  return Math.round(n * f) / f;
};

function group(n: number, currency: string, thousands: string, point: string): string {
  const [int, frac] = Math.abs(n).toFixed(decimals(currency)).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  return `${n < 0 ? '-' : ''}${grouped}${frac ? point + frac : ''}`;
}

const ymd = (iso: string) => iso.split('-') as [string, string, string];

const STYLES: Record<FolioLayout, Style> = {
  classic: {
    lang: 'en', title: 'GUEST FOLIO', folio: 'Folio No.', confirmation: 'Confirmation No.', room: 'Room', guest: 'Guest Name',
    arrival: 'Arrival', departure: 'Departure', columns: ['Date', 'Description', 'Charges'], night: 'Accommodation',
    taxLine: (p) => `Occupancy Tax ${p}%`, taxIncluded: false, total: 'Total', payment: 'Payment', balance: 'Balance',
    guestJoin: '; ', guestName: (g) => `${g.lastName.toUpperCase()}, ${g.firstName.toUpperCase()}`,
    date: (iso) => { const [y, m, d] = ymd(iso); return `${d}-${MONTHS_EN[Number(m) - 1]!.toUpperCase()}-${y.slice(2)}`; },
    money: (n, c) => group(n, c, ',', '.'), footer: 'Thank you for staying with us. We look forward to welcoming you again.',
  },
  modern: {
    lang: 'en', title: 'Invoice', folio: 'Invoice #', confirmation: 'Booking ref.', room: 'Room', guest: 'Guest',
    arrival: 'Check-in', departure: 'Check-out', columns: ['Date', 'Item', 'Amount'], night: 'Room night',
    taxLine: (p) => `VAT ${p}%`, taxIncluded: false, subtotal: 'Subtotal', total: 'Total due', payment: 'Paid by card', balance: 'Balance due',
    guestJoin: ' & ', guestName: (g) => `${g.firstName} ${g.lastName}`,
    date: (iso) => { const [y, m, d] = ymd(iso); return `${MONTHS_EN[Number(m) - 1]} ${Number(d)}, ${y}`; },
    money: (n, c) => { const s = SYMBOLS[c]; const v = group(Math.abs(n), c, ',', '.'); return `${n < 0 ? '-' : ''}${s ?? `${c} `}${v}`; },
    footer: 'Questions about this invoice? Reply to reservations@ with your booking reference.',
  },
  compact: {
    lang: 'en', title: 'FOLIO', folio: 'Folio', confirmation: 'Conf', room: 'Rm', guest: 'Name', arrival: 'In', departure: 'Out',
    columns: ['Date', 'Code / Text', 'Amt'], night: 'RM CHG', taxLine: (p) => `TAX ${p}%`, taxIncluded: false,
    total: 'TOTAL', payment: 'PMT CC', balance: 'BAL', guestJoin: ' / ', guestName: (g) => `${g.lastName.toUpperCase()}/${g.firstName.toUpperCase()}`,
    date: (iso) => iso, money: (n, c) => n.toFixed(decimals(c)), footer: 'E&OE',
  },
  german: {
    lang: 'de', title: 'Rechnung', folio: 'Rechnungsnummer', confirmation: 'Reservierungsnummer', room: 'Zimmer', guest: 'Gast',
    arrival: 'Anreise', departure: 'Abreise', columns: ['Datum', 'Leistung', 'Betrag'], night: 'Übernachtung',
    taxLine: (p) => `enthaltene MwSt. ${p} %`, taxIncluded: true, subtotal: 'Nettobetrag', total: 'Gesamtbetrag', payment: 'Zahlung EC-Karte',
    balance: 'Saldo', guestJoin: '; ', guestName: (g) => `${g.lastName}, ${g.firstName}`,
    date: (iso) => { const [y, m, d] = ymd(iso); return `${d}.${m}.${y}`; },
    money: (n, c) => `${group(n, c, '.', ',')} ${SYMBOLS[c] ?? c}`, footer: 'Vielen Dank für Ihren Aufenthalt. USt-IdNr. DE 123 456 789',
  },
  french: {
    lang: 'fr', title: 'Facture', folio: 'N° de facture', confirmation: 'N° de réservation', room: 'Chambre', guest: 'Client',
    arrival: 'Arrivée', departure: 'Départ', columns: ['Date', 'Prestation', 'Montant'], night: 'Hébergement',
    taxLine: (p) => `dont TVA ${p} %`, taxIncluded: true, subtotal: 'Total HT', total: 'Total TTC', payment: 'Règlement CB',
    balance: 'Solde', guestJoin: ' et ', guestName: (g) => `${g.firstName} ${g.lastName.toUpperCase()}`,
    date: (iso) => { const [y, m, d] = ymd(iso); return `${d}/${m}/${y}`; },
    money: (n, c) => `${group(n, c, '\u00a0', ',')} ${SYMBOLS[c] ?? c}`, footer: 'Merci de votre visite. SIRET 123 456 789 00012',
  },
  spanish: {
    lang: 'es', title: 'Factura', folio: 'Nº de factura', confirmation: 'Localizador', room: 'Habitación', guest: 'Huésped',
    arrival: 'Llegada', departure: 'Salida', columns: ['Fecha', 'Concepto', 'Importe'], night: 'Alojamiento',
    taxLine: (p) => `IVA incluido ${p} %`, taxIncluded: true, subtotal: 'Base imponible', total: 'Total factura', payment: 'Pago con tarjeta',
    balance: 'Saldo', guestJoin: ' y ', guestName: (g) => `${g.firstName} ${g.lastName}`,
    date: (iso) => { const [y, m, d] = ymd(iso); return `${d}/${m}/${y}`; },
    money: (n, c) => `${group(n, c, '.', ',')} ${SYMBOLS[c] ?? c}`, footer: 'Gracias por su estancia. CIF B-12345678',
  },
};

export function styleOf(layout: FolioLayout): Pick<Style, 'lang' | 'taxIncluded'> {
  return STYLES[layout];
}

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function stayNights(arrival: string, departure: string): string[] {
  const nights: string[] = [];
  for (let d = arrival; d < departure; d = addDays(d, 1)) nights.push(d);
  return nights;
}

interface Bill {
  lines: FolioData['lineItems'];
  net: number;
  tax: number;
  total: number;
  taxLabel: string;
}

/** The charges as the hotel computes them; the expected extraction is derived from the same numbers. */
export function billOf(spec: FolioSpec): Bill {
  const style = STYLES[spec.layout];
  const c = spec.currency;
  const nights = stayNights(spec.arrival, spec.departure);
  const lines: FolioData['lineItems'] = nights.map((date) => ({ description: style.night, amount: roundMoney(spec.nightlyRate, c), category: 'room', date }));
  for (const e of spec.extras ?? []) lines.push({ description: e.description, amount: roundMoney(e.amount, c), category: e.category, date: e.date ?? nights[nights.length - 1] ?? spec.arrival });
  lines.sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : 0));
  const charges = roundMoney(lines.reduce((s, l) => s + l.amount, 0), c);
  const pct = String(Math.round(spec.taxRate * 1000) / 10).replace('.', style.lang === 'en' ? '.' : ',');
  const taxLabel = style.taxLine(pct);
  if (style.taxIncluded) {
    const tax = roundMoney(charges - charges / (1 + spec.taxRate), c);
    return { lines, net: roundMoney(charges - tax, c), tax, total: charges, taxLabel };
  }
  const tax = roundMoney(charges * spec.taxRate, c);
  lines.push({ description: taxLabel, amount: tax, category: 'tax', date: spec.departure });
  return { lines, net: charges, tax, total: roundMoney(charges + tax, c), taxLabel };
}

/** What a perfect extractor reads from this folio. */
export function expectedFolioData(spec: FolioSpec): FolioData {
  const bill = billOf(spec);
  return {
    hotelName: spec.hotelName,
    guestNames: spec.guests.map((g) => `${g.firstName} ${g.lastName}`),
    arrival: spec.arrival,
    departure: spec.departure,
    folioNumber: spec.folioNumber,
    confirmationNumber: spec.confirmationNumber,
    lineItems: bill.lines,
    total: bill.total,
    tax: bill.tax,
    currency: spec.currency,
    confidence: {},
    extractor: 'local',
  };
}

interface Pen {
  text(s: string, x: number, y: number, o?: { size?: number; bold?: boolean; right?: boolean }): void;
}

/** Real text (a text layer pdf-parse and Document AI can read). With `right`, x is the right edge. */
function textPen(doc: PDFKit.PDFDocument): Pen {
  return {
    text(s, x, y, o = {}) {
      doc.font(o.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(o.size ?? 9);
      const left = o.right ? x - doc.widthOfString(s) : x;
      doc.fillColor('#111111').text(s, left, y, { lineBreak: false });
    },
  };
}

/** The same page drawn as dots, slightly rotated like a sheet through a scanner. */
function dotPen(doc: PDFKit.PDFDocument): Pen {
  return {
    text(s, x, y, o = {}) {
      const cap = (o.size ?? 9) * 0.62;
      const left = o.right ? x - dotWidth(s, cap) : x;
      drawDots(doc, s, left, y, cap);
    },
  };
}

const PAY_CARDS = ['Visa', 'Mastercard', 'Amex', 'Maestro'];

function paymentText(spec: FolioSpec, style: Style): string {
  const n = [...spec.folioNumber].reduce((s, ch) => s + ch.charCodeAt(0), 0);
  return `${style.payment} ${PAY_CARDS[n % PAY_CARDS.length]} ****${String(1000 + (n * 37) % 9000)}`;
}

const ALT_LABELS: Record<Style['lang'], Pick<Style, 'folio' | 'confirmation' | 'guest' | 'arrival' | 'departure'>> = {
  en: { folio: 'Bill No.', confirmation: 'Reservation No.', guest: 'Guests', arrival: 'Date of Arrival', departure: 'Date of Departure' },
  de: { folio: 'Rechnung Nr.', confirmation: 'Buchungsnummer', guest: 'Gastname', arrival: 'Ankunft', departure: 'Abreisedatum' },
  fr: { folio: 'Numéro de facture', confirmation: 'N° de confirmation', guest: 'Nom du client', arrival: "Date d'arrivée", departure: 'Date de départ' },
  es: { folio: 'Número de factura', confirmation: 'Número de reserva', guest: 'Cliente', arrival: 'Fecha de entrada', departure: 'Fecha de salida' },
};
const MONTH_NAMES: Record<Style['lang'], string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
};
const TITLES: Record<Style['lang'], [string, string]> = { en: ['Mr', 'Ms'], de: ['Herr', 'Frau'], fr: ['M.', 'Mme'], es: ['Sr.', 'Sra.'] };

function longDate(lang: Style['lang'], iso: string): string {
  const [y, m, d] = ymd(iso);
  const month = MONTH_NAMES[lang][Number(m) - 1]!;
  const day = Number(d);
  return { en: `${month} ${day}, ${y}`, de: `${day}. ${month} ${y}`, fr: `${day} ${month} ${y}`, es: `${day} de ${month} de ${y}` }[lang];
}

function withQuirks(style: Style, q: FolioQuirks = {}): Style & { headerDate: (iso: string) => string } {
  const out: Style = { ...style, ...(q.altLabels ? ALT_LABELS[style.lang] : {}) };
  if (q.titles) {
    let i = 0;
    out.guestName = (g) => `${TITLES[style.lang][i++ % 2]} ${style.guestName(g)}`;
  }
  if (q.currencyCodes) out.money = (n, c) => style.money(n, c).replace(/[€$£¥]/, (sym) => ` ${Object.entries(SYMBOLS).find(([, v]) => v === sym)![0]} `).replace(/\s+/g, ' ').trim();
  return { ...out, headerDate: q.longDates ? (iso) => longDate(style.lang, iso) : style.date };
}

function drawFolioPage(pen: Pen, spec: FolioSpec): void {
  const style = withQuirks(STYLES[spec.layout], spec.quirks);
  const showStay = !spec.quirks?.stayDatesOmitted;
  const bill = billOf(spec);
  const c = spec.currency;
  const money = (n: number) => style.money(n, c);
  const guests = spec.guests.map(style.guestName).join(style.guestJoin);
  const address = spec.hotelAddress ?? '';
  const room = spec.roomNumber ?? '';
  const L = 50;
  const R = 545;
  let y = 50;
  const row = (h = 14) => (y += h);
  const sep = style.lang === 'fr' ? ' : ' : ': ';
  const field = (label: string, value: string, x = L) => pen.text(`${label}${sep}${value}`, x, y);

  switch (spec.layout) {
    case 'classic':
      pen.text(spec.hotelName, 297 - spec.hotelName.length * 4.5, y, { size: 16, bold: true });
      row(22);
      if (address) pen.text(address, 297 - address.length * 2.2, y, { size: 8 });
      row(24);
      pen.text(style.title, R, y, { bold: true, size: 12, right: true });
      row(20);
      field(style.guest, guests);
      field(style.folio, spec.folioNumber, 340);
      row();
      field(style.room, room);
      if (spec.confirmationNumber) field(style.confirmation, spec.confirmationNumber, 340);
      row();
      if (showStay) field(style.arrival, style.headerDate(spec.arrival));
      pen.text(`All amounts in ${c}`, 340, y);
      row();
      if (showStay) field(style.departure, style.headerDate(spec.departure));
      row(22);
      break;
    case 'modern':
      pen.text(spec.hotelName, L, y, { size: 18, bold: true });
      pen.text(style.title, R, y, { size: 18, right: true });
      row(24);
      if (address) pen.text(address, L, y, { size: 8 });
      pen.text(`${style.folio} ${spec.folioNumber}`, R, y, { right: true });
      row(30);
      pen.text('Billed to', L, y, { bold: true });
      row();
      field(style.guest, guests);
      row();
      if (spec.confirmationNumber) field(style.confirmation, spec.confirmationNumber);
      row();
      pen.text(`${showStay ? `${style.arrival}: ${style.headerDate(spec.arrival)}   ${style.departure}: ${style.headerDate(spec.departure)}   ` : ''}${style.room} ${room}`, L, y);
      row(24);
      break;
    case 'compact':
      pen.text(`${spec.hotelName}${address ? ` - ${address}` : ''}`, L, y, { size: 10, bold: true });
      row(16);
      pen.text(`${style.title}  ${style.folio}: ${spec.folioNumber}  ${spec.confirmationNumber ? `${style.confirmation}: ${spec.confirmationNumber}  ` : ''}${style.room}: ${room}`, L, y, { size: 8 });
      row(12);
      pen.text(`${style.guest}: ${guests}`, L, y, { size: 8 });
      row(12);
      pen.text(`${showStay ? `${style.arrival}: ${style.headerDate(spec.arrival)}  ${style.departure}: ${style.headerDate(spec.departure)}  ` : ''}Amt ${c}`, L, y, { size: 8 });
      row(16);
      break;
    case 'german':
      pen.text(spec.hotelName, R, y, { size: 16, bold: true, right: true });
      row(20);
      if (address) pen.text(address, R, y, { size: 8, right: true });
      row(30);
      pen.text(`${spec.hotelName} · ${address}`, L, y, { size: 6 });
      row(12);
      field(style.guest, guests);
      field(style.folio, spec.folioNumber, 340);
      row();
      if (spec.confirmationNumber) field(style.confirmation, spec.confirmationNumber, 340);
      row();
      field(style.room, room, 340);
      row();
      if (showStay) field(style.arrival, style.headerDate(spec.arrival), 340);
      row();
      if (showStay) field(style.departure, style.headerDate(spec.departure), 340);
      row(24);
      pen.text(style.title, L, y, { size: 14, bold: true });
      row(22);
      break;
    default: // french, spanish
      pen.text(spec.hotelName, L, y, { size: 16, bold: true });
      row(20);
      if (address) pen.text(address, L, y, { size: 8 });
      row(26);
      if (spec.quirks?.altLabels) {
        pen.text(style.title, L, y, { size: 13, bold: true });
        row(22);
        field(style.folio, spec.folioNumber);
        row();
      } else {
        pen.text(`${style.title} n° ${spec.folioNumber}`, L, y, { size: 13, bold: true });
        row(22);
      }
      field(style.guest, guests);
      row();
      if (spec.confirmationNumber) field(style.confirmation, spec.confirmationNumber);
      field(style.room, room, 340);
      row();
      if (showStay) field(style.arrival, style.headerDate(spec.arrival));
      if (showStay) field(style.departure, style.headerDate(spec.departure), 340);
      row(24);
  }

  pen.text(style.columns[0], L, y, { bold: true });
  pen.text(style.columns[1], 130, y, { bold: true });
  pen.text(style.columns[2], R, y, { bold: true, right: true });
  row(16);
  for (const line of bill.lines) {
    const desc = line.category === 'room' ? `${style.night} ${style.room} ${room}`.trim() : line.description;
    pen.text(style.date(line.date!), L, y);
    pen.text(desc, 130, y);
    pen.text(money(line.amount), R, y, { right: true });
    row();
  }
  if (spec.layout === 'classic') {
    // Opera-style: the settlement is a dated credit inside the table.
    pen.text(style.date(spec.departure), L, y);
    pen.text(paymentText(spec, style), 130, y);
    pen.text(money(-bill.total), R, y, { right: true });
    row();
  }
  row(8);
  const sum = (label: string, n: number, bold = false) => {
    pen.text(label, 330, y, { bold });
    pen.text(money(n), R, y, { right: true, bold });
    row();
  };
  if (spec.layout === 'classic') {
    sum(style.total, bill.total, true);
    sum(style.balance, 0);
  } else if (!style.taxIncluded) {
    if (style.subtotal) sum(style.subtotal, bill.net);
    sum(style.total, bill.total, true);
    sum(paymentText(spec, style), -bill.total);
    sum(style.balance, 0);
  } else {
    if (spec.layout === 'german') sum(style.total, bill.total, true);
    if (style.subtotal) sum(style.subtotal, bill.net);
    sum(bill.taxLabel, bill.tax);
    if (spec.layout !== 'german') sum(style.total, bill.total, true);
    sum(paymentText(spec, style), -bill.total);
    sum(style.balance, 0);
  }
  row(30);
  pen.text(style.footer, L, Math.max(y, 760), { size: 7 });
}

async function toBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.end();
  return done;
}

function newDocument(title: string, extra: PDFKit.PDFDocumentOptions = {}): PDFKit.PDFDocument {
  // A fixed creation date keeps the sandbox's PDFs byte-for-byte reproducible from a seed.
  return new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: title, Producer: 'Sandbox PMS', CreationDate: new Date(Date.UTC(2026, 0, 1)) }, ...extra });
}

function addFolioPage(doc: PDFKit.PDFDocument, spec: FolioSpec): void {
  doc.addPage({ size: 'A4', margin: 0 });
  if (spec.imageOnly) {
    doc.save().rotate(0.6, { origin: [297, 421] });
    drawFolioPage(dotPen(doc), spec);
    doc.restore();
  } else drawFolioPage(textPen(doc), spec);
}

export async function renderFolioPdf(spec: FolioSpec, opts: { userPassword?: string } = {}): Promise<Buffer> {
  const doc = newDocument(`${STYLES[spec.layout].title} ${spec.folioNumber}`, opts.userPassword ? { userPassword: opts.userPassword, ownerPassword: `${opts.userPassword}-owner` } : {});
  addFolioPage(doc, spec);
  return toBuffer(doc);
}

/** One PDF holding several guests' folios, one per page, as a hotel answering a batch request sends. */
export async function multiGuestFolio(specs: FolioSpec[]): Promise<Buffer> {
  if (specs.length === 0) throw new Error('multiGuestFolio needs at least one folio');
  const doc = newDocument(`Folios ${specs.map((s) => s.folioNumber).join(', ')}`);
  for (const spec of specs) addFolioPage(doc, spec);
  return toBuffer(doc);
}

// ---- 5×7 dot-matrix alphabet for the image-only variant: filled squares, so no text layer exists.

const ROWS: Record<string, string> = {
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.#### #.... #.... #.... #.... #.... .####',
  D: '####. #...# #...# #...# #...# #...# ####.',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.#### #.... #.... #..## #...# #...# .###.',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# ##..# #.#.# #..## #...# #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '####. ....# ....# .###. ....# ....# ####.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '.###. #.... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ....# .###.',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  ',': '..... ..... ..... ..... .##.. ..#.. .#...',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  ';': '..... .##.. .##.. ..... .##.. ..#.. .#...',
  '-': '..... ..... ..... ##### ..... ..... .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  '/': '....# ...#. ...#. ..#.. .#... .#... #....',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '*': '..... #.#.# .###. ##### .###. #.#.# .....',
  '%': '##..# ##.#. ...#. ..#.. .#... .#.## #..##',
  '&': '.##.. #..#. .##.. .#... #.#.# #..#. .##.#',
  "'": '..#.. ..#.. ..... ..... ..... ..... .....',
  '|': '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  '°': '.##.. #..#. .##.. ..... ..... ..... .....',
  '€': '..### .#... ####. .#... ####. .#... ..###',
  '£': '..##. .#..# .#... ###.. .#... .#... #####',
  '$': '..#.. .#### #.#.. .###. ..#.# ####. ..#..',
  '¥': '#...# .#.#. ..#.. ##### ..#.. ##### ..#..',
  '@': '.###. #...# #.### #.#.# #.### #.... .###.',
};

const GLYPHS = new Map(Object.entries(ROWS).map(([ch, rows]) => [ch, rows.split(' ')]));

function glyphFor(ch: string): string[] | undefined {
  const up = ch.toUpperCase();
  if (up === 'º') return GLYPHS.get('°');
  return GLYPHS.get(up) ?? GLYPHS.get(up.normalize('NFD').replace(/[\u0300-\u036f]/g, '').charAt(0));
}

/** Advance width of one character cell, in points, at a given cap height. */
function dotAdvance(size: number): number {
  return (size / 7) * 6;
}

function dotWidth(text: string, size: number): number {
  return text.length * dotAdvance(size);
}

/** Draws text as filled squares (paths, not glyphs): nothing here is extractable as text. */
function drawDots(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const dot = size / 7;
  let cx = x;
  for (const ch of text) {
    const rows = glyphFor(ch);
    if (rows) {
      rows.forEach((row, r) => {
        for (let c = 0; c < row.length; c++) if (row[c] === '#') doc.rect(cx + c * dot, y + r * dot, dot * 0.92, dot * 0.92);
      });
    }
    cx += dotAdvance(size);
  }
  doc.fill('#222222');
}
