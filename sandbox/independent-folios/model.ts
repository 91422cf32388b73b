// What an independent-corpus folio is made of (a stay, its charges and payments), the local formats
// hotels print it in, and what a perfect extractor reads from it. Written apart from the sandbox's
// own folio renderer so that the corpus tests the parser, not the generator it grew up with.

export const HOUSE_STYLES = [
  'opera-information-invoice',
  'us-select-service',
  'german-rechnung',
  'italian-conto',
  'portuguese-fatura',
  'dutch-nota',
  'swiss-two-page',
  'uk-vat-folio',
  'spanish-factura',
  'japan-yen',
] as const;
export type HouseStyle = (typeof HOUSE_STYLES)[number];

export type ChargeKind = 'room' | 'breakfast' | 'minibar' | 'restaurant' | 'parking' | 'citytax' | 'laundry' | 'phone' | 'statetax' | 'occupancytax' | 'adjustment';

export interface Charge {
  date: string;
  kind: ChargeKind;
  amount: number;
  qty?: number;
}

export interface Payment {
  date: string;
  method: string;
  amount: number;
}

export interface IndependentFolio {
  style: HouseStyle;
  hotel: { name: string; lines: string[]; taxId: string };
  guest: { title: string; first: string; last: string };
  addressLines: string[];
  arrival: string;
  departure: string;
  room: string;
  folioNumber: string;
  confirmationNumber?: string;
  currency: string;
  /** Every billable row (tax rows included where the house itemises them), in date order. */
  charges: Charge[];
  payments: Payment[];
  /** VAT included in the prices (0 where taxes are itemised instead). */
  vatRate: number;
  /** Date order of a style that follows its property's country (OPERA). */
  dateOrder: 'dmy' | 'mdy';
  /** A style's own variations (0..3): which optional blocks it prints. */
  variant: number;
}

/** What a perfect extractor reads from the folio. */
export interface ExpectedFolio {
  guest: { firstName: string; lastName: string };
  arrival: string;
  departure: string;
  folioNumber: string;
  confirmationNumber?: string;
  total: number;
  tax: number;
  currency: string;
  lineItemCount: number;
}

export const round = (n: number, currency: string): number => (currency === 'JPY' ? Math.round(n) : Math.round(n * 100) / 100);

export const chargesTotal = (f: IndependentFolio): number => round(f.charges.reduce((s, c) => s + c.amount, 0), f.currency);

const TAX_ROWS: ChargeKind[] = ['statetax', 'occupancytax'];

/** VAT included in the VAT-able charges (city and accommodation taxes carry none), or the itemised taxes. */
export function vatOf(f: IndependentFolio): number {
  if (f.vatRate === 0) return round(f.charges.filter((c) => TAX_ROWS.includes(c.kind)).reduce((s, c) => s + c.amount, 0), f.currency);
  const gross = f.charges.filter((c) => c.kind !== 'citytax').reduce((s, c) => s + c.amount, 0);
  return round(gross - gross / (1 + f.vatRate), f.currency);
}

export function expectedOf(f: IndependentFolio): ExpectedFolio {
  return {
    guest: { firstName: f.guest.first, lastName: f.guest.last },
    arrival: f.arrival,
    departure: f.departure,
    folioNumber: f.folioNumber,
    confirmationNumber: f.confirmationNumber,
    total: chargesTotal(f),
    tax: vatOf(f),
    currency: f.currency,
    lineItemCount: f.charges.length,
  };
}

// ---- local formats

export type NumberStyle = 'en' | 'de' | 'fr' | 'ch' | 'pt';

/** 1234.5 → "1,234.50" (en), "1.234,50" (de), "1 234,50" (fr), "1'234.50" (ch), "1234,50" (pt). */
export function formatAmount(n: number, style: NumberStyle, decimals = 2): string {
  const [int, frac] = Math.abs(n).toFixed(decimals).split('.');
  const group = { en: ',', de: '.', fr: ' ', ch: "'", pt: '' }[style];
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const point = style === 'en' || style === 'ch' ? '.' : ',';
  return `${n < 0 ? '-' : ''}${grouped}${frac ? point + frac : ''}`;
}

