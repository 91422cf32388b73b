// A reproducible independent folio corpus: folios of ten house styles modelled on what real
// property-management systems print, each with what a perfect extractor reads from it. Its own seeded
// PRNG and name pools; nothing is shared with the sandbox's own corpus.
import { addDays, chargesTotal, expectedOf, HOUSE_STYLES, round, type Charge, type ExpectedFolio, type HouseStyle, type IndependentFolio } from './model';
import { renderIndependentFolio } from './render';

type Rng = () => number;

/** xorshift32: a different generator from the sandbox's, on purpose. */
export function xorshift(seed: number): Rng {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const digits = (rng: Rng, n: number) => Array.from({ length: n }, (_, i) => between(rng, i === 0 ? 1 : 0, 9)).join('');

interface House {
  hotels: { name: string; lines: string[]; currency?: string }[];
  currency: (rng: Rng) => string;
  vatRate: number;
  titles: string[];
  first: string[];
  last: string[];
  street: (rng: Rng) => string[];
  folio: (rng: Rng) => string;
  confirmation: (rng: Rng) => string | undefined;
  payments: string[];
  cityTax?: number;
  rate: [number, number];
}

const EN_FIRST = ['James', 'Sarah', 'Michael', 'Emily', 'David', 'Laura', 'Robert', 'Olivia', 'Thomas', 'Hannah', 'Daniel', 'Grace'];
const EN_LAST = ['Wilson', 'Thompson', 'Walker', 'Harris', 'Clarke', 'Robinson', 'Wright', 'Hughes', 'Edwards', 'Turner', "O'Connor", 'Bennett-Hale'];

const HOUSES: Record<HouseStyle, House> = {
  'opera-information-invoice': {
    hotels: [{ name: 'THE WESTBURY PALACE', lines: ['1 Harbour Road', 'Dublin 2, Ireland'], currency: 'EUR' }, { name: 'Grand Continental Hotel', lines: ['700 Michigan Avenue', 'Chicago, IL 60611'], currency: 'USD' }, { name: 'Marina Bay Residence Hotel', lines: ['Al Sufouh Road', 'Dubai, United Arab Emirates'], currency: 'AED' }],
    currency: () => 'EUR',
    vatRate: 0.09,
    titles: ['Mr.', 'Mrs.', 'Ms.', 'Dr.'],
    first: EN_FIRST,
    last: EN_LAST,
    street: (rng) => [`${between(rng, 1, 999)} ${pick(rng, ['Park Avenue', 'Elm Street', 'Baker Street', 'Queens Road'])}`, pick(rng, ['New York, NY 10022', 'London W1U 6TY', 'Toronto, ON M5V 2T6'])],
    folio: (rng) => digits(rng, 6),
    confirmation: (rng) => digits(rng, 9),
    payments: ['Visa Card XXXXXXXXXXXX4417', 'Mastercard XXXXXXXXXXXX9031', 'American Express XXXXXXXXXXX1005'],
    cityTax: 3.5,
    rate: [160, 420],
  },
  'us-select-service': {
    hotels: [{ name: 'Hampton Ridge Inn & Suites', lines: ['4101 Airport Blvd', 'Austin, TX 78722', '(512) 555-0147'] }, { name: 'Courtland Suites Downtown', lines: ['225 W Madison St', 'Denver, CO 80202', '(303) 555-0199'] }],
    currency: () => 'USD',
    vatRate: 0,
    titles: ['', ''],
    first: ['JOHN', 'MARY', 'KEVIN', 'LINDA', 'BRIAN', 'SUSAN', 'JASON', 'KAREN', 'ERIC', 'NANCY'],
    last: ['ANDERSON', 'MARTINEZ', 'JOHNSON', 'WILLIAMS', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'TAYLOR', 'MOORE'],
    street: (rng) => [`${between(rng, 100, 9999)} ${pick(rng, ['OAK ST', 'MAPLE AVE', 'PINE DR', 'LAKE RD'])}`, pick(rng, ['SEATTLE WA 98101', 'ATLANTA GA 30303', 'BOSTON MA 02110'])],
    folio: (rng) => digits(rng, 7),
    confirmation: (rng) => digits(rng, 8),
    payments: ['VS *4417', 'MC *9031', 'AX *1005'],
    rate: [99, 229],
  },
  'german-rechnung': {
    hotels: [{ name: 'Hotel Zum Goldenen Hirsch', lines: ['Marktplatz 7', '91541 Rothenburg ob der Tauber'] }, { name: 'Parkhotel Lindenhof', lines: ['Lindenallee 21', '10117 Berlin'] }],
    currency: () => 'EUR',
    vatRate: 0.07,
    titles: ['Herrn', 'Frau'],
    first: ['Jürgen', 'Sabine', 'Klaus', 'Ursula', 'Stefan', 'Birgit', 'Matthias', 'Katrin', 'Jörg', 'Anke'],
    last: ['Müller', 'Schäfer', 'Becker', 'Hoffmann', 'Weiß', 'Köhler', 'Schröder', 'Zimmermann', 'Krüger', 'Braun'],
    street: (rng) => [`${pick(rng, ['Hauptstraße', 'Bahnhofstr.', 'Gartenweg', 'Schillerplatz'])} ${between(rng, 1, 120)}`, pick(rng, ['80331 München', '50667 Köln', '20095 Hamburg'])],
    folio: (rng) => `${between(rng, 2025, 2026)}-${digits(rng, 5)}`,
    confirmation: (rng) => (rng() < 0.8 ? digits(rng, 6) : undefined),
    payments: ['Zahlung EC-Karte', 'Zahlung Kreditkarte Visa', 'Zahlung bar'],
    cityTax: 2.5,
    rate: [89, 189],
  },
  'italian-conto': {
    hotels: [{ name: 'Hotel Bellavista', lines: ['Via Roma 12', '50123 Firenze (FI)'] }, { name: 'Albergo San Marco', lines: ['Calle Larga 344', '30124 Venezia (VE)'] }],
    currency: () => 'EUR',
    vatRate: 0.1,
    titles: ['Sig.', 'Sig.ra'],
    first: ['Mario', 'Giulia', 'Luca', 'Francesca', 'Giuseppe', 'Chiara', 'Alessandro', 'Elena', 'Niccolò', 'Sara'],
    last: ['Rossi', 'Bianchi', 'Esposito', 'Ferrari', 'Romano', 'Colombo', 'Ricci', 'Marino', 'De Luca', 'Galli'],
    street: (rng) => [`Via ${pick(rng, ['Garibaldi', 'Mazzini', 'Verdi', 'Cavour'])} ${between(rng, 1, 90)}`, pick(rng, ['20121 Milano', '00184 Roma', '10121 Torino'])],
    folio: (rng) => `${digits(rng, 4)}/${between(rng, 2025, 2026)}`,
    confirmation: (rng) => (rng() < 0.7 ? digits(rng, 7) : undefined),
    payments: ['Pagamento carta di credito', 'Pagamento Bancomat', 'Pagamento contanti'],
    cityTax: 4,
    rate: [110, 350],
  },
  'portuguese-fatura': {
    hotels: [{ name: 'Hotel Miradouro do Tejo', lines: ['Rua Augusta 101', '1100-053 Lisboa'] }, { name: 'Grande Hotel da Ribeira', lines: ['Cais da Ribeira 5', '4050-510 Porto'] }],
    currency: () => 'EUR',
    vatRate: 0.06,
    titles: ['Sr.', 'Sra.'],
    first: ['João', 'Maria', 'Tiago', 'Inês', 'Gonçalo', 'Beatriz', 'Rui', 'Sofia', 'André', 'Leonor'],
    last: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Sousa', 'Gonçalves'],
    street: (rng) => [`Av. ${pick(rng, ['da Liberdade', 'da República', 'Almirante Reis'])} ${between(rng, 1, 250)}`, pick(rng, ['1250-096 Lisboa', '4000-322 Porto', '3000-150 Coimbra'])],
    folio: (rng) => `FT ${between(rng, 2025, 2026)}/${digits(rng, 4)}`,
    confirmation: (rng) => (rng() < 0.75 ? digits(rng, 6) : undefined),
    payments: ['Pagamento Multibanco', 'Pagamento Cartão Visa', 'Pagamento Numerário'],
    cityTax: 2,
    rate: [75, 240],
  },
  'dutch-nota': {
    hotels: [{ name: 'Hotel De Gouden Leeuw', lines: ['Herengracht 341', '1016 AZ Amsterdam'] }, { name: 'Grand Hotel Maastoren', lines: ['Wilhelminakade 9', '3072 AP Rotterdam'] }],
    currency: () => 'EUR',
    vatRate: 0.09,
    titles: ['Dhr.', 'Mevr.'],
    first: ['Jan', 'Anouk', 'Pieter', 'Sanne', 'Daan', 'Femke', 'Bram', 'Lotte', 'Thijs', 'Eva'],
    last: ['de Vries', 'Jansen', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'de Jong', 'van Dijk', 'Meijer', 'Mulder'],
    street: (rng) => [`${pick(rng, ['Kerkstraat', 'Dorpsweg', 'Stationsplein', 'Molenlaan'])} ${between(rng, 1, 200)}`, pick(rng, ['3511 LX Utrecht', '2511 CV Den Haag', '5611 AZ Eindhoven'])],
    folio: (rng) => `${between(rng, 2025, 2026)}${digits(rng, 5)}`,
    confirmation: (rng) => (rng() < 0.7 ? `R${digits(rng, 6)}` : undefined),
    payments: ['Betaling PIN', 'Betaling creditcard', 'Betaling contant'],
    cityTax: 3.8,
    rate: [95, 260],
  },
  'swiss-two-page': {
    hotels: [{ name: 'Hotel Schweizerhof', lines: ['Bahnhofplatz 11', '3001 Bern'] }, { name: 'Romantik Hotel Säntis', lines: ['Dorfstrasse 3', '9057 Weissbad'] }],
    currency: () => 'CHF',
    vatRate: 0.038,
    titles: ['Herr', 'Frau'],
    first: ['Peter', 'Regula', 'Beat', 'Monika', 'Urs', 'Daniela', 'Reto', 'Claudia', 'Lukas', 'Nicole'],
    last: ['Meier', 'Keller', 'Huber', 'Gerber', 'Brunner', 'Baumann', 'Frei', 'Zürcher', 'Steiner', 'Moser'],
    street: (rng) => [`${pick(rng, ['Seestrasse', 'Bergweg', 'Kirchgasse', 'Rosenweg'])} ${between(rng, 1, 80)}`, pick(rng, ['8001 Zürich', '4051 Basel', '6003 Luzern'])],
    folio: (rng) => digits(rng, 6),
    confirmation: (rng) => (rng() < 0.8 ? digits(rng, 8) : undefined),
    payments: ['Zahlung Visa', 'Zahlung Mastercard', 'Zahlung Twint'],
    cityTax: 4.2,
    rate: [180, 420],
  },
  'uk-vat-folio': {
    hotels: [{ name: 'The Kensington Arms Hotel', lines: ['22 Cromwell Road', 'London SW7 4EF'] }, { name: 'Royal Crescent Hotel', lines: ['16 Royal Crescent', 'Bath BA1 2LS'] }],
    currency: () => 'GBP',
    vatRate: 0.2,
    titles: ['Mr', 'Mrs', 'Ms', 'Dr'],
    first: EN_FIRST,
    last: EN_LAST,
    street: (rng) => [`${between(rng, 1, 99)} ${pick(rng, ['High Street', 'Church Lane', 'Station Road', 'Mill Road'])}`, pick(rng, ['Manchester M1 4BT', 'Leeds LS1 5DL', 'Bristol BS1 6QA'])],
    folio: (rng) => `F${digits(rng, 6)}`,
    confirmation: (rng) => (rng() < 0.8 ? `${digits(rng, 5)}${pick(rng, ['SB', 'KX', 'LH'])}${digits(rng, 2)}` : undefined),
    payments: ['Mastercard', 'Visa Debit', 'American Express'],
    rate: [120, 380],
  },
  'spanish-factura': {
    hotels: [{ name: 'Hotel Plaza Mayor', lines: ['Calle de Toledo 4', '28005 Madrid'] }, { name: 'Gran Hotel Miramar', lines: ['Paseo Marítimo 22', '29016 Málaga'] }],
    currency: () => 'EUR',
    vatRate: 0.1,
    titles: ['D.', 'Dña.'],
    first: ['José', 'María', 'Javier', 'Lucía', 'Antonio', 'Carmen', 'Manuel', 'Pilar', 'Álvaro', 'Marta'],
    last: ['García López', 'Fernández', 'Martínez Ruiz', 'Sánchez', 'Pérez Gómez', 'Romero', 'Navarro', 'Jiménez', 'Muñoz', 'Álvarez Díaz'],
    street: (rng) => [`Calle ${pick(rng, ['Mayor', 'Real', 'del Sol', 'Nueva'])} ${between(rng, 1, 99)}`, pick(rng, ['41001 Sevilla', '46002 Valencia', '08002 Barcelona'])],
    folio: (rng) => `A${between(rng, 25, 26)}/${digits(rng, 5)}`,
    confirmation: (rng) => (rng() < 0.8 ? `${digits(rng, 4)}${pick(rng, ['BK', 'EX', 'HB'])}${digits(rng, 3)}` : undefined),
    payments: ['Pago tarjeta de crédito', 'Cobro efectivo', 'Pago Visa'],
    cityTax: 1.1,
    rate: [85, 260],
  },
  'japan-yen': {
    hotels: [{ name: 'Shinjuku Central Tower Hotel', lines: ['2-7-2 Nishi-Shinjuku, Shinjuku-ku', 'Tokyo 160-0023 Japan'] }, { name: 'Kyoto Station Garden Hotel', lines: ['Higashi-Shiokoji-cho 721', 'Shimogyo-ku, Kyoto 600-8216'] }],
    currency: () => 'JPY',
    vatRate: 0.1,
    titles: ['MR', 'MS'],
    first: ['HIROSHI', 'YUKI', 'TAKESHI', 'AYAKO', 'KENJI', 'MISAKI', 'DAISUKE', 'HARUKA'],
    last: ['SATO', 'SUZUKI', 'TAKAHASHI', 'TANAKA', 'WATANABE', 'ITO', 'YAMAMOTO', 'NAKAMURA'],
    street: (rng) => [`${between(rng, 1, 9)}-${between(rng, 1, 30)}-${between(rng, 1, 20)} ${pick(rng, ['Umeda', 'Sakae', 'Hakata'])}`, pick(rng, ['Osaka', 'Nagoya', 'Fukuoka'])],
    folio: (rng) => digits(rng, 5),
    confirmation: (rng) => (rng() < 0.8 ? digits(rng, 10) : undefined),
    payments: ['VISA', 'JCB', 'Cash'],
    cityTax: 200,
    rate: [14000, 38000],
  },
};

function charges(rng: Rng, style: HouseStyle, house: House, currency: string, arrival: string, nights: number): Charge[] {
  const out: Charge[] = [];
  const rate = currency === 'JPY' ? Math.round(between(rng, house.rate[0], house.rate[1]) / 100) * 100 : between(rng, house.rate[0], house.rate[1]) + pick(rng, [0, 0.5, 0.9]);
  const extras: Charge['kind'][] = ['breakfast', 'minibar', 'restaurant', 'parking', 'laundry', 'phone'];
  for (let n = 0; n < nights; n++) {
    const date = addDays(arrival, n);
    out.push({ date, kind: 'room', amount: rate });
    if (style === 'us-select-service') {
      out.push({ date, kind: 'statetax', amount: round(rate * 0.06, currency) });
      out.push({ date, kind: 'occupancytax', amount: round(rate * 0.09, currency) });
    }
    if (house.cityTax && style !== 'uk-vat-folio') out.push({ date, kind: 'citytax', amount: house.cityTax });
    if (rng() < 0.45) {
      const kind = pick(rng, extras);
      const qty = kind === 'breakfast' ? between(rng, 1, 2) : undefined;
      const unit = currency === 'JPY' ? between(rng, 8, 40) * 100 : between(rng, 6, 60) + pick(rng, [0, 0.5]);
      out.push({ date, kind, amount: round(unit * (qty ?? 1), currency), ...(qty ? { qty } : {}) });
    }
  }
  return out;
}

export function independentFolio(seed: number, index: number, style: HouseStyle = HOUSE_STYLES[index % HOUSE_STYLES.length]!): IndependentFolio {
  const rng = xorshift(seed * 7919 + index * 104729 + 1);
  const house = HOUSES[style];
  const hotel = pick(rng, house.hotels);
  const currency = hotel.currency ?? house.currency(rng);
  const nights = style === 'swiss-two-page' ? between(rng, 4, 7) : between(rng, 1, 5);
  const arrival = addDays('2025-01-01', between(rng, 0, 700));
  const departure = addDays(arrival, nights);
  const bill = charges(rng, style, house, currency, arrival, nights);
  const folio: IndependentFolio = {
    style,
    hotel: { ...hotel, taxId: `${pick(rng, ['VAT', 'USt-IdNr.', 'P.IVA', 'NIF', 'BTW', 'CHE', 'T'])} ${digits(rng, 9)}` },
    guest: { title: pick(rng, house.titles), first: pick(rng, house.first), last: pick(rng, house.last) },
    addressLines: house.street(rng),
    arrival,
    departure,
    room: String(between(rng, 101, 1450)),
    folioNumber: house.folio(rng),
    confirmationNumber: house.confirmation(rng),
    currency,
    charges: bill,
    payments: [],
    vatRate: house.vatRate,
    // OPERA prints dates in its property's convention: month first in the United States.
    dateOrder: style === 'us-select-service' || (style === 'opera-information-invoice' && currency === 'USD') ? 'mdy' : 'dmy',
    variant: between(rng, 0, 3),
  };
  if (style === 'opera-information-invoice' && currency === 'USD') folio.vatRate = 0;
  // PMS habits: a rate adjustment booked as a negative charge, an advance deposit taken weeks before arrival.
  if ((style === 'opera-information-invoice' || style === 'us-select-service') && folio.variant === 3) {
    folio.charges.push({ date: addDays(departure, -1), kind: 'adjustment', amount: -round(bill[0]!.amount * 0.1, currency) });
  }
  const total = chargesTotal(folio);
  if (style === 'opera-information-invoice' && folio.variant === 1) {
    const deposit = round(bill[0]!.amount, currency);
    folio.payments.push({ date: addDays(arrival, -between(rng, 7, 30)), method: 'Advance Deposit', amount: deposit });
    folio.payments.push({ date: departure, method: pick(rng, house.payments), amount: round(total - deposit, currency) });
  } else folio.payments.push({ date: departure, method: pick(rng, house.payments), amount: total });
  return folio;
}

export interface IndependentEntry {
  folio: IndependentFolio;
  expected: ExpectedFolio;
}

/** `n` folios cycling the ten house styles, reproducible for a seed. */
export function independentCorpus(seed: number, n: number): IndependentEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const folio = independentFolio(seed, i);
    return { folio, expected: expectedOf(folio) };
  });
}

export { renderIndependentFolio };
