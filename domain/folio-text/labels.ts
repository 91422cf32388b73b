// Field labels as hotels print them in English, German, French, Spanish, Italian, Portuguese and Dutch,
// with their abbreviations (Arr., Dep., Conf. No., Res.-Nr., N.º Reserva…); the values after them on the
// same line; and the document's language.
import type { TextLine } from './lines';

export type Lang = 'en' | 'de' | 'fr' | 'es' | 'it' | 'pt' | 'nl';

const LANG_WORDS: Record<Lang, RegExp> = {
  en: /\b(invoice|folio|arrival|departure|guest|room|balance|payment|charges|check-in|check-out|total due|accommodation|credits)\b/gi,
  de: /\b(rechnung|anreise|abreise|ankunft|gast|zimmer|mwst|gesamtbetrag|leistung|betrag|übernachtung|zahlung|übertrag|soll|haben)\b/gi,
  fr: /(facture|arrivée|départ|client|chambre|tva|montant|prestation|hébergement|règlement|solde|nuitée)/gi,
  es: /(factura|llegada|salida|huésped|habitación|iva|importe|concepto|alojamiento|localizador|cargos|abonos)/gi,
  it: /\b(conto|ospite|arrivo|partenza|camera|totale|pernottamento|colazione|saldo|prenotazione|importo|descrizione)\b/gi,
  pt: /(fatura|hóspede|chegada|partida|quarto|alojamento|pequeno-almoço|reserva|descrição|pagamento|ilíquido)/gi,
  nl: /\b(nota|gast|aankomst|vertrek|kamer|logies|ontbijt|totaal|bedrag|omschrijving|betaling|openstaand|btw)\b/gi,
};

export function detectLang(text: string): Lang {
  let best: Lang = 'en';
  let bestCount = 0;
  for (const [lang, re] of Object.entries(LANG_WORDS) as [Lang, RegExp][]) {
    const n = text.match(re)?.length ?? 0;
    if (n > bestCount) [best, bestCount] = [lang, n];
  }
  return best;
}

// "No.", "Nr.", "N°", "Nº", "N.º", "n.", "#", "Number", "Nummer"…
const NO = `(?:\\s*(?:no\\.?|nr\\.?|n[°º]\\.?|n\\.[°º]|n\\.|num\\.?|number|nummer|numero|número|#))?`;
const END = '\\s*[:#]?';

