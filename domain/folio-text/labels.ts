// Field labels in the languages hotels print (guest, stay dates, references, room), the values after
// them on the same line, and the document's language.
import type { TextLine } from './lines';

export type Lang = 'en' | 'de' | 'fr' | 'es';

const LANG_WORDS: Record<Lang, RegExp> = {
  en: /\b(invoice|folio|arrival|departure|guest|room|balance|payment|charges|check-in|check-out|total due|accommodation)\b/gi,
  de: /\b(rechnung|anreise|abreise|gast|zimmer|mwst|gesamtbetrag|leistung|betrag|übernachtung|zahlung)\b/gi,
  fr: /(facture|arrivée|départ|client|chambre|tva|montant|prestation|hébergement|règlement|solde)/gi,
  es: /(factura|llegada|salida|huésped|habitación|iva|importe|concepto|alojamiento|localizador)/gi,
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
export type Field = keyof typeof FIELD_LABELS;

// A short label ("In", "Out") needs its colon; a word inside a sentence is not a label.
function isShortWordLabel(m: RegExpMatchArray): boolean {
  return /^(in|out|arr\.?|dep\.?|name|nom|res\.?)\s*$/i.test(m[0]);
}

export interface LabelHit {
  field: Field;
  start: number;
  end: number;
}

export function labelHits(text: string): LabelHit[] {
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
export function labelledValues(lines: TextLine[], field: Field): string[] {
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

export function referenceIn(value: string): string | undefined {
  const token = value.split(/\s+/)[0]!.replace(/[.,;:]$/, '');
  if (!/^[A-Z0-9][A-Z0-9\-/._]*$/i.test(token)) return undefined;
  // A reference has a digit, or is a prefixed code like "F-ABCDEF"; a bare word after a label is not one.
  return /\d/.test(token) || /^[A-Z]{1,4}-[A-Z0-9]{3,}$/.test(token) ? token : undefined;
}

// ---- guests

const GUEST_SPLIT = /\s*;\s*|\s+\/\s+|\s+&\s+|\s+(?:and|und|et|y)\s+/i;

export function guestNamesFrom(value: string): string[] {
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
