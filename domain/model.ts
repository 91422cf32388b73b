// The folio domain's core types, shared by workflows, activities and the API (types only: no I/O).
import type { FolioRequestInput, HotelConfig, Language } from './schemas';

/** Where a folio stands; the value is also its name (projections, search attributes, the API). */
const FOLIO_STATUSES = [
  'WaitingForCheckout',
  'Queued',
  'Calling',
  'CallbackScheduled',
  'RetryScheduled',
  'EmailRequested',
  'AwaitingEmail',
  'AwaitingClient',
  'Extracting',
  'NeedsReview',
  'NeedsAttention',
  'Completed',
  'Unobtainable',
  'Cancelled',
] as const;
export type FolioStatus = (typeof FOLIO_STATUSES)[number];
/** `FolioStatus.Completed` etc., each named once in the list above. */
export const FolioStatus = Object.freeze(Object.fromEntries(FOLIO_STATUSES.map((s) => [s, s]))) as { readonly [S in FolioStatus]: FolioStatus };

export const TERMINAL_STATUSES: readonly FolioStatus[] = [FolioStatus.Completed, FolioStatus.Unobtainable, FolioStatus.Cancelled];

/** What a client decided for all its requests (its settings, `PATCH /v1/clients/{clientId}`), copied into each request at its start. */
export interface ClientPolicy {
  /** A folio whose departure date differs from the request's check-out may still complete (default false: it goes to review). */
  acceptDepartureMismatch: boolean;
}

export const DEFAULT_CLIENT_POLICY: ClientPolicy = { acceptDepartureMismatch: false };

/** A validated request with what the API adds: who asked, the folio id, and the resolved hotel. */
export interface FolioRequest extends Omit<FolioRequestInput, 'hotel'> {
  folioId: string;
  clientId: string;
  hotelId: string;
  receivedAt: string;
  /** The client's policy when the request was accepted (absent on requests accepted before clients had one: the defaults apply). */
  clientPolicy?: ClientPolicy;
}

export type Hotel = HotelConfig;

/** One guest's folio as asked for in a call or an email batch. */
export interface BatchGuest {
  folioId: string;
  workflowId: string;
  guestName: string;
  confirmationNumber: string;
  checkIn: string;
  checkOut: string;
  /** More than the plain request: what was wrong with what the hotel sent, "did our email arrive?", … */
  ask?: GuestAsk;
  /** The address the hotel gave for this guest's written request (on the phone): the email goes there. */
  writeTo?: string;
}

/** What a document that did not pass needs to be replaced by. */
export type ReaskNeed = 'system-pdf' | 'readable-pdf' | 'correct-folio' | 'complete-folio';

/**
 * What a call or an email says about one guest beyond the plain request (domain/asks.ts words it in the
 * hotel's language). Ids and facts only: never another guest's name or anything read from their folio
 * beyond its stay dates.
 */
export type GuestAsk =
  /** The document the hotel sent did not pass the checks: these problems (validation codes), this is needed. */
  | { kind: 'reask'; need: ReaskNeed; problems: string[]; found?: { arrival?: string; departure?: string }; attempt: number }
  /** No reply to our email: did it arrive, and is it the right address? */
  | { kind: 'did-it-arrive'; wroteTo: string; sentAt: string }
  /** The hotel found no booking: look again under every identifier and these spellings of the name. */
  | { kind: 'find-booking'; nameVariants: string[] }
  /** The guest's signed authorisation form the hotel asked for, attached. */
  | { kind: 'authorization'; document: DocumentRef; form?: string };

/** What the person at the hotel said about one guest's folio. */
export type GuestOutcome =
  | { kind: 'agreed'; email?: string }
  | { kind: 'callback'; at?: string; phrase?: string }
  | { kind: 'written_request_only'; email?: string }
  | { kind: 'no_such_booking' }
  | { kind: 'refused'; reason?: string }
  | { kind: 'wrong_number' }
  /** The hotel sends the folio only against a form signed by the guest (e.g. a third-party authorisation); `email` is where it goes. */
  | { kind: 'authorization_required'; form?: string; email?: string };

export type CallDisposition =
  | 'conversation' // a person answered and the agent talked to them
  | 'busy'
  | 'no_answer'
  | 'failed'
  | 'canceled'
  | 'voicemail'
  | 'fax'
  | 'ivr_dead_end'
  | 'dropped'
  | 'overflow';

export interface CallResult {
  callId: string;
  callSid?: string;
  disposition: CallDisposition;
  answeredBy?: string;
  durationSeconds: number;
  ivrPath?: string;
  /** The menu path was found on this call (and stored for the next), rather than known beforehand. */
  ivrLearned?: boolean;
  /** An answering machine took the call and, by the hotel's voicemail policy, was left no message. */
  voicemailSkipped?: boolean;
  /** The line rang: Twilio reported it ringing, or the call was answered or went unanswered (a busy or failed line did not). */
  rang?: boolean;
  /** How long placing the call waited for a slot under the global call cap (ms), when it waited. */
  slotWaitMs?: number;
  /** A recording / the agent's post-call analysis was stored. */
  recorded?: boolean;
  analysed?: boolean;
  /** Outcome per folio id; a folio missing here was not covered by the conversation. */
  outcomes: Record<string, GuestOutcome>;
}

