// Is the extracted folio the one we asked for, and is it a complete bill? Pure: runs inside workflows.
//
// Date rule: arrival must match check-in exactly; departure may differ by one day (late check-out
// billed as an extra night, or an early departure) and still be the same stay. Anything further is
// a different stay. A folio naming another guest or another stay never passes. Numeric dates that read
// as a stay both day-first and month-first are resolved against the requested stay, and the verdict
// says so. Each failure has a machine-readable code, and the verdict says what should happen next.
import { isoDaysBetween } from './calendar';
import type { ClientPolicy, FolioData, ValidationResult } from './model';
import { namesMatch } from './names';

export interface FolioCheck {
  guest: { firstName: string; lastName: string; additionalNames?: string[] };
  checkIn: string;
  checkOut: string;
  confirmationNumber: string;
  expected?: { amount: number; currency: string };
}

export type ValidationCode =
  | 'unreadable'
  | 'guest-missing'
  | 'guest-mismatch'
  | 'arrival-missing'
  | 'arrival-mismatch'
  | 'departure-missing'
  | 'departure-mismatch'
  | 'confirmation-mismatch'
  | 'total-missing'
  | 'line-items-missing'
  | 'total-inconsistent'
  | 'currency-missing'
  | 'currency-mismatch'
  | 'ocr-low-confidence';

/**
 * What to do when a folio does not pass: a scan or photo that cannot be validated → ask the hotel for
 * the PDF from its system; a document that is not a readable bill (encrypted, damaged, an archive) →
 * ask for a readable PDF; a readable folio that does not match → a person reviews it.
 */
export type Remedy = 'ask-hotel-for-system-pdf' | 'ask-hotel-for-readable-pdf' | 'review';

export interface FolioVerdict extends ValidationResult {
  codes: ValidationCode[];
  remedy?: Remedy;
  /** Ambiguous day/month dates were read in the order that matches the requested stay. */
  dateOrderResolvedByStay?: boolean;
}

export const DEPARTURE_TOLERANCE_DAYS = 1;
/** OCR'd text below this mean word confidence is not trusted to complete a folio on its own. */
export const MIN_OCR_CONFIDENCE = 0.5;

/** Sum of lines may differ from the printed total by rounding: max(0.02, 0.5 %). */
export function totalTolerance(total: number): number {
  return Math.max(0.02, Math.abs(total) * 0.005);
}

/** Confirmation numbers are printed with spaces, dashes and leading zeros in any combination. */
export function normaliseReference(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/(^|[A-Z])0+(?=\d)/g, '$1');
}

function splitFullName(full: string): { firstName: string; lastName: string } {
  const parts = full.trim().split(/\s+/);
  const lastName = parts.pop() ?? '';
  return { firstName: parts.join(' '), lastName };
}

function guestOnFolio(data: FolioData, check: FolioCheck): boolean {
  const wanted = [check.guest, ...(check.guest.additionalNames ?? []).map(splitFullName)];
  return data.guestNames.some((found) => wanted.some((w) => namesMatch(w, found)));
}

const stayMatches = (arrival: string | undefined, departure: string | undefined, check: FolioCheck) =>
  arrival === check.checkIn && !!departure && Math.abs(isoDaysBetween(departure, check.checkOut)) <= DEPARTURE_TOLERANCE_DAYS;

/**
 * The folio with its stay dates read in the order that matches the request, when its numeric dates are
 * ambiguous and only the other reading does. The confidence of those dates says how they were read.
 */
export function resolveStayAgainstRequest(data: FolioData, check: Pick<FolioCheck, 'checkIn' | 'checkOut'>): FolioData {
  const alt = data.alternativeStay;
  if (!alt || stayMatches(data.arrival, data.departure, check as FolioCheck) || !stayMatches(alt.arrival, alt.departure, check as FolioCheck)) return data;
  const how = `label, ${alt.dateOrder === 'mdy' ? 'month' : 'day'} first as the requested stay shows`;
  return {
    ...data,
    arrival: alt.arrival,
    departure: alt.departure,
    alternativeStay: { arrival: data.arrival!, departure: data.departure!, dateOrder: alt.dateOrder === 'mdy' ? 'dmy' : 'mdy' },
    confidence: { ...data.confidence, arrival: 0.7, departure: 0.7 },
    fieldSources: { ...data.fieldSources, arrival: how, departure: how },
  };
}

const money = (n: number) => n.toFixed(2);
const MISMATCH: ValidationCode[] = ['guest-mismatch', 'arrival-mismatch', 'departure-mismatch', 'confirmation-mismatch', 'currency-mismatch'];

