// Validated shapes of what comes from outside: folio requests and hotel configuration.
// The API, the OpenAPI document and the store all use these; workflows import only their types.
import { z } from 'zod';
import { isPublicMailDomain } from './mail-domains';

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}, 'is not a real calendar date');
export const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number like +14155550100');
export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.includes('/') || tz === 'UTC';
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/London');
export const Language = z.enum(['en', 'de', 'fr', 'es', 'it', 'pt', 'nl']);
export const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');

export const OpeningSpan = z.object({ open: HHMM, close: HHMM }).strict();
export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export const BusinessHours = z.partialRecord(Weekday, z.array(OpeningSpan));
export const ChannelPreference = z.enum(['phone-first', 'email-first', 'email-only']);

export const DEFAULT_BUSINESS_HOURS: z.infer<typeof BusinessHours> = {
  mon: [{ open: '08:00', close: '20:00' }],
  tue: [{ open: '08:00', close: '20:00' }],
  wed: [{ open: '08:00', close: '20:00' }],
  thu: [{ open: '08:00', close: '20:00' }],
  fri: [{ open: '08:00', close: '20:00' }],
  sat: [{ open: '09:00', close: '17:00' }],
  sun: [{ open: '09:00', close: '17:00' }],
};

export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code');

/** What a client may tell us about a hotel inline, when it is not configured yet. */
export const HotelContact = z
  .object({
    name: z.string().min(1).max(200),
    phone: E164,
    email: z.email().optional(),
    timeZone: TimeZone,
    country: CountryCode,
    language: Language.default('en'),
  })
  .strict();

export const HotelStats = z
  .object({
    callsByHour: z.record(z.string(), z.object({ attempts: z.number(), answered: z.number() })).default({}),
    lastSuccessfulIvrPath: z.string().optional(),
    typicalTurnaroundHours: z.number().optional(),
    foliosRetrieved: z.number().default(0),
    /** The last call on which a person at the hotel agreed to send folios (call once, email the rest: domain/batching.ts). */
    lastPhoneAgreement: z.object({ callId: z.string().max(200), at: z.string(), email: z.email().optional() }).strict().optional(),
  })
  .strict();

/** An address the hotel gave us on a call (the agent's outcome, or its post-call data collection). */
export const LearnedContact = z
  .object({
    email: z.email(),
    source: z.enum(['call-outcome', 'call-data-collection']),
    /** What it is for: where written requests go, or where the hotel sends folios from. */
    purpose: z.enum(['written-requests', 'sends-folios']),
    callId: z.string().max(200).optional(),
    folioId: z.string().max(200).optional(),
    learnedAt: z.string(),
  })
  .strict();

const FolioSender = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => z.email().safeParse(s).success || /^@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s), 'must be an email address or @domain')
  .refine((s) => !s.startsWith('@') || !isPublicMailDomain(s.slice(1)), 'a public webmail domain cannot be vouched for whole: give the exact address');

export const HotelConfig = HotelContact.extend({
  hotelId: z.string().regex(/^[a-z0-9][a-z0-9-_.]{1,63}$/, 'must be 2-64 chars of a-z, 0-9, - _ .'),
  emails: z.array(z.email()).default([]),
  /** Addresses that rejected or bounced our email; kept until the emails change. */
  badEmails: z.array(z.email()).default([]),
  businessHours: BusinessHours.default(DEFAULT_BUSINESS_HOURS),
  closedDates: z.array(IsoDate).default([]),
  ivrPath: z.string().regex(/^[0-9*#wW]{0,32}$/, 'must be DTMF digits with w/W pauses, at most 32 chars').optional(),
  channelPreference: ChannelPreference.default('phone-first'),
  notes: z.string().max(2000).optional(),
  /**
   * The chain or group the hotel belongs to (its brand's name, as in GDS content). Hotels of one chain often
   * send folios from a shared accounting office: a sender that proved itself for one of them is trusted for all.
   */
  chain: z.string().trim().min(1).max(100).optional(),
  /**
   * Mailboxes that send this hotel's folios besides its own, vetted by an operator (its chain's accounting
   * office, a billing agency): an address, or `@domain` for every address of a domain. They count for every
   * hotel of the same chain. A public webmail domain cannot be given whole.
   */
  folioSenders: z.array(FolioSender).max(20).default([]),
  /**
   * Voice settings of this hotel, where it differs from the deployment's: how long a call may run before the
   * agent wraps up (CALL_OVERFLOW_SECONDS otherwise; guests per call follow from it), and whether an answering
   * machine gets our message or the call simply ends (a desk that never acts on voicemail).
   */
  callOverflowSeconds: z.number().int().min(60).max(1800).optional(),
  voicemail: z.enum(['leave-message', 'hang-up']).optional(),
  stats: HotelStats.default({ callsByHour: {}, foliosRetrieved: 0 }),
  /** Addresses learned from calls (system data, like stats: never written through the API). */
  learnedContacts: z.array(LearnedContact).max(20).default([]),
  /** Sandbox only: which simulated behaviour this hotel plays. Ignored in live mode. */
  sandboxProfile: z.string().optional(),
  /**
   * Set on a hotel a client gave inline: only that client's requests use it and only that client (and
   * operators) see it. Absent on hotels operators configure, which every client may name.
   */
  ownerClientId: z.string().optional(),
})
  .omit({ email: true })
  .strict();

export const FolioRequestInput = z
  .object({
    clientReference: z.string().min(1).max(128).regex(/^[\w.:\-/]+$/, 'may hold letters, digits and . : - / _'),
    guest: z
      .object({
        firstName: z.string().min(1).max(100),
        lastName: z.string().min(1).max(100),
        additionalNames: z.array(z.string().min(1).max(200)).max(5).default([]),
      })
      .strict(),
    confirmationNumber: z.string().min(1).max(64),
    checkIn: IsoDate,
    checkOut: IsoDate,
    hotel: z.union([z.object({ hotelId: z.string().min(1) }).strict(), z.object({ inline: HotelContact }).strict()]),
    expected: z.object({ amount: z.number().positive(), currency: z.string().regex(/^[A-Z]{3}$/) }).strict().optional(),
    delivery: z
      .object({ webhookUrl: z.url().optional(), email: z.email().optional() })
      .strict()
      .default({}),
    deadline: IsoDate.optional(),
    priority: z.enum(['normal', 'high']).default('normal'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.checkOut <= r.checkIn) ctx.addIssue({ code: 'custom', path: ['checkOut'], message: 'must be after checkIn' });
    if (r.deadline && r.deadline < r.checkOut) ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'must not be before checkOut' });
  });

export type HotelContact = z.infer<typeof HotelContact>;
export type HotelConfig = z.infer<typeof HotelConfig>;
export type LearnedContact = z.infer<typeof LearnedContact>;
export type BusinessHours = z.infer<typeof BusinessHours>;
export type Weekday = z.infer<typeof Weekday>;
export type ChannelPreference = z.infer<typeof ChannelPreference>;
export type Language = z.infer<typeof Language>;
export type FolioRequestInput = z.infer<typeof FolioRequestInput>;
