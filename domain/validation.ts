// Is the extracted folio the one we asked for, and is it a complete bill? Pure: runs inside workflows.
//
// Date rule: arrival must match check-in exactly; departure may differ by one day (late check-out
// billed as an extra night, or an early departure) and still be the same stay. Anything further is
// a different stay and goes to review.
import { isoDaysBetween } from './calendar';
import type { FolioData, ValidationResult } from './model';
import { namesMatch } from './names';

export interface FolioCheck {
  guest: { firstName: string; lastName: string; additionalNames?: string[] };
  checkIn: string;
  checkOut: string;
  confirmationNumber: string;
  expected?: { amount: number; currency: string };
}

export const DEPARTURE_TOLERANCE_DAYS = 1;

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

const money = (n: number) => n.toFixed(2);

export function validateFolio(data: FolioData, check: FolioCheck): ValidationResult {
  if (data.unreadableReason) return { ok: false, reasons: [`the document could not be read: ${data.unreadableReason}`] };
  const reasons: string[] = [];

  if (data.guestNames.length === 0) reasons.push('no guest name found on the folio');
  else if (!guestOnFolio(data, check)) reasons.push(`guest name not found on the folio (it names ${data.guestNames.length === 1 ? 'another guest' : `${data.guestNames.length} other guests`})`);

  if (!data.arrival) reasons.push('arrival date not found on the folio');
  else if (data.arrival !== check.checkIn) reasons.push(`arrival ${data.arrival} differs from the requested check-in ${check.checkIn}`);
  if (!data.departure) reasons.push('departure date not found on the folio');
  else if (!(Math.abs(isoDaysBetween(data.departure, check.checkOut)) <= DEPARTURE_TOLERANCE_DAYS)) {
    // an unreadable date (2026-02-30) is no match either
    reasons.push(`departure ${data.departure} differs from the requested check-out ${check.checkOut} by more than ${DEPARTURE_TOLERANCE_DAYS} day`);
  }

  if (data.confirmationNumber && normaliseReference(data.confirmationNumber) !== normaliseReference(check.confirmationNumber)) {
    reasons.push(`confirmation number ${data.confirmationNumber} differs from the requested ${check.confirmationNumber}`);
  }

  if (data.total === undefined) reasons.push('total amount missing');
  else if (data.lineItems.length === 0) reasons.push('no line items found to check the total against');
  else {
    const sum = data.lineItems.reduce((s, l) => s + l.amount, 0);
    if (Math.abs(sum - data.total) > totalTolerance(data.total) + 1e-9) {
      reasons.push(`line items add up to ${money(sum)} but the total is ${money(data.total)}`);
    }
  }

  if (check.expected) {
    if (!data.currency) reasons.push(`currency not found on the folio (expected ${check.expected.currency})`);
    else if (data.currency.toUpperCase() !== check.expected.currency.toUpperCase()) {
      reasons.push(`currency ${data.currency} differs from the expected ${check.expected.currency}`);
    }
  }

  return { ok: reasons.length === 0, reasons };
}