const FIELD_LABELS = {
  folioNumber: [
    new RegExp(`\\b(?:guest\\s+)?(?:folio|invoice|bill|receipt)${NO}${END}`, 'gi'),
    new RegExp(`(?:rechnungs-?(?:nummer|nr\\.?)|rechnung${NO}|beleg-?nr\\.?|folio-?nr\\.?)${END}`, 'gi'),
    new RegExp(`(?:n[°º]\\.?\\s*de\\s*facture|num[ée]ro\\s*de\\s*facture|facture${NO}|note\\s*n[°º]\\.?)${END}`, 'gi'),
    new RegExp(`(?:n[°º]\\.?\\s*(?:de\\s*)?factura|n[úu]mero\\s*de\\s*factura|factura${NO})${END}`, 'gi'),
    new RegExp(`(?:conto${NO}|fattura${NO}|numero\\s*(?:conto|fattura)|ricevuta${NO})${END}`, 'gi'),
    new RegExp(`(?:fatura(?:-recibo)?${NO}|n\\.?[°º]\\s*(?:da\\s*)?fatura|documento${NO})${END}`, 'gi'),
    new RegExp(`(?:notanummer|nota${NO}|factuurnummer|factuur${NO})${END}`, 'gi'),
  ],
  confirmationNumber: [
    new RegExp(`\\b(?:confirmation|conf\\.?|booking|reservation|res\\.?)\\s*(?:no\\.?|nr\\.?|number|num\\.?|#|ref\\.?|reference|code|id)?${END}`, 'gi'),
    new RegExp(`(?:reservierungs-?(?:nummer|nr\\.?)|res\\.?-?nr\\.?|buchungs-?(?:nummer|nr\\.?)|best[äa]tigungs-?(?:nummer|nr\\.?))${END}`, 'gi'),
    new RegExp(`(?:n[°º]\\.?\\s*de\\s*(?:r[ée]servation|confirmation)|num[ée]ro\\s*de\\s*(?:r[ée]servation|confirmation)|r[ée]servation${NO})${END}`, 'gi'),
    new RegExp(`(?:localizador|n[úu]mero\\s*de\\s*reserva|n\\.?[°º]\\.?\\s*(?:de\\s*)?reserva|c[óo]digo\\s*de\\s*reserva|reserva${NO})${END}`, 'gi'),
    new RegExp(`(?:prenotazione${NO}|n\\.?\\s*prenotazione|numero\\s*prenotazione|conferma${NO})${END}`, 'gi'),
    new RegExp(`(?:reserveringsnummer|reserveringsnr\\.?|reservering${NO}|boekingsnummer|boekingsnr\\.?)${END}`, 'gi'),
  ],
  guest: [
    /\b(?:guest\s*names?|guests?|name|guest\s*\/\s*name)\s*:?/gi,
    /\b(?:gastname|gäste|gast|name\s*des\s*gastes)\s*:?/gi,
    /(?:cliente|client|nom\s*du\s*client|nombre|nom|hu[ée]sped(?:es)?|nombre)\s*:?/gi,
    /(?:ospit[ei]|nominativo|h[óo]spedes?|nome|gastnaam|naam)\s*:?/gi,
  ],
  arrival: [
    /\b(?:arrival(?:\s*date)?|arr\.?|check-?\s?in|in|date\s*in)\s*:?/gi,
    /(?:anreise(?:datum)?|ankunft|anr\.)\s*:?/gi,
    /(?:arriv[ée]e|date\s*d['’]arriv[ée]e|llegada|entrada|fecha\s*de\s*(?:llegada|entrada)|fecha\s*(?:llegada|entrada))\s*:?/gi,
    /(?:arrivo|data\s*(?:di\s*)?arrivo|chegada|data\s*de\s*(?:chegada|entrada)|aankomst(?:datum)?|aank\.)\s*:?/gi,
  ],
  departure: [
    /\b(?:departure(?:\s*date)?|dep\.?|check-?\s?out|out|date\s*out)\s*:?/gi,
    /(?:abreise(?:datum)?|abfahrt|abr\.)\s*:?/gi,
    /(?:d[ée]part|date\s*de\s*d[ée]part|salida|fecha\s*de\s*salida|fecha\s*salida)\s*:?/gi,
    /(?:partenza|data\s*(?:di\s*)?partenza|partida|sa[íi]da|data\s*de\s*(?:partida|sa[íi]da)|vertrek(?:datum)?|vertr\.)\s*:?/gi,
  ],
  room: [/\b(?:room|rm|zimmer|chambre|habitaci[óo]n|camera|quarto|kamer)\s*(?:no\.?|nr\.?|n[°º]\.?|#)?\s*:?/gi],
  currencyNote: [/\b(?:all\s+amounts\s+in|currency|w[äa]hrung|devise|moneda|valuta|moeda|amt)\b/gi],
};
export type Field = keyof typeof FIELD_LABELS;

// Short or common words are labels only with a colon or as a cell of their own ("Arrival │ 03.04.26").
const SHORT = /^(in|out|arr\.?|dep\.?|name|nom|nome|naam|nombre|res\.?|client|cliente|note|nota|bill|receipt|entrada|partida|reserva|reservering|camera|conto|documento|rechnung|fattura|factura|fatura|factuur|facture|invoice|folio|reservation|booking|guests?|gast)$/i;

export interface LabelHit {
  field: Field;
  start: number;
  end: number;
}

/** The cell of `line` that starts at `at` in its text (cells are joined by one space). */
function cellAt(line: TextLine | undefined, at: number): string | undefined {
  if (!line || line.cells.length < 2) return undefined;
  let pos = 0;
  for (const c of line.cells) {
    if (pos === at) return c;
    pos += c.length + 1;
  }
  return undefined;
}

/** The text with accents dropped letter by letter (same length): OCR often reads ó as ö or o. */
export function foldAccents(s: string): string {
  return [...s].map((c) => (c.length === 1 ? c.normalize('NFD')[0]! : c)).join('');
}

export function labelHits(text: string, line?: TextLine): LabelHit[] {
  const hits: LabelHit[] = [];
  const folded = foldAccents(text);
  for (const [field, patterns] of Object.entries(FIELD_LABELS) as [Field, RegExp[]][]) {
    for (const re of patterns) {
      for (const m of [...text.matchAll(re), ...(folded === text ? [] : folded.matchAll(re))]) {
        const start = m.index!;
        const end = start + m[0].length;
        if (start > 0 && /[\p{L}\p{N}]/u.test(text[start - 1]!)) continue;
        if (end < text.length && /[\p{L}\p{N}]/u.test(text[end]!) && /[\p{L}.]$/u.test(m[0])) continue;
        const word = m[0].replace(/\s*[:#]$/, '').trim();
        const colon = /[:#]\s*$/.test(m[0]) || text[end] === ':';
        const cell = cellAt(line, start);
        const ownCell = cell !== undefined && cell.replace(/\s*[:#]\s*$/, '').trim().toLowerCase() === word.toLowerCase();
        if (SHORT.test(word) && !colon && !ownCell) continue;
        // A generic word ("Name:", "Client:") labels the guest only at the start of a line or cell.
        if (field === 'guest' && /^(name|nom|nome|naam|nombre|client|cliente)$/i.test(word) && start > 0 && cell === undefined) continue;
        hits.push({ field, start, end });
      }
    }
  }
  // Longest label wins where labels overlap ("Guest Name:" over "Name:").
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: LabelHit[] = [];
  for (const h of hits) if (!kept.some((k) => h.start < k.end && k.start < h.end)) kept.push(h);
  return kept.sort((a, b) => a.start - b.start);
}

/** Where the next cell that is a label of a field we do not read ("Persone:", "Cashier No.:") starts. */
function otherLabelAfter(line: TextLine, from: number): number {
  let at = 0;
  for (const c of line.cells) {
    if (at > from && /^\p{L}[\p{L} .'’/-]*:$/u.test(c)) return at;
    at += c.length + 1;
  }
  return line.text.length;
}

/** Values printed after a field's label, up to the next label on the same line. */
export function labelledValues(lines: TextLine[], field: Field): string[] {
  const values: string[] = [];
  for (const line of lines) {
    const hits = labelHits(line.text, line);
    hits.forEach((h, i) => {
      if (h.field !== field) return;
      const end = Math.min(hits[i + 1]?.start ?? line.text.length, otherLabelAfter(line, h.end));
      const value = line.text.slice(h.end, end).replace(/^[\s:#]+/, '').trim();
      if (value) values.push(value);
    });
  }
  return values;
}

/** A reference number at the start of a label's value: "760605", "F-ABCDEF", "FT 2026/2655", "A26/00123". */
export function referenceIn(value: string): string | undefined {
  const tokens = value.split(/\s+/).map((t) => t.replace(/[.,;:]$/, ''));
  const first = tokens[0]!;
  // A short series prefix printed apart from its number (Portuguese "FT 2026/123").
  if (/^[A-Z]{1,4}$/.test(first) && tokens[1] && /^\d[\d/\-.]*\d$/.test(tokens[1])) return `${first} ${tokens[1]}`;
  if (!/^[A-Z0-9][A-Z0-9\-/._]*$/i.test(first)) return undefined;
  // A short last chunk printed (or scanned) apart: "27548KX 37".
  if (tokens.length === 2 && /^[A-Z0-9]{1,3}$/i.test(tokens[1]!) && /\d/.test(first)) return first + tokens[1];
  // A reference has a digit, or is a prefixed code like "F-ABCDEF"; a bare word after a label is not one.
  return /\d/.test(first) || /^[A-Z]{1,4}-[A-Z0-9]{3,}$/.test(first) ? first : undefined;
}
