// What a line of the bill is: a table header (and where its Charges/Credits columns sit), a dated
// charge and its category, a payment or deposit (a credit, never a charge), a carried-forward line, or a
// summary line (total, VAT, balance).
import type { FolioData } from '../model';
import type { TextLine } from './lines';
import { near, round2, type Money } from './money';

export const PAYMENT = /\b(payments?|paid|pmt|settlement|deposit|advance|prepayment|refund|zahlung(?:en)?|bezahlt|anzahlung|vorauszahlung|règlement|reglement|paiement|acompte|versement|pago|pagos|cobro|abono|anticipo|pagamento|pagato|acconto|caparra|betaling|betaald|aanbetaling|voldaan|pinbetaling)\b|visa|mastercard|master card|amex|american express|maestro|\bjcb\b|diners|\bcash\b|ec-karte|girocard|\btwint\b|\bcb\b|carte bancaire|espèces|efectivo|tarjeta|bancomat|contanti|carta di credito|multibanco|numerário|cartão|\bpin\b|contant|creditcard|\b(?:vs|mc|ax|dc)\s?\*|\bcredit card\b|bank transfer|überweisung|virement|transferencia|bonifico|transferência|overboeking/i;

/** Corrections booked as negative charges: they reduce the bill, they are not payments. */
export const ADJUSTMENT = /adjust|\badj\b|rebate|allowance|correct|discount|storno|korrektur|rabatt|nachlass|sconto|riduzione|descuento|rectificaci|ajuste|desconto|corre[çc][ãa]o|korting|correctie|void|reversal|abattement|remise|r[ée]duction/i;

/** Lines that repeat a sum from an earlier page: counting them again would double the bill. */
export const CARRIED = /carried\s*(?:forward|over)|brought\s*forward|balance\s*forward|b\/f|c\/f|übertrag|vortrag|à\s*reporter|report\s*(?:de\s*la\s*page|précédent)|suma\s*y\s*sigue|suma\s*anterior|riporto|a\s*riportare|transporte|a\s*transportar|transport|overgebracht|van\s*vorige\s*pagina/i;

type Category = FolioData['lineItems'][number]['category'];
const CATEGORY_WORDS: [Category, RegExp][] = [
  ['food_beverage', /restaurant|ristorante|restaurante|breakfast|frühstück|fruhstuck|minibar|mini bar|frigobar|refrigerator|market pantry|room service|roomservice|\bbar\b|dinner|lunch|petit[- ]d[ée]jeuner|d[ée]jeuner|d[îi]ner|desayuno|cena|comida|colazione|pranzo|pequeno-almo[çc]o|almo[çc]o|jantar|ontbijt|diner|lunch|caf[ée]|coffee|wine|beverage|getränke|boisson|bebida|bevande|dranken|food|f&b|lounge|bistro|brasserie|snack|pool bar/i],
  ['tax', /tax(es)?\b|\bvat\b|mwst|\bust\b|\btva\b|\biva\b|\btaxe\b|kurtaxe|ortstaxe|city tax|tourist tax|taxe de s[ée]jour|tasa tur[íi]stica|tassa di soggiorno|imposta di soggiorno|taxa tur[íi]stica|toeristenbelasting|\bbtw\b|occupancy/i],
  ['parking', /parking|garage|parkplatz|tiefgarage|stationnement|aparcamiento|estacionamento|parcheggio|parkeren|valet|car park|parkhaus/i],
  ['room', /accommodation|\broom\b|\brm\b|rm chg|guest room|lodging|night|übernachtung|ubernachtung|logis|logies|zimmer|h[ée]bergement|chambre|nuit[ée]e|alojamiento|alojamento|habitaci[óo]n|estancia|pernottamento|camera|quarto|overnachting|kamer/i],
];

export function categoryOf(description: string): Category {
  for (const [category, re] of CATEGORY_WORDS) if (re.test(description)) return category;
  return 'other';
}

