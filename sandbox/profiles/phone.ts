// How each simulated hotel behaves on the phone, by profile name (a hotel's `sandboxProfile`).
// The Twilio emulator plays the line (ringing, menus, machines); the ElevenLabs emulator plays the staff.
import type { Language } from '../../domain/schemas';

/** What the staff says about one guest's folio; the agent turns it into a record_folio_outcome call. */
export type StaffReply =
  | { kind: 'agreed'; email?: string }
  | { kind: 'callback'; phrase: string }
  | { kind: 'written_request_only'; email?: string }
  | { kind: 'no_such_booking' }
  | { kind: 'refused'; reason: string }
  | { kind: 'wrong_number' };

export interface IvrMenu {
  /** What the menu says (goes back to our <Gather> as SpeechResult). */
  say: string;
  /** The digit that leads on; any other digit repeats the menu. */
  expect: string;
}

export interface PhoneProfile {
  name: string;
  description: string;
  answer: 'person' | 'ivr' | 'machine' | 'fax' | 'busy' | 'no-answer' | 'failed';
  /** Seconds of ringing before the outcome above. */
  ringSeconds: number;
  language?: Language;
  /** Menus in order; after the last one a person picks up. With `deadEnd`, no menu ever reaches a person. */
  ivr?: { menus: IvrMenu[]; deadEnd?: boolean };
  /** What the person or the machine says when the line opens. */
  greeting?: string;
  staff?: {
    /** One reply per guest, in the order the agent asks (the last one repeats). */
    replies: StaffReply[];
    /** Seconds the staff takes per guest. */
    secondsPerGuest: number;
    /** Staff who never get to the point: the call runs into the overflow limit. */
    stalls?: boolean;
  };
  /** The hotel hangs up this many seconds into the conversation. */
  dropAfterSeconds?: number;
}

const HOTEL_EMAIL = 'frontdesk@hotel.example';
const agreed: StaffReply = { kind: 'agreed', email: HOTEL_EMAIL };
const staff = (replies: StaffReply[], extra: Partial<NonNullable<PhoneProfile['staff']>> = {}) => ({ replies, secondsPerGuest: 1, ...extra });
const GREETING = 'Good morning, front desk, how can I help you?';

const MENU_RESERVATIONS: IvrMenu = { say: 'Welcome. For reservations press 2. For the restaurant press 3. For the spa press 4.', expect: '2' };
const MENU_BILLING: IvrMenu = { say: 'Reservations. For new bookings press 1. For invoices and billing press 3.', expect: '3' };

