// What a row of the bill is: a dated charge (and its category), a payment, a total, a tax or a balance.
import type { FolioData } from '../model';
import type { TextLine } from './lines';
import { near, round2, type Money } from './money';

export const PAYMENT = /\b(payment|paid|pmt|settlement|deposit|zahlung|bezahlt|anzahlung|règlement|reglement|paiement|acompte|pago|cobro|abono)\b|visa|mastercard|amex|maestro|\bcash\b|ec-karte|\bcb\b|espèces|efectivo|tarjeta/i;
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

export const TOTAL = /\b(grand total|total due|amount due|total ttc|total factura|total a pagar|importe total|montant total|gesamtbetrag|gesamtsumme|rechnungsbetrag|endbetrag|total|summe|gesamt)\b/i;
const NOT_TOTAL = /sub-?total|total\s*(ht|net|hors)|zwischensumme|netto|base imponible|hors taxe|\bnet\b/i;
const STRONG_TOTAL = /grand|due|ttc|factura|pagar|gesamtbetrag|rechnungsbetrag|endbetrag|montant total|importe total/i;
export const TAX = CATEGORY_WORDS[1]![1];
// Tax registration numbers in footers are not tax amounts.
const TAX_ID = /ust-?id|vat\s*(?:id|no|number|reg)|tva\s*intra|n[°º]\s*tva|\bcif\b|\bnif\b|siret|tax\s*id|steuer-?nr/i;
const BALANCE = /balance|saldo|solde|\bbal\b|offen|restant|pendiente|change/i;

export interface Totals {
  total?: number;
  tax?: number;
  taxLabel?: string;
}

export function summaryOf(lines: { line: TextLine; money: Money; label: string }[]): Totals {
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


/** A tax added on top in the summary (not itemised) is a charge of its own; a tax included in the prices is not. */
export function addTaxLineIfAddedOnTop(items: FolioData['lineItems'], total: number | undefined, tax: number | undefined, label: string): void {
  if (total === undefined || tax === undefined || items.some((l) => l.category === 'tax')) return;
  const sum = round2(items.reduce((s, l) => s + l.amount, 0));
  if (!near(sum, total) && near(sum + tax, total)) items.push({ description: label, amount: tax, category: 'tax' });
}
