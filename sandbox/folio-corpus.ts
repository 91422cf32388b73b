// A reproducible corpus of sandbox folios (seeded, no Math.random): every house style, several
// currencies, one or several guests, accented and compound names, and house habits (titles, other
// label wordings, spelled-out dates, no printed stay dates, currency codes). Each entry carries what a perfect
// extractor reads from it, so accuracy can be measured field by field.
import type { FolioData, LineCategory } from '../domain/model';
import { prng } from './population';
import { expectedFolioData, stayNights, type FolioLayout, type FolioQuirks, type FolioSpec } from './folio-pdf';

/** The sandbox's one seeded PRNG (mulberry32): the same sequence on every machine. */
export const seededRandom = prng;

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

// Names stay within WinAnsi: the standard PDF fonts the sandbox uses cannot encode Ł or ő.
const FIRST = ['John', 'Mary', 'Jürgen', 'Anna', 'Hélène', 'Jean-Pierre', 'María José', 'José', 'Søren', 'Chloé', 'François', 'Zoë', 'Renée', 'Björn', 'Ana', 'Liam', 'Olivia', 'Yuki', 'Hiroshi', 'Seán', 'Ingrid', 'Gonçalo', 'Mehmet', 'Priya'];
const LAST = ['Smith', 'Müller', 'Dubois', 'García López', "O'Brien", 'Schmidt', 'Lefèvre', 'Núñez', 'Andersson', 'Smith-Jones', 'Rossi', 'Tanaka', 'Kowalski', 'van der Berg', 'Fernández', 'Weiß', 'Brown', 'Nakamura', 'Moreau', 'Østergaard', 'Çelik', 'Patel'];

const HOTELS: Record<FolioLayout, { name: string[]; address: string[]; currencies: string[]; tax: number[] }> = {
  classic: { name: ['Grand Harbor Hotel', 'The Mayfair Court Hotel', 'Lakeside Inn & Suites', 'Park Plaza Hotel'], address: ['100 Harbor Blvd, Boston MA 02110', '12 Curzon Street, London W1J 5HN', '455 Lake Shore Dr, Chicago IL 60611'], currencies: ['USD', 'USD', 'GBP', 'EUR', 'JPY'], tax: [0.145, 0.2, 0.1, 0.0875] },
  modern: { name: ['Hotel Nova', 'The Foundry Hotel', 'Citizen Suites', 'Hotel Alpenblick'], address: ['Bahnhofstrasse 10, 8001 Zürich', '1 King St, Manchester M2 6AZ', '2-1-1 Marunouchi, Tokyo'], currencies: ['CHF', 'GBP', 'EUR', 'USD', 'JPY'], tax: [0.038, 0.2, 0.1, 0.08] },
  compact: { name: ['Airport Express Hotel', 'Budget Inn Central', 'Station Lodge'], address: ['Terminal Rd 5', '77 Main St', '3 Station Sq'], currencies: ['USD', 'GBP', 'EUR', 'JPY'], tax: [0.12, 0.2, 0.1] },
  german: { name: ['Hotel Adler', 'Gasthof zur Post', 'Hotel am Dom', 'Parkhotel Schönbrunn'], address: ['Domplatz 3, 50667 Köln', 'Hauptstraße 12, 80331 München', 'Seestrasse 4, 6004 Luzern'], currencies: ['EUR', 'EUR', 'CHF'], tax: [0.07, 0.19, 0.038] },
  french: { name: ['Hôtel du Parc', 'Hôtel Lumière', 'Le Relais Saint-Germain', 'Hôtel de la Gare'], address: ['12 rue de Rivoli, 75001 Paris', '5 place Bellecour, 69002 Lyon', 'Quai du Mont-Blanc 11, 1201 Genève'], currencies: ['EUR', 'EUR', 'CHF'], tax: [0.1, 0.1, 0.038] },
  spanish: { name: ['Hotel Mirador', 'Hostal La Plaza', 'Gran Hotel Sol', 'Parador de Granada'], address: ['Calle Mayor 1, 28013 Madrid', 'Passeig de Gràcia 20, 08007 Barcelona'], currencies: ['EUR'], tax: [0.1] },
};