export const PHONE_PROFILES: Record<string, PhoneProfile> = {
  'ivr-known-agree': {
    name: 'ivr-known-agree',
    description: 'A menu whose path (2) is configured on the hotel; the front desk agrees to email every folio.',
    answer: 'ivr',
    ringSeconds: 1,
    ivr: { menus: [{ say: 'Welcome. For reservations press 2. For events press 5.', expect: '2' }] },
    greeting: GREETING,
    staff: staff([agreed]),
  },
  'ivr-discover-agree': {
    name: 'ivr-discover-agree',
    description: 'A two-level menu (2, then 3) we must listen to and learn; the person agrees.',
    answer: 'ivr',
    ringSeconds: 1,
    ivr: { menus: [MENU_RESERVATIONS, MENU_BILLING] },
    greeting: 'Billing office, good morning, how may I help you?',
    staff: staff([agreed]),
  },
  'person-agree': { name: 'person-agree', description: 'A person answers at once and agrees.', answer: 'person', ringSeconds: 1, greeting: GREETING, staff: staff([agreed]) },
  voicemail: {
    name: 'voicemail',
    description: 'An answering machine: we leave a message naming the request and our address.',
    answer: 'machine',
    ringSeconds: 1,
    greeting: 'You have reached the front desk. We cannot take your call right now. Please leave a message after the tone.',
  },
  busy: { name: 'busy', description: 'The line is busy.', answer: 'busy', ringSeconds: 1 },
  'no-answer': { name: 'no-answer', description: 'It rings until the ring timeout.', answer: 'no-answer', ringSeconds: 3 },
  'callback-tomorrow': {
    name: 'callback-tomorrow',
    description: 'The person asks us to call back ("tomorrow after 10").',
    answer: 'person',
    ringSeconds: 1,
    greeting: GREETING,
    staff: staff([{ kind: 'callback', phrase: 'tomorrow after 10' }]),
  },
  'written-request-only': {
    name: 'written-request-only',
    description: 'Folios only against a written request, to the address the hotel gives.',
    answer: 'person',
    ringSeconds: 1,
    greeting: GREETING,
    staff: staff([{ kind: 'written_request_only', email: 'accounting@hotel.example' }]),
  },
  refuse: { name: 'refuse', description: 'The hotel refuses to send folios to a third party.', answer: 'person', ringSeconds: 1, greeting: GREETING, staff: staff([{ kind: 'refused', reason: 'privacy policy: only to the guest' }]) },
  'no-such-booking': { name: 'no-such-booking', description: 'The hotel finds no such booking.', answer: 'person', ringSeconds: 1, greeting: GREETING, staff: staff([{ kind: 'no_such_booking' }]) },
  'slow-staff': {
    name: 'slow-staff',
    description: 'The person keeps us waiting: the call reaches the overflow limit and the rest goes to email.',
    answer: 'person',
    ringSeconds: 1,
    greeting: GREETING,
    staff: staff([agreed], { stalls: true }),
  },
  'drops-mid-call': {
    name: 'drops-mid-call',
    description: 'The hotel hangs up a few seconds into the conversation, after the first guest.',
    answer: 'person',
    ringSeconds: 1,
    greeting: GREETING,
    staff: staff([agreed], { secondsPerGuest: 2 }),
    dropAfterSeconds: 3,
  },
  'transfers-to-accounting': {
    name: 'transfers-to-accounting',
    description: 'The front desk puts the call through to accounting, which agrees after a wait on hold.',
    answer: 'person',
    ringSeconds: 1,
    greeting: 'Front desk. For invoices I will put you through to our accounting office, one moment please.',
    staff: staff([{ kind: 'agreed', email: 'accounting@hotel.example' }], { secondsPerGuest: 3 }),
  },
  'asks-authorisation-form': {
    name: 'asks-authorisation-form',
    description: 'The hotel sends a folio to a third party only against a guest authorisation form signed by the guest.',
    answer: 'person',
    ringSeconds: 1,
    greeting: GREETING,
    staff: staff([{ kind: 'refused', reason: 'the hotel needs a guest authorisation form signed by the guest' }]),
  },
  'sent-to-guest': {
    name: 'sent-to-guest',
    description: 'The hotel says the folio was already sent to the guest at check-out.',
    answer: 'person',
    ringSeconds: 1,
    greeting: GREETING,
    staff: staff([{ kind: 'refused', reason: 'the folio was already sent to the guest' }]),
  },
  fax: { name: 'fax', description: 'A fax machine answers.', answer: 'fax', ringSeconds: 1 },
  'ivr-dead-end': {
    name: 'ivr-dead-end',
    description: 'A menu that never offers a way to a person: we give up after the step bound.',
    answer: 'ivr',
    ringSeconds: 1,
    ivr: { menus: [{ say: 'For the restaurant press 5. For the spa press 6. For directions press 7.', expect: '9' }], deadEnd: true },
  },
  'mixed-per-guest': {
    name: 'mixed-per-guest',
    description: 'A different answer per guest: agreed, call back, written request, no such booking.',
    answer: 'person',
    ringSeconds: 1,
    greeting: GREETING,
    staff: staff([agreed, { kind: 'callback', phrase: 'tomorrow after 10' }, { kind: 'written_request_only', email: 'accounting@hotel.example' }, { kind: 'no_such_booking' }]),
  },
  failed: { name: 'failed', description: 'The number cannot be reached (the call fails).', answer: 'failed', ringSeconds: 0 },
};

export class UnknownProfileError extends Error {
  override name = 'UnknownProfileError';
}

/** A hotel's `sandboxProfile` may name both behaviours as "<phone>+<email>", e.g. "busy+replies-with-pdf". */
export function phoneProfile(name: string): PhoneProfile {
  const p = PHONE_PROFILES[name.split('+')[0]!];
  if (!p) throw new UnknownProfileError(`unknown phone profile "${name}"; known: ${Object.keys(PHONE_PROFILES).join(', ')}`);
  return p;
}