const MONTH_NAMES: Record<string, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  pt: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
};

/**
 * An ISO date in a printed pattern: DD, MM, YY, YYYY, Mon (English abbreviation), Month (full name in
 * `lang`), D (day without padding). "DD-MM-YY", "MM/DD/YY", "D. Month YYYY", "DD Mon YYYY", "YYYY/MM/DD".
 */
export function formatDate(iso: string, pattern: string, lang = 'en'): string {
  const [y, m, d] = iso.split('-');
  const month = MONTH_NAMES[lang]![Number(m) - 1]!;
  return pattern.replace(/YYYY|YY|MM|DD|Month|Mon|D/g, (t) => {
    switch (t) {
      case 'YYYY': return y!;
      case 'YY': return y!.slice(2);
      case 'MM': return m!;
      case 'DD': return d!;
      case 'Month': return month;
      case 'Mon': return MONTH_NAMES.en![Number(m) - 1]!.slice(0, 3);
      default: return String(Number(d));
    }
  });
}

export function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// ---- charge descriptions as each house prints them

const WORDS: Record<string, Record<ChargeKind, string>> = {
  en: { room: 'Accommodation', breakfast: 'Breakfast', minibar: 'Minibar', restaurant: 'Restaurant', parking: 'Car Park', citytax: 'City Tax', laundry: 'Laundry', phone: 'Telephone', statetax: 'State Tax', occupancytax: 'Occupancy Tax', adjustment: 'Rate Adjustment' },
  us: { room: 'GUEST ROOM', breakfast: 'BREAKFAST', minibar: 'MARKET PANTRY', restaurant: 'RESTAURANT', parking: 'PARKING SELF', citytax: 'CITY TAX', laundry: 'LAUNDRY', phone: 'TELEPHONE', statetax: 'STATE TAX', occupancytax: 'OCCUPANCY TAX', adjustment: 'RATE ADJUSTMENT' },
  de: { room: 'Übernachtung', breakfast: 'Frühstück', minibar: 'Minibar', restaurant: 'Restaurant', parking: 'Tiefgarage', citytax: 'Kurtaxe', laundry: 'Wäscheservice', phone: 'Telefon', statetax: 'Steuer', occupancytax: 'Steuer', adjustment: 'Korrektur' },
  it: { room: 'Pernottamento', breakfast: 'Colazione', minibar: 'Frigobar', restaurant: 'Ristorante', parking: 'Garage', citytax: 'Tassa di soggiorno', laundry: 'Lavanderia', phone: 'Telefono', statetax: 'Imposta', occupancytax: 'Imposta', adjustment: 'Storno' },
  pt: { room: 'Alojamento', breakfast: 'Pequeno-almoço', minibar: 'Minibar', restaurant: 'Restaurante', parking: 'Estacionamento', citytax: 'Taxa turística', laundry: 'Lavandaria', phone: 'Telefone', statetax: 'Imposto', occupancytax: 'Imposto', adjustment: 'Correção' },
  nl: { room: 'Logies', breakfast: 'Ontbijt', minibar: 'Minibar', restaurant: 'Restaurant', parking: 'Parkeren', citytax: 'Toeristenbelasting', laundry: 'Wasserij', phone: 'Telefoon', statetax: 'Belasting', occupancytax: 'Belasting', adjustment: 'Correctie' },
  es: { room: 'Alojamiento', breakfast: 'Desayuno', minibar: 'Minibar', restaurant: 'Restaurante', parking: 'Aparcamiento', citytax: 'Tasa turística', laundry: 'Lavandería', phone: 'Teléfono', statetax: 'Impuesto', occupancytax: 'Impuesto', adjustment: 'Rectificación' },
  ja: { room: 'Room Charge', breakfast: 'Breakfast Buffet', minibar: 'Refrigerator', restaurant: 'Restaurant', parking: 'Parking', citytax: 'Accommodation Tax', laundry: 'Laundry Service', phone: 'Telephone', statetax: 'Tax', occupancytax: 'Tax', adjustment: 'Adjustment' },
};

export function describe(kind: ChargeKind, lang: keyof typeof WORDS): string {
  return WORDS[lang]![kind];
}
