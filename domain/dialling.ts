// Which phone numbers we may make a call to: the number's country and kind come from the number itself
// (libphonenumber's full metadata), never from what a client declared about the hotel.
import { parsePhoneNumberFromString, type PhoneNumberType } from 'libphonenumber-js/max';

/** What libphonenumber tells about a number. `country` is undefined for non-geographic codes (+800, +870, +881…) and numbers it cannot place. */
export interface NumberFacts {
  valid: boolean;
  country?: string;
  callingCode?: string;
  type?: PhoneNumberType;
}

export function numberFacts(phone: string): NumberFacts {
  const p = parsePhoneNumberFromString(phone);
  if (!p) return { valid: false };
  return { valid: p.isValid(), country: p.country, callingCode: p.countryCallingCode, type: p.getType() };
}

/** The country a number belongs to, when the number says so. */
export const numberCountry = (phone: string): string | undefined => numberFacts(phone).country;

/** Kinds a hotel's front desk has: geographic lines and mobiles. Everything else (premium, shared cost, toll-free, UAN, personal, VoIP, pager, voicemail access) is refused. */
export const DIALLABLE_TYPES: readonly PhoneNumberType[] = ['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE'];

export type DiallingProblemCode = 'invalid_number' | 'non_geographic' | 'refused_type' | 'country_mismatch' | 'country_not_allowed';

export interface DiallingProblem {
  code: DiallingProblemCode;
  message: string;
}

export interface DiallingPolicy {
  /** ISO alpha-2 codes we may call; empty means none. */
  allowedCountries: readonly string[];
}

const kind = (t: PhoneNumberType) => t.toLowerCase().replace(/_/g, '-');

/**
 * The full rule for a number a client gave (or a hotel an operator configures): valid, of a country, a
 * diallable kind, the country the hotel says it is in, and a country we call. Undefined when it may be called.
 */
export function diallingProblem(phone: string, hotelCountry: string, policy: DiallingPolicy): DiallingProblem | undefined {
  const n = numberFacts(phone);
  if (!n.valid) return { code: 'invalid_number', message: `${phone} is not a valid phone number` };
  if (!n.country) return { code: 'non_geographic', message: `+${n.callingCode} numbers belong to no country (satellite, international and other non-geographic ranges are not called)` };
  if (!n.type || !DIALLABLE_TYPES.includes(n.type)) return { code: 'refused_type', message: `the number is a ${n.type ? kind(n.type) : 'number of unknown kind'} number; only fixed lines and mobiles are called` };
  if (n.country !== hotelCountry) return { code: 'country_mismatch', message: `the number belongs to ${n.country}, the hotel is given as ${hotelCountry}` };
  if (!policy.allowedCountries.includes(n.country)) return { code: 'country_not_allowed', message: `calls to ${n.country} are not allowed` };
  return undefined;
}

/**
 * The lenient rule at dial time for a number an operator configured: refuses only what the number is known
 * to be (a refused kind, a non-geographic code, a country we do not call). A number libphonenumber cannot
 * place at all passes: the operator vouched for it (and the API checks every number an operator writes).
 */
export function knownDiallingHazard(phone: string, policy: DiallingPolicy): DiallingProblem | undefined {
  const n = numberFacts(phone);
  if (!n.valid) return undefined;
  if (!n.country) return { code: 'non_geographic', message: `+${n.callingCode} numbers belong to no country` };
  if (!n.type || !DIALLABLE_TYPES.includes(n.type)) return { code: 'refused_type', message: `the number is a ${n.type ? kind(n.type) : 'number of unknown kind'} number` };
  if (!policy.allowedCountries.includes(n.country)) return { code: 'country_not_allowed', message: `calls to ${n.country} are not allowed` };
  return undefined;
}

/** Whether a call to this number opens with the recording-consent announcement: by the number's country; a number of no known country is announced. */
export function announceRecording(phone: string, consentCountries: readonly string[]): boolean {
  const country = numberCountry(phone);
  return country === undefined || consentCountries.includes(country);
}