export interface EmailRequestResult {
  emailId: string;
  messageId?: string;
  to?: string;
  /** Set when the address was rejected permanently (5xx or bounce): the folio goes back to the phone. */
  rejected?: string;
  /**
   * Set when it could not be sent for a reason that says nothing against the address: our mail server down
   * or refusing us, or temporary failures outlasting the retries. The folio sends it again later.
   */
  unsent?: string;
}

/** A stored document (attachment or upload), referenced by id: bytes never travel through workflow history. */
export interface DocumentRef {
  documentId: string;
  sha256: string;
  contentType: string;
  size: number;
  filename?: string;
  source: 'email' | 'upload';
  messageId?: string;
  /** A part cut from a document that answered several guests: the original and its pages here (operators only). */
  derivedFrom?: { documentId: string; pages: { from: number; to: number } };
}

export type LineCategory = 'room' | 'tax' | 'food_beverage' | 'parking' | 'other';

export interface FolioData {
  hotelName?: string;
  guestNames: string[];
  arrival?: string;
  departure?: string;
  folioNumber?: string;
  confirmationNumber?: string;
  lineItems: { description: string; amount: number; category: LineCategory; date?: string }[];
  total?: number;
  tax?: number;
  currency?: string;
  /** 0..1 per field name. */
  confidence: Record<string, number>;
  extractor: 'local' | 'documentai';
  /** Set when nothing could be read (e.g. an image-only scan and no OCR configured). */
  unreadableReason?: string;
  /** The same, for machines: what kind of document it was, so the chase knows what to ask the hotel for. */
  unreadableCode?: UnreadableCode;
  /** How each field was found (e.g. `label`, `addressee block (title)`, `charges settled to the balance`); its confidence follows from it. */
  fieldSources?: Record<string, string>;
  /** Numeric dates that read as a stay both day-first and month-first: the other reading (checked against the requested stay). */
  alternativeStay?: { arrival: string; departure: string; dateOrder: 'dmy' | 'mdy' };
  /** The text came from OCR of an image (a scan or a photo), not from a PDF's text layer. */
  ocr?: boolean;
  /** Pages of the source document (1-based, inclusive) this folio was read from, when one PDF held several folios. */
  pages?: { from: number; to: number };
}

/** Why a document could not be read: `image-no-ocr` and `ocr-no-text` are scans; the rest are not bills at all. */
export type UnreadableCode = 'image-no-ocr' | 'ocr-no-text' | 'encrypted' | 'damaged' | 'not-pdf' | 'archive';

export interface ValidationResult {
  ok: boolean;
  reasons: string[];
}

export interface HotelSnapshot {
  hotelId: string;
  name: string;
  phone: string;
  emails: string[];
  timeZone: string;
  language: Language;
  businessHours: HotelConfig['businessHours'];
  closedDates: string[];
  ivrPath?: string;
  channelPreference: HotelConfig['channelPreference'];
  /** Calls placed and answered by a person, per hotel-local hour ("0".."23"): when to call. */
  callsByHour?: CallsByHour;
  /** The hotel's own overflow limit and voicemail policy, when it has one (else the deployment's). */
  callOverflowSeconds?: number;
  voicemail?: HotelConfig['voicemail'];
}

export type CallsByHour = Record<string, { attempts: number; answered: number }>;

/** Addresses the hotel gave us on a call (newest first), then the configured ones, without those that bounced. */
export function hotelAddresses(h: Pick<Hotel, 'emails' | 'badEmails' | 'learnedContacts'>): string[] {
  const learned = [...(h.learnedContacts ?? [])].sort((a, b) => b.learnedAt.localeCompare(a.learnedAt)).map((c) => c.email);
  const bad = new Set((h.badEmails ?? []).map((e) => e.toLowerCase()));
  const seen = new Set<string>();
  return [...learned, ...h.emails].filter((e) => {
    const k = e.toLowerCase();
    if (bad.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function hotelSnapshot(h: Hotel): HotelSnapshot {
  return {
    hotelId: h.hotelId,
    name: h.name,
    phone: h.phone,
    emails: hotelAddresses(h),
    timeZone: h.timeZone,
    language: h.language,
    businessHours: h.businessHours,
    closedDates: h.closedDates,
    ivrPath: h.ivrPath,
    channelPreference: h.channelPreference,
    ...(h.stats?.callsByHour && Object.keys(h.stats.callsByHour).length > 0 && { callsByHour: h.stats.callsByHour }),
    ...(h.callOverflowSeconds !== undefined && { callOverflowSeconds: h.callOverflowSeconds }),
    ...(h.voicemail !== undefined && { voicemail: h.voicemail }),
  };
}

/** A readable id for tests and drills that start folio workflows themselves; the API gives every folio an opaque one (temporal/workflow-ids.ts). */
export function folioWorkflowId(clientId: string, clientReference: string): string {
  return `folio:${clientId}:${clientReference}`;
}
export function hotelDispatchWorkflowId(hotelId: string): string {
  return `hotel:${hotelId}`;
}