const EXTRAS: Record<'en' | 'de' | 'fr' | 'es', Record<Exclude<LineCategory, 'room' | 'tax'>, string[]>> = {
  en: { food_beverage: ['Restaurant', 'Breakfast', 'Minibar', 'Room Service', 'Lobby Bar'], parking: ['Parking', 'Valet Parking'], other: ['Laundry', 'Telephone', 'Spa Treatment'] },
  de: { food_beverage: ['Frühstück', 'Restaurant', 'Minibar', 'Getränke Bar'], parking: ['Tiefgarage', 'Parkplatz'], other: ['Wäscheservice', 'Telefon', 'Wellness'] },
  fr: { food_beverage: ['Petit-déjeuner', 'Restaurant', 'Minibar', 'Bar'], parking: ['Parking', 'Stationnement'], other: ['Blanchisserie', 'Téléphone', 'Spa'] },
  es: { food_beverage: ['Desayuno', 'Restaurante', 'Minibar', 'Cafetería'], parking: ['Aparcamiento', 'Parking'], other: ['Lavandería', 'Teléfono', 'Spa'] },
};
const LANG: Record<FolioLayout, 'en' | 'de' | 'fr' | 'es'> = { classic: 'en', modern: 'en', compact: 'en', german: 'de', french: 'fr', spanish: 'es' };
export const FOLIO_LAYOUTS: readonly FolioLayout[] = ['classic', 'modern', 'compact', 'german', 'french', 'spanish'];

function isoDay(rng: Rng): string {
  const d = new Date(Date.UTC(2025, 0, 1) + int(rng, 0, 700) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function addDays(iso: string, n: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function money(rng: Rng, lo: number, hi: number, currency: string): number {
  if (currency === 'JPY') return int(rng, lo * 100, hi * 100) * 1;
  return int(rng, lo * 100, hi * 100) / 100;
}

function reference(rng: Rng, style: number): string {
  const digits = (n: number) => Array.from({ length: n }, () => int(rng, 0, 9)).join('');
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + int(rng, 0, 25))).join('');
  switch (style % 4) {
    case 0: return `${int(rng, 1, 9)}${digits(7)}`;
    case 1: return `${letters(2)}${digits(6)}`;
    case 2: return `${int(rng, 1, 9)}${digits(4)}-${digits(2)}`;
    default: return `${letters(1)}${digits(5)}${letters(1)}`;
  }
}

/** Each habit on about a third of the folios, independently. */
function quirks(rng: Rng): FolioQuirks | undefined {
  const q: FolioQuirks = {};
  for (const k of ['titles', 'altLabels', 'longDates', 'stayDatesOmitted', 'currencyCodes'] as const) if (rng() < 0.3) q[k] = true;
  return Object.keys(q).length ? q : undefined;
}

export function folioSpec(rng: Rng, layout: FolioLayout = pick(rng, FOLIO_LAYOUTS)): FolioSpec {
  const hotel = HOTELS[layout];
  const currency = pick(rng, hotel.currencies);
  const arrival = isoDay(rng);
  const departure = addDays(arrival, int(rng, 1, 7));
  const guests: FolioSpec['guests'] = [];
  for (let n = rng() < 0.75 ? 1 : int(rng, 2, 3), tries = 0; guests.length < n && tries < 20; tries++) {
    const g = { firstName: pick(rng, FIRST), lastName: pick(rng, LAST) };
    if (!guests.some((o) => o.firstName === g.firstName && o.lastName === g.lastName)) guests.push(g);
  }
  const nights = stayNights(arrival, departure);
  const words = EXTRAS[LANG[layout]];
  const extras: FolioSpec['extras'] = [];
  for (let i = int(rng, 0, 3); i > 0; i--) {
    const category = pick(rng, ['food_beverage', 'food_beverage', 'parking', 'other'] as const);
    extras.push({ description: pick(rng, words[category]), amount: money(rng, 4, 120, currency), category, date: pick(rng, nights) });
  }
  return {
    hotelName: pick(rng, hotel.name),
    hotelAddress: pick(rng, hotel.address),
    guests,
    arrival,
    departure,
    folioNumber: reference(rng, int(rng, 0, 3)),
    confirmationNumber: rng() < 0.8 ? reference(rng, int(rng, 0, 3)) : undefined,
    roomNumber: String(int(rng, 101, 1299)),
    currency,
    nightlyRate: money(rng, 69, 480, currency),
    extras,
    taxRate: pick(rng, hotel.tax),
    layout,
    quirks: quirks(rng),
  };
}

/** `n` folios from `seed`, cycling through every layout so each is equally represented. */
export function folioCorpus(seed: number, n: number): { spec: FolioSpec; expected: FolioData }[] {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const spec = folioSpec(rng, FOLIO_LAYOUTS[i % FOLIO_LAYOUTS.length]);
    return { spec, expected: expectedFolioData(spec) };
  });
}
