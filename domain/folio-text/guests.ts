// Guest names: after a label ("Guest:", "Gast", "Ospite:", "Hóspede:"…), in reservation-system form
// ("SATO/HIROSHI MR", "MÜLLER, Jürgen"), or unlabelled as the addressee block at the top of the first
// page (a title-prefixed name, or a salutation line and a name, followed by address lines).
import type { TextLine } from './lines';
import { labelHits } from './labels';
import { headerColumns } from './table-rows';

const TITLES = /^(?:mr|mrs|ms|miss|mx|dr|prof|sir|herr|herrn|frau|fr|hr|monsieur|madame|mademoiselle|m|mme|mlle|sr|sra|srta|d|dña|dna|don|doña|sig|sig\.ra|sigra|signor|signora|dott|dott\.ssa|exmo|exma|exmo\(a\)|dhr|mevr|mw|de heer|mevrouw)\.?$/i;
const SALUTATION_LINE = /^(?:herrn?|frau|monsieur|madame|mr\.?|mrs\.?|ms\.?|exmo\(?a?\)?\.?\s*sr\(?a?\)?\.?|exma?\.?\s*sra?\.?|sr\.?|sra\.?|sig\.?(?:ra)?|gentile|spett\.le|de heer|mevrouw|familie|famille|family)$/i;
const PARTICLES = /^(?:de|da|das|do|dos|del|della|di|du|la|le|van|von|der|den|ter|ten|zu|y|e|af|al|bin|st\.?)$/i;
const NOT_A_NAME = /\b(?:hotel|hôtel|inn|suites?|resort|palace|residence|lodge|hostal|albergo|pousada|gasthof|gasthaus|pension|parador|motel|ltd|limited|gmbh|ag|inc|llc|corp|s\.?a\.?|s\.?l\.?|s\.?p\.?a\.?|b\.?v\.?|lda|srl|company|consulting|travel|invoice|folio|rechnung|fattura|factura|fatura|nota|facture|conto|guest|page|seite|total|room|date|datum|information|signature|tel|fax|www|street|road|avenue|straße|strasse|via|rua|calle)\b/i;

const GUEST_SPLIT = /\s*;\s*|\s+\/\s+|\s+&\s+|\s+(?:and|und|et|y|e|en)\s+/i;

function titleFree(name: string): string {
  const words = name.split(/\s+/);
  while (words.length > 2 && TITLES.test(words[0]!)) words.shift();
  while (words.length > 2 && TITLES.test(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

/** "SATO/HIROSHI MR" → "HIROSHI SATO"; "MÜLLER, Jürgen" → "Jürgen MÜLLER"; other forms as printed. */
export function reservationName(n: string): string {
  const slash = n.match(/^([\p{L}' -]+?)\s*\/\s*([\p{L}' -]+)$/u);
  const comma = n.match(/^([\p{L}' -]+?)\s*,\s*([\p{L}' .-]+)$/u);
  const m = slash ?? comma;
  if (!m) return n;
  return `${titleFree(`x ${m[2]!.trim()}`).replace(/^x /, '')} ${m[1]!.trim()}`.replace(/\s+/g, ' ');
}

function plausibleName(n: string): boolean {
  const words = n.split(/\s+/).filter(Boolean);
  const named = words.filter((w) => !TITLES.test(w) && !PARTICLES.test(w));
  return named.length >= 2 && named.length <= 5 && words.every((w) => /^[\p{L}][\p{L}'’.-]*$/u.test(w) || TITLES.test(w)) && !NOT_A_NAME.test(n);
}

/** The guest names a label's value holds: several guests, reservation forms, titles kept out. */
export function guestNamesFrom(value: string): string[] {
  return value
    .split(GUEST_SPLIT)
    .map((n) => n.trim().replace(/[.,;]$/, ''))
    .filter((n) => /\p{L}{2,}/u.test(n) && !/\d/.test(n))
    .map(reservationName)
    .map((n) => titleFree(n.replace(/\s+/g, ' ')));
}

export interface AddresseeName {
  name: string;
  /** title: a title or salutation line names a person; reservation: SURNAME, Given; bare: a name over an address. */
  how: 'title' | 'reservation' | 'bare';
}

// A street or town line: a number and a word (a lone number is a reference in a table, not an address).
const addressLike = (s: string) => /\d/.test(s) && /\p{L}{2,}/u.test(s) && !/^(?:tel|fax|phone|www)/i.test(s);
const isLabel = (line: TextLine, cell: string) => labelHits(cell).length > 0 || /:\s*$/.test(cell) || labelHits(line.text).some((h) => line.text.slice(h.start, h.end).trim() === cell.trim());

/**
 * The addressee block on a first page: a name (after a title, under a salutation line, or as
 * SURNAME, Given) with address lines below it in the same column. The letterhead (first line) and the
 * hotel's own name never count.
 */
export function addresseeName(lines: TextLine[], hotelName: string | undefined): AddresseeName | undefined {
  // The addressee block sits above the bill: stop at the table's header.
  const tableAt = lines.findIndex((l) => headerColumns(l));
  const top = lines.filter((l, i) => (l.top !== undefined ? l.top < 0.45 : i < 18) && (tableAt < 0 || i < tableAt));
  const cellsOf = (l: TextLine) => l.cells.map((text, i) => ({ text, x0: l.boxes?.[i]?.x0 }));
  // The cell in a later line that sits in the same column (any cell when positions are unknown).
  const below = (from: number, x0: number | undefined, n: number) =>
    top.slice(from + 1, from + 1 + n).map((l) => cellsOf(l).find((c) => x0 === undefined || c.x0 === undefined || Math.abs(c.x0 - x0) < 0.03)?.text);
  for (let i = 1; i < top.length; i++) {
    if (headerColumns(top[i]!)) continue;
    for (const cell of cellsOf(top[i]!)) {
      const text = cell.text.trim().replace(/[.,;:]+$/, '');
      if (text === hotelName || isLabel(top[i]!, text)) continue;
      let candidate: AddresseeName | undefined;
      let nameRow = i;
      if (SALUTATION_LINE.test(text)) {
        const next = below(i, cell.x0, 1)[0];
        const name = next?.trim().replace(/[.,;:]+$/, '');
        if (name && plausibleName(name)) [candidate, nameRow] = [{ name, how: 'title' }, i + 1];
      } else if (TITLES.test(text.split(/\s+/)[0]!) && plausibleName(text)) {
        candidate = { name: titleFree(text), how: 'title' };
      } else if (/^[\p{Lu}][\p{Lu}'’ -]+,\s*[\p{L}][\p{L}'’ .-]+$/u.test(text) && plausibleName(text.replace(',', ' '))) {
        candidate = { name: reservationName(text), how: 'reservation' };
      } else if (/^[\p{Lu}][\p{L}'’-]+(?: [\p{Lu}][\p{L}'’.-]*){1,3}$/u.test(text) && plausibleName(text)) {
        candidate = { name: text, how: 'bare' };
      }
      if (!candidate) continue;
      // An addressee has an address: a line with a house number or a postcode within the next three lines.
      if (below(nameRow, cell.x0, 3).some((s) => s !== undefined && addressLike(s))) return candidate;
    }
  }
  return undefined;
}