function remedyFor(data: FolioData, codes: ValidationCode[]): Remedy | undefined {
  if (codes.length === 0) return undefined;
  const scan = data.unreadableCode ? data.unreadableCode === 'image-no-ocr' || data.unreadableCode === 'ocr-no-text' : /image|scan|ocr/i.test(data.unreadableReason ?? '');
  if (data.ocr || scan) return 'ask-hotel-for-system-pdf';
  if (data.unreadableReason) return 'ask-hotel-for-readable-pdf';
  return 'review';
}

export function validateFolio(extracted: FolioData, check: FolioCheck): FolioVerdict {
  if (extracted.unreadableReason) {
    const codes: ValidationCode[] = ['unreadable'];
    return { ok: false, reasons: [`the document could not be read: ${extracted.unreadableReason}`], codes, remedy: remedyFor(extracted, codes)! };
  }
  const data = resolveStayAgainstRequest(extracted, check);
  const reasons: string[] = [];
  const codes: ValidationCode[] = [];
  const fail = (code: ValidationCode, reason: string) => {
    codes.push(code);
    reasons.push(reason);
  };

  if (data.guestNames.length === 0) fail('guest-missing', 'no guest name found on the folio');
  else if (!guestOnFolio(data, check)) fail('guest-mismatch', `guest name not found on the folio (it names ${data.guestNames.length === 1 ? 'another guest' : `${data.guestNames.length} other guests`})`);

  if (!data.arrival) fail('arrival-missing', 'arrival date not found on the folio');
  else if (data.arrival !== check.checkIn) fail('arrival-mismatch', `arrival ${data.arrival} differs from the requested check-in ${check.checkIn}`);
  if (!data.departure) fail('departure-missing', 'departure date not found on the folio');
  else if (!(Math.abs(isoDaysBetween(data.departure, check.checkOut)) <= DEPARTURE_TOLERANCE_DAYS)) {
    // an unreadable date (2026-02-30) is no match either
    fail('departure-mismatch', `departure ${data.departure} differs from the requested check-out ${check.checkOut} by more than ${DEPARTURE_TOLERANCE_DAYS} day`);
  }

  if (data.confirmationNumber && normaliseReference(data.confirmationNumber) !== normaliseReference(check.confirmationNumber)) {
    fail('confirmation-mismatch', `confirmation number ${data.confirmationNumber} differs from the requested ${check.confirmationNumber}`);
  }

  if (data.total === undefined) fail('total-missing', 'total amount missing');
  else if (data.lineItems.length === 0) fail('line-items-missing', 'no line items found to check the total against');
  else {
    const sum = data.lineItems.reduce((s, l) => s + l.amount, 0);
    if (Math.abs(sum - data.total) > totalTolerance(data.total) + 1e-9) fail('total-inconsistent', `line items add up to ${money(sum)} but the total is ${money(data.total)}`);
  }

  if (check.expected) {
    if (!data.currency) fail('currency-missing', `currency not found on the folio (expected ${check.expected.currency})`);
    else if (data.currency.toUpperCase() !== check.expected.currency.toUpperCase()) fail('currency-mismatch', `currency ${data.currency} differs from the expected ${check.expected.currency}`);
  }

  if (data.ocr && (data.confidence.ocr ?? 0) < MIN_OCR_CONFIDENCE) fail('ocr-low-confidence', `the scan was read by OCR with low confidence (${Math.round((data.confidence.ocr ?? 0) * 100)} %)`);

  const verdict: FolioVerdict = { ok: reasons.length === 0, reasons, codes };
  const remedy = remedyFor(data, codes);
  if (remedy) verdict.remedy = remedy;
  if (data !== extracted) verdict.dateOrderResolvedByStay = true;
  return verdict;
}

/** Whether a failed verdict shows the document is another guest's or another stay's folio (not just an unreadable one). */
export function namesAnotherGuestOrStay(v: FolioVerdict): boolean {
  return v.codes.some((c) => MISMATCH.includes(c));
}

/**
 * The confirmation number and arrival match, only the departure differs (an early departure, a late
 * check-out billed as a night): completes with a visible flag when the client's policy accepts it.
 */
export function acceptsDepartureMismatch(
  codes: string[],
  found: { confirmationNumber?: string; arrival?: string },
  req: { confirmationNumber: string; checkIn: string },
  client: ClientPolicy,
  p: { closedLoop: boolean },
): boolean {
  if (!p.closedLoop || !client.acceptDepartureMismatch) return false;
  if (codes.length !== 1 || codes[0] !== 'departure-mismatch') return false;
  return !!found.confirmationNumber && normaliseReference(found.confirmationNumber) === normaliseReference(req.confirmationNumber) && found.arrival === req.checkIn;
}