export const TOTAL = /\b(grand total|total due|amount due|total amount|total charges|total ttc|total factura|total a pagar|importe total|montant total|gesamtbetrag|gesamtsumme|rechnungsbetrag|endbetrag|totale(?:\s+da\s+pagare)?|totaal|total|summe|gesamt|suma)\b/i;
export const NOT_TOTAL = /sub-?total|total\s*(ht|net|hors|excl)|zwischensumme|netto|nett?o?\s*betrag|base imponible|hors taxe|\bnet\b|il[íi]quido|imponibile|subtotaal|total\s*(?:payments?|credits?|paid|zahlungen|pagos|pagamentos|pagamenti|betalingen)|haben|gutschrift/i;
export const STRONG_TOTAL = /grand|due|ttc|factura|pagar|gesamtbetrag|rechnungsbetrag|endbetrag|montant total|importe total|da pagare|total charges|total amount/i;
/** Value-added tax words (not city or tourist taxes, which are charges). */
export const VAT = /\bvat\b|mwst|m\.w\.st|\bust\b|\btva\b|\biva\b|\bbtw\b|consumption tax|\bgst\b|\bhst\b|sales tax|mehrwertsteuer|imposto sobre o valor|taxe sur la valeur/i;
// Tax registration numbers in footers are not tax amounts.
export const TAX_ID = /ust-?id|vat\s*(?:id|no|number|reg)|tva\s*intra|n[°º]\s*tva|\bcif\b|\bnif\b|siret|tax\s*id|steuer-?nr|mwst-?nr|btw-?nr|p\.\s?iva|partita iva|\bkvk\b|registration no/i;
export const BALANCE = /balance|saldo|solde|\bbal\b|offen(?:er|e)?\b|restant|pendiente|openstaand|em d[íi]vida|da saldare|change\b|troco|rückgeld/i;
// A total "including VAT" is a total, not a VAT line.
const INCLUSIVE = /\b(?:incl\.?|inkl\.?|inc\.?|including|inclusive|incluido|incluído|inclusa|compris|ttc)\b/i;

export function isVatLine(label: string): boolean {
  if (!VAT.test(label) || TAX_ID.test(label)) return false;
  const total = label.match(TOTAL);
  const vat = label.match(VAT);
  // "Gesamtbetrag inkl. MwSt." is a total; "Total IVA", "MwSt. gesamt" are VAT.
  return !(total && vat && total.index! < vat.index! && INCLUSIVE.test(label.slice(total.index!, vat.index!)) && !NOT_TOTAL.test(label));
}

// ---- table headers: where the Charges and Credits columns are

const CHARGE_HEAD = /^(charges?|debits?|debit|soll|belastung|lastschrift|cargos?|cargo|débits?|d[ée]bito|addebit[oi]|dare|debet|amount|betrag|importo|importe|montant|valor|bedrag|total|gesamt|amount\s*\(.*\)|importo\s*€|charges\s*¥?)$/i;
const CREDIT_HEAD = /^(credits?|haben|gutschrift|abonos?|cr[ée]dits?|cr[ée]dito|accredit[oi]|avere|payments?|zahlungen|pagos?|pagamentos?|pagamenti|betalingen|tegoed)$/i;
const DESCRIPTION_HEAD = /^(date|datum|data|fecha|description|details|text|leistung|beschreibung|descrizione|descri[çc][ãa]o|omschrijving|concepto|d[ée]signation|libell[ée]|prestation)$/i;

export interface Columns {
  charge?: number;
  credit?: number;
}

/** A table header names a date/description column and at least one amount column; returns their right edges. */
export function headerColumns(line: TextLine): Columns | undefined {
  if (line.cells.length < 2) return undefined;
  const cells = line.cells.map((c) => c.replace(/[:.]$/, '').trim());
  if (!cells.some((c) => DESCRIPTION_HEAD.test(c))) return undefined;
  const at = (re: RegExp) => {
    const i = cells.findIndex((c) => re.test(c));
    return i >= 0 ? (line.boxes?.[i]?.x1 ?? -1) : undefined;
  };
  const credit = at(CREDIT_HEAD);
  let charge: number | undefined;
  // The right-most amount column that is not the credit column is the charges column.
  cells.forEach((c, i) => {
    if (CHARGE_HEAD.test(c)) charge = line.boxes?.[i]?.x1 ?? -1;
  });
  if (charge === undefined && credit === undefined) return undefined;
  return { charge, credit };
}

/** Whether an amount sits under the charges column of a table that also has a credit column. */
export function inChargeColumn(money: Money, columns: Columns | undefined): boolean {
  if (!columns || columns.credit === undefined || columns.credit < 0 || columns.charge === undefined || columns.charge < 0 || money.right === undefined) return false;
  return !inCreditColumn(money, columns);
}

/** Whether an amount sits under the credit column (nearer its right edge than the charges column's). */
export function inCreditColumn(money: Money, columns: Columns | undefined): boolean {
  if (!columns || columns.credit === undefined || columns.credit < 0 || money.right === undefined) return false;
  if (columns.charge === undefined || columns.charge < 0) return Math.abs(money.right - columns.credit) < 0.05;
  return Math.abs(money.right - columns.credit) < Math.abs(money.right - columns.charge);
}

/** A tax added on top in the summary (not itemised) is a charge of its own; a tax included in the prices is not. */
export function addTaxLineIfAddedOnTop(items: FolioData['lineItems'], total: number | undefined, tax: number | undefined, label: string): void {
  if (total === undefined || tax === undefined || items.some((l) => l.category === 'tax')) return;
  const sum = round2(items.reduce((s, l) => s + l.amount, 0));
  if (!near(sum, total) && near(sum + tax, total)) items.push({ description: label, amount: tax, category: 'tax' });
}
