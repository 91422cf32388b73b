// A deterministic population of simulated hotels for benchmarks and demos: where they are, when
// they are open, and how they behave on the phone and by email. Every rate is documented (with its
// source, or plainly marked as an assumption) in docs/population.md; the numbers live in RATES below.
import { isOpenAt, nextOpenAt } from '../domain/business-hours';
import { HotelConfig, type BusinessHours, type ChannelPreference, type Language } from '../domain/schemas';
import { PHONE_PROFILES } from './profiles/phone';

// ---- seeded randomness (no Math.random: runs must be comparable) ----------------------------

/** mulberry32: a small, fast, well-mixed 32-bit PRNG. Returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for one item of a stream, so hotel i is the same whatever the population size. */
export function subSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 0x85ebca6b), 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return Math.imul(h, 0x27d4eb2f) >>> 0;
}

export type Rng = () => number;

export function pick<T>(rng: Rng, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [v, w] of weighted) {
    r -= w;
    if (r < 0) return v;
  }
  return weighted[weighted.length - 1][0];
}

/** Log-normal draw from its median and the spread factor at one sigma. */
export function logNormal(rng: Rng, median: number, sigmaFactor: number): number {
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return median * Math.pow(sigmaFactor, z);
}

// ---- the documented rates ----------------------------------------------------------------------

/** Probabilities and weights used to draw the population (see docs/population.md for each source). */
export const RATES = {
  /** Share of call attempts that reach no one (no answer + busy + voicemail), averaged over hotels. */
  unansweredShareMean: 0.4,
  /** How an unanswered attempt ends. */
  unansweredSplit: { noAnswer: 0.55, voicemail: 0.3, busy: 0.15 },
  /** Hotels whose number is a fax line. */
  faxLine: 0.01,
  /** Hotels behind an IVR menu, and the depth of their menus. */
  ivr: 0.35,
  ivrDepth: [
    [1, 0.5],
    [2, 0.35],
    [3, 0.15],
  ] as const,
  /** IVR hotels whose menu never reaches a person. */
  ivrDeadEnd: 0.05,
  /** IVR hotels whose path is already configured. */
  ivrPathKnown: 0.3,
  /** The stance of the person who answers (per hotel; each guest gets it with `stanceConsistency`, once). */
  stance: [
    ['agree', 0.47],
    ['callback', 0.13],
    ['written_only', 0.13],
    ['refuse', 0.06],
    ['slow', 0.05],
    ['drops', 0.03],
    ['accounting', 0.06],
    ['auth_form', 0.04],
    ['sent_to_guest', 0.03],
  ] as const,
  stanceConsistency: 0.8,
  /** Per guest: the hotel has no such booking (wrong hotel or reference in the request). Decided once. */
  noSuchBooking: 0.02,
  /** A guest the hotel asked us to call back about: on the next call the person agrees (else another callback). */
  callbackThenAgrees: 0.75,
  /** "Accounting" hotels: the front desk transfers the call; accounting picks up (else its voicemail). */
  accountingAnswers: 0.65,
  accountingHoldSeconds: 45,
  /** "Already sent to the guest": asked in writing, the hotel sends a copy (decided once per guest). */
  sentToGuestCopyInWriting: 0.6,
  /**
   * A client asked for the guest's signed authorisation form (folio.authorization_required) uploads it: most
   * within hours (log-normal, median and one-sigma factor), some after a few days (uniform, hours), some never.
   * Decided once per guest, on a stream of its own.
   */
  clientForm: { withinHours: 0.7, withinDays: 0.15 },
  clientFormHours: [4, 2] as const,
  clientFormDaysHours: [24, 96] as const,
  /** Hotels whose staff hang up on a voice bot, and how often they do on a call that a person answers. */
  hangsUpOnBot: 0.06,
  hangsUpOnBotPerCall: 0.6,
  /** Per guest asked on a call: the agent mishears (or is misheard on) a confirmation digit or a name spelling, so the staff cannot find the booking on this call. */
  mishearPerGuest: 0.04,
  /** The person dictates an address for the folio on the phone; the agent mishears it (a typo: the mail is refused). */
  addressGivenOnPhone: 0.5,
  addressMisheard: 0.05,
  channel: [
    ['phone-first', 0.8],
    ['email-first', 0.08],
    ['email-only', 0.12],
  ] as const,
  /** Hotels with no email address on file (phone-first only). */
  noEmailKnown: 0.1,
  /** Addresses on file that are dead (the hotel's working mailboxes stay reachable), and how the dead one fails. */
  emailBounces: 0.03,
  bounceAtRcpt: 0.5,
  inbox: [
    ['prompt', 0.45],
    ['slow', 0.35],
    ['silent', 0.2],
  ] as const,
  /** Median hours to a reply, and the one-sigma spread factor of the log-normal. */
  replyHours: { prompt: [4, 2.5], slow: [40, 2] } as Record<'prompt' | 'slow', readonly [number, number]>,
  /** Chance a slow inbox replies to a given request or reminder at all. */
  slowInboxReplies: 0.6,
  /** After agreeing on the phone, the folio is actually sent. */
  agreedThenSends: 0.9,
  agreedReplyHours: [2, 3] as const,
  /** What a reply contains. */
  replyContent: [
    ['correct', 0.88],
    ['wrong_guest', 0.05],
    ['partial', 0.05],
    ['unreadable', 0.02],
  ] as const,
  /** How a written answer is sent (a reply to our request or reminder). */
  replyVariant: [
    ['thread', 0.7],
    ['new-to-reply-address', 0.1],
    ['new-to-plain-address', 0.08],
    ['other-mailbox', 0.12],
  ] as const,
  /** How the folio promised on the phone is sent (there is no email of ours to reply to: the address the agent gave). */
  afterCallVariant: [
    ['new-to-reply-address', 0.75],
    ['new-to-plain-address', 0.1],
    ['other-mailbox', 0.15],
  ] as const,
  /** Hotels of a chain whose shared accounting (another domain) answers some mail, days later. */
  chainShared: 0.2,
  chainAccountingReplies: 0.4,
  chainExtraDays: [1, 4] as const,
  /** Chain accounting forwards our request (keeping its subject, with the reference tag) rather than writing anew. */
  chainKeepsSubject: 0.5,
  chains: ['Meridian Hotels', 'Alder & Stone', 'Castellan Group', 'Northway Hospitality', 'Solana Resorts', 'Linden Hotels'],
  /** Chains whose shared accounting office operators have on file (a folio sender of their hotels): half of them. */
  chainOfficeOnFile: ['Meridian Hotels', 'Castellan Group', 'Solana Resorts'],
  /** Front desks open around the clock vs. an office with weekday hours. */
  hours: [
    ['24h', 0.45],
    ['office', 0.4],
    ['office-sat', 0.15],
  ] as const,
} as const;

// ---- where hotels are ------------------------------------------------------------------------

interface Place {
  country: string;
  timeZone: string;
  language: Language;
  dial: string;
  city: string;
  weight: number;
}

/** Business-travel destinations; weights are an assumption shaped like European corporate travel. */
export const PLACES: readonly Place[] = [
  { country: 'GB', timeZone: 'Europe/London', language: 'en', dial: '+44', city: 'London', weight: 12 },
  { country: 'DE', timeZone: 'Europe/Berlin', language: 'de', dial: '+49', city: 'Frankfurt', weight: 12 },
  { country: 'FR', timeZone: 'Europe/Paris', language: 'fr', dial: '+33', city: 'Paris', weight: 10 },
  { country: 'ES', timeZone: 'Europe/Madrid', language: 'es', dial: '+34', city: 'Madrid', weight: 7 },
  { country: 'IT', timeZone: 'Europe/Rome', language: 'it', dial: '+39', city: 'Milan', weight: 7 },
  { country: 'NL', timeZone: 'Europe/Amsterdam', language: 'nl', dial: '+31', city: 'Amsterdam', weight: 4 },
  { country: 'PT', timeZone: 'Europe/Lisbon', language: 'pt', dial: '+351', city: 'Lisbon', weight: 3 },
  { country: 'AT', timeZone: 'Europe/Vienna', language: 'de', dial: '+43', city: 'Vienna', weight: 3 },
  { country: 'CH', timeZone: 'Europe/Zurich', language: 'de', dial: '+41', city: 'Zurich', weight: 3 },
  { country: 'BE', timeZone: 'Europe/Brussels', language: 'fr', dial: '+32', city: 'Brussels', weight: 3 },
  { country: 'US', timeZone: 'America/New_York', language: 'en', dial: '+1', city: 'New York', weight: 8 },
  { country: 'US', timeZone: 'America/Chicago', language: 'en', dial: '+1', city: 'Chicago', weight: 4 },
  { country: 'US', timeZone: 'America/Los_Angeles', language: 'en', dial: '+1', city: 'San Francisco', weight: 4 },
  { country: 'CA', timeZone: 'America/Toronto', language: 'en', dial: '+1', city: 'Toronto', weight: 2 },
  { country: 'MX', timeZone: 'America/Mexico_City', language: 'es', dial: '+52', city: 'Mexico City', weight: 2 },
  { country: 'BR', timeZone: 'America/Sao_Paulo', language: 'pt', dial: '+55', city: 'São Paulo', weight: 2 },
  { country: 'AR', timeZone: 'America/Argentina/Buenos_Aires', language: 'es', dial: '+54', city: 'Buenos Aires', weight: 1 },
  { country: 'AE', timeZone: 'Asia/Dubai', language: 'en', dial: '+971', city: 'Dubai', weight: 2 },
  { country: 'SG', timeZone: 'Asia/Singapore', language: 'en', dial: '+65', city: 'Singapore', weight: 2 },
  { country: 'JP', timeZone: 'Asia/Tokyo', language: 'en', dial: '+81', city: 'Tokyo', weight: 2 },
  { country: 'AU', timeZone: 'Australia/Sydney', language: 'en', dial: '+61', city: 'Sydney', weight: 2 },
  { country: 'NZ', timeZone: 'Pacific/Auckland', language: 'en', dial: '+64', city: 'Auckland', weight: 1 },
];

const NAMES = ['Grand', 'Central', 'Park', 'Royal', 'Harbour', 'City', 'Garden', 'Station', 'Plaza', 'Riverside', 'Palace', 'Bellevue'];
const KINDS = ['Hotel', 'Inn', 'Suites', 'Residence', 'Hotel & Spa'];

// ---- what one hotel does -----------------------------------------------------------------------

export type Stance = (typeof RATES.stance)[number][0];
export type InboxKind = (typeof RATES.inbox)[number][0];
export type ReplyContent = (typeof RATES.replyContent)[number][0];

export interface HotelBehaviour {
  /** Per call attempt, how the line ends; sums to 1. `answered` means a person (or an IVR leading to one). */
  line: { answered: number; noAnswer: number; voicemail: number; busy: number; fax: number };
  ivr?: { depth: number; deadEnd: boolean };
  stance: Stance;
  /** Chance each guest gets the hotel's stance (else the staff simply agrees). */
  stanceConsistency: number;
  noSuchBooking: number;
  inbox: InboxKind;
  /** Median and one-sigma factor of the hours a reply takes (prompt and slow inboxes). */
  replyHours?: readonly [number, number];
  /** Chance the inbox answers a given request or reminder. */
  replyChance: number;
  /** The address on file is dead (its working mailboxes below still answer). */
  emailBounces: boolean;
  /** A dead address is refused at RCPT (550) rather than accepted and bounced later (a DSN). */
  bounceAtRcpt: boolean;
  agreedThenSends: number;
  replyContent: readonly (readonly [ReplyContent, number])[];
  /** The hotel's mail domain; its working mailboxes are frontdesk@, reservations@ and accounting@. */
  domain: string;
  /** When its people write email (hotel-local): office hours, or the day shift of a 24-hour front desk. */
  mailHours: BusinessHours;
  /** Its staff hang up on a voice bot (on `RATES.hangsUpOnBotPerCall` of answered calls). */
  hangsUpOnBot: boolean;
  /** A chain whose shared accounting mailbox (on the chain's own domain) answers some of the hotel's mail. */
  chain?: { name: string; address: string };
}

export interface SandboxHotel {
  config: HotelConfig;
  city: string;
  behaviour: HotelBehaviour;
}

const allWeek = (open: string, close: string, days: string[]): BusinessHours =>
  Object.fromEntries(days.map((d) => [d, [{ open, close }]])) as BusinessHours;

function businessHours(kind: (typeof RATES.hours)[number][0]): BusinessHours {
  if (kind === '24h') return allWeek('00:00', '24:00', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
  const weekdays = allWeek('08:30', '18:00', ['mon', 'tue', 'wed', 'thu', 'fri']);
  return kind === 'office' ? weekdays : { ...weekdays, sat: [{ open: '09:00', close: '13:00' }] };
}

/** When a hotel's people answer email: office hours as its phone's, the day shift (07:00–22:00) at a 24-hour desk. */
function mailHoursOf(kind: (typeof RATES.hours)[number][0]): BusinessHours {
  return kind === '24h' ? allWeek('07:00', '22:00', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) : businessHours(kind);
}

function digits(rng: Rng, n: number): string {
  let s = String(1 + Math.floor(rng() * 9));
  while (s.length < n) s += String(Math.floor(rng() * 10));
  return s;
}

/** The phone profile (sandbox/profiles/phone.ts) that plays this hotel's most likely call. */
function profileOf(b: HotelBehaviour, ivrPathKnown: boolean): string {
  const mostly = b.line.answered >= Math.max(b.line.noAnswer, b.line.voicemail, b.line.busy);
  let name: string;
  if (b.line.fax === 1) name = 'fax';
  else if (b.ivr?.deadEnd) name = 'ivr-dead-end';
  else if (!mostly) name = b.line.noAnswer >= b.line.voicemail && b.line.noAnswer >= b.line.busy ? 'no-answer' : b.line.voicemail >= b.line.busy ? 'voicemail' : 'busy';
  else if (b.ivr && b.stance === 'agree') name = ivrPathKnown ? 'ivr-known-agree' : 'ivr-discover-agree';
  else
    name = {
      agree: 'person-agree',
      callback: 'callback-tomorrow',
      written_only: 'written-request-only',
      refuse: 'refuse',
      slow: 'slow-staff',
      drops: 'drops-mid-call',
      accounting: 'transfers-to-accounting',
      auth_form: 'asks-authorisation-form',
      sent_to_guest: 'sent-to-guest',
    }[b.stance];
  if (!PHONE_PROFILES[name]) throw new Error(`population names phone profile "${name}", which sandbox/profiles/phone.ts does not define`);
  return name;
}

/** One hotel, drawn from its own sub-stream: hotel i is identical in populations of any size. */
export function generateHotel(seed: number, index: number): SandboxHotel {
  const rng = prng(subSeed(seed, index));
  const place = pick(rng, PLACES.map((p) => [p, p.weight] as const));
  const hotelId = `sbx-${seed.toString(36)}-${index.toString().padStart(4, '0')}`;

  // unanswered share per hotel: uniform around the mean (±0.3), so some hotels almost never pick up
  const unanswered = Math.min(0.95, Math.max(0.05, RATES.unansweredShareMean + (rng() - 0.5) * 0.6));
  const fax = rng() < RATES.faxLine;
  const split = RATES.unansweredSplit;
  const line = fax
    ? { answered: 0, noAnswer: 0, voicemail: 0, busy: 0, fax: 1 }
    : { answered: 1 - unanswered, noAnswer: unanswered * split.noAnswer, voicemail: unanswered * split.voicemail, busy: unanswered * split.busy, fax: 0 };
  const hasIvr = !fax && rng() < RATES.ivr;
  const ivr = hasIvr ? { depth: pick(rng, RATES.ivrDepth), deadEnd: rng() < RATES.ivrDeadEnd } : undefined;
  const ivrPathKnown = !!ivr && !ivr.deadEnd && rng() < RATES.ivrPathKnown;
  const stance = pick(rng, RATES.stance);
  const channelPreference: ChannelPreference = pick(rng, RATES.channel);
  const noEmail = channelPreference === 'phone-first' && rng() < RATES.noEmailKnown;
  const inbox = pick(rng, RATES.inbox);
  const hoursKind = pick(rng, RATES.hours);
  const domain = `${hotelId}.hotel.example`;

  const behaviour: HotelBehaviour = {
    line,
    ivr,
    stance,
    stanceConsistency: RATES.stanceConsistency,
    noSuchBooking: RATES.noSuchBooking,
    inbox,
    replyHours: inbox === 'silent' ? undefined : RATES.replyHours[inbox],
    replyChance: inbox === 'prompt' ? 1 : inbox === 'slow' ? RATES.slowInboxReplies : 0,
    emailBounces: !noEmail && rng() < RATES.emailBounces,
    bounceAtRcpt: false,
    agreedThenSends: RATES.agreedThenSends,
    replyContent: RATES.replyContent,
    domain,
    mailHours: mailHoursOf(hoursKind),
    hangsUpOnBot: false,
  };
  const name = `${pick(rng, NAMES.map((n) => [n, 1] as const))} ${pick(rng, KINDS.map((k) => [k, 1] as const))} ${place.city}`;
  const phoneDigits = place.dial === '+1' ? `${digits(rng, 3)}555${digits(rng, 4).slice(0, 4)}` : digits(rng, 9);
  // traits added later are drawn last, so the hotels' earlier traits stay what they were
  behaviour.bounceAtRcpt = rng() < RATES.bounceAtRcpt;
  behaviour.hangsUpOnBot = rng() < RATES.hangsUpOnBot;
  if (rng() < RATES.chainShared) {
    const chain = RATES.chains[Math.floor(rng() * RATES.chains.length)]!;
    behaviour.chain = { name: chain, address: `accounts.payable@${chain.toLowerCase().replace(/[^a-z]+/g, '-')}-shared.example` };
  }
  const config = HotelConfig.parse({
    hotelId,
    name,
    phone: `${place.dial}${phoneDigits}`,
    timeZone: place.timeZone,
    country: place.country,
    language: place.language,
    emails: noEmail ? [] : [`frontdesk@${domain}`],
    businessHours: businessHours(hoursKind),
    ivrPath: ivrPathKnown ? ivrDigitsFor(ivr!.depth) : undefined,
    channelPreference,
    // the chain is public hotel content; its accounting office is on file only for some chains
    chain: behaviour.chain?.name,
    folioSenders: behaviour.chain && (RATES.chainOfficeOnFile as readonly string[]).includes(behaviour.chain.name) ? [behaviour.chain.address] : [],
    sandboxProfile: profileOf(behaviour, ivrPathKnown),
  });
  return { config, city: place.city, behaviour };
}

/** The DTMF path through a menu of this depth in the sandbox (2, then 3, then 1). */
export function ivrDigitsFor(depth: number): string {
  return ['2', '3', '1'].slice(0, depth).join('w');
}

export function generatePopulation(seed: number, count: number): SandboxHotel[] {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a whole number in 0..2^32-1, got ${seed}`);
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new RangeError(`count must be a whole number in 1..100000, got ${count}`);
  return Array.from({ length: count }, (_, i) => generateHotel(seed, i));
}

// ---- what happens on one call or one email (driven by the benchmark's own seeded stream) -------

/** A stream of its own for one key (a guest, a call, an email): the same key draws the same numbers, whatever ran before. */
export function keyedRng(seed: number, ...key: string[]): Rng {
  let h = 0x811c9dc5;
  for (const ch of key.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return prng(subSeed(seed, h));
}

export type LineOutcome = 'answered' | 'no-answer' | 'voicemail' | 'busy' | 'fax';

export function drawLine(b: HotelBehaviour, rng: Rng): LineOutcome {
  return pick(rng, [
    ['answered', b.line.answered],
    ['no-answer', b.line.noAnswer],
    ['voicemail', b.line.voicemail],
    ['busy', b.line.busy],
    ['fax', b.line.fax],
  ] as const);
}

/** What the hotel holds about one guest, decided once (the guest's own stream) and kept across every call and email. */
export type GuestStance = 'agree' | 'callback' | 'written_only' | 'refuse' | 'auth_form' | 'sent_to_guest';

export type TruthCategory = 'obtainable' | 'no such booking' | 'hotel refuses' | "needs the guest's authorisation form" | 'already with the guest' | 'hotel unreachable';

export interface GuestTruth {
  hasBooking: boolean;
  stance: GuestStance;
  /** "Already sent to the guest": asked in writing, the hotel sends a copy. */
  copyInWriting: boolean;
  /** The hotel has the booking and will send the folio to a chase that reaches it. */
  obtainable: boolean;
  category: TruthCategory;
}

/** The per-guest stance behind a hotel's stance: stalling, dropping and transferring are how its calls go, not what it says about a guest. */
function guestStanceOf(stance: Stance): GuestStance {
  return stance === 'slow' || stance === 'drops' || stance === 'accounting' ? 'agree' : stance;
}

/** A person can be reached on the hotel's number (not a fax, not a menu that leads nowhere). */
export function phoneReaches(b: HotelBehaviour): boolean {
  return b.line.fax < 1 && !b.ivr?.deadEnd && b.line.answered > 0;
}

/** The hotel's mailboxes answer written requests (a silent inbox never does). */
export function answersMail(b: HotelBehaviour): boolean {
  return b.inbox !== 'silent';
}

export function guestTruth(b: HotelBehaviour, seed: number, guestKey: string): GuestTruth {
  const rng = keyedRng(seed, 'guest', guestKey);
  const hasBooking = rng() >= b.noSuchBooking;
  const stance = rng() < b.stanceConsistency ? guestStanceOf(b.stance) : 'agree';
  const copyInWriting = rng() < RATES.sentToGuestCopyInWriting;
  const category = truthCategory(b, { hasBooking, stance, copyInWriting });
  return { hasBooking, stance, copyInWriting, obtainable: category === 'obtainable', category };
}

function truthCategory(b: HotelBehaviour, t: Pick<GuestTruth, 'hasBooking' | 'stance' | 'copyInWriting'>): TruthCategory {
  if (!t.hasBooking) return 'no such booking';
  switch (t.stance) {
    case 'refuse':
      return 'hotel refuses';
    case 'auth_form':
      return "needs the guest's authorisation form";
    case 'sent_to_guest':
      if (!t.copyInWriting) return 'already with the guest';
      return answersMail(b) ? 'obtainable' : 'hotel unreachable';
    case 'written_only':
      return answersMail(b) ? 'obtainable' : 'hotel unreachable';
    case 'agree':
    case 'callback':
      return phoneReaches(b) || answersMail(b) ? 'obtainable' : 'hotel unreachable';
  }
}

/** What happened with this guest on calls so far (the simulation keeps it per guest). */
export interface GuestContact {
  /** The hotel asked us to call back about this guest on an earlier call. */
  callbackAsked: boolean;
  /** The guest's signed authorisation form has reached the hotel (attached to our email): a hotel that asked for it now sends the folio. */
  formReceived?: boolean;
}

export type PhoneAnswer =
  | { kind: 'agreed'; address?: string }
  | { kind: 'callback' }
  | { kind: 'written_request_only'; address?: string }
  | { kind: 'refused'; reason: string }
  /** The hotel sends the folio only against a form signed by the guest (what the voice agent reports as `authorization_required`). */
  | { kind: 'authorization_required'; form: string; address?: string }
  | { kind: 'no_such_booking'; misheard?: 'confirmation digit' | 'name spelling' };

/** What the staff calls the form they want signed by the guest. */
export const AUTHORISATION_FORM = 'guest authorisation form';

export const REFUSAL_REASONS: Record<'refuse' | 'auth_form' | 'sent_to_guest', string> = {
  refuse: 'folios go to the guest only',
  auth_form: 'the hotel needs a guest authorisation form signed by the guest',
  sent_to_guest: 'the folio was already sent to the guest',
};

/** The hotel's working mailboxes, and the one people dictate on the phone. */
export function hotelMailbox(b: HotelBehaviour, box: 'frontdesk' | 'reservations' | 'accounting'): string {
  return `${box}@${b.domain}`;
}

/**
 * Hours after it was asked until the client uploads the guest's signed form through the API (undefined: never).
 * Decided once per guest, on a stream of its own (the guest's truth does not move).
 */
export function clientFormHours(seed: number, guestKey: string): number | undefined {
  const rng = keyedRng(seed, 'client-form', guestKey);
  const r = rng();
  if (r < RATES.clientForm.withinHours) return logNormal(rng, RATES.clientFormHours[0], RATES.clientFormHours[1]);
  if (r < RATES.clientForm.withinHours + RATES.clientForm.withinDays) return RATES.clientFormDaysHours[0] + rng() * (RATES.clientFormDaysHours[1] - RATES.clientFormDaysHours[0]);
  return undefined;
}

/** What the person on the phone says about one guest on one call (the guest's stance holds; a mishearing does not). */
export function phoneAnswer(b: HotelBehaviour, t: GuestTruth, contact: GuestContact, rng: Rng): PhoneAnswer {
  if (!t.hasBooking) return { kind: 'no_such_booking' };
  if (rng() < RATES.mishearPerGuest) return { kind: 'no_such_booking', misheard: rng() < 0.5 ? 'confirmation digit' : 'name spelling' };
  const address = () => {
    if (rng() >= RATES.addressGivenOnPhone) return undefined;
    const a = hotelMailbox(b, 'accounting');
    return rng() < RATES.addressMisheard ? a.replace('accounting@', 'acounting@') : a;
  };
  switch (t.stance) {
    case 'agree':
      return { kind: 'agreed', address: address() };
    case 'callback':
      return contact.callbackAsked && rng() < RATES.callbackThenAgrees ? { kind: 'agreed', address: address() } : { kind: 'callback' };
    case 'written_only':
      return { kind: 'written_request_only', address: address() };
    case 'auth_form':
      // once the signed form has reached it the hotel agrees; before, the staff names the form and where to send it
      return contact.formReceived ? { kind: 'agreed', address: address() } : { kind: 'authorization_required', form: AUTHORISATION_FORM, address: address() };
    case 'refuse':
    case 'sent_to_guest':
      return { kind: 'refused', reason: REFUSAL_REASONS[t.stance] };
  }
}

/** What the hotel writes back about one guest when it answers a written request: a folio only when it has the booking and will send it. */
export type WrittenAnswer = 'folio' | 'no_booking' | 'refusal' | 'auth_form' | 'sent_to_guest';

export function writtenAnswer(t: GuestTruth, contact: Pick<GuestContact, 'formReceived'> = {}): WrittenAnswer {
  if (!t.hasBooking) return 'no_booking';
  switch (t.stance) {
    case 'refuse':
      return 'refusal';
    case 'auth_form':
      return contact.formReceived ? 'folio' : 'auth_form';
    case 'sent_to_guest':
      return t.copyInWriting ? 'folio' : 'sent_to_guest';
    default:
      return 'folio';
  }
}

export type CallShape = 'normal' | 'stalls' | 'drops' | 'hangs-up-on-bot' | 'transfer' | 'transfer-voicemail';

/** Per call a person answers: do they hang up on the bot, stall into the overflow limit, hang up part-way, transfer to accounting? */
export function drawCallShape(b: HotelBehaviour, rng: Rng): CallShape {
  if (b.hangsUpOnBot && rng() < RATES.hangsUpOnBotPerCall) return 'hangs-up-on-bot';
  const r = rng();
  if (b.stance === 'slow') return r < 0.7 ? 'stalls' : 'normal';
  if (b.stance === 'drops') return r < 0.5 ? 'drops' : 'normal';
  if (b.stance === 'accounting') return r < RATES.accountingAnswers ? 'transfer' : 'transfer-voicemail';
  return r < 0.02 ? 'stalls' : r < 0.03 ? 'drops' : 'normal';
}

/** Hours until the inbox answers an email request (undefined: it never does). */
export function drawEmailReplyHours(b: HotelBehaviour, rng: Rng): number | undefined {
  if (!b.replyHours || rng() >= b.replyChance) return undefined;
  return logNormal(rng, b.replyHours[0], b.replyHours[1]);
}

/** Hours until the folio arrives after a person agreed on the phone (undefined: it never comes). */
export function drawAgreedReplyHours(b: HotelBehaviour, rng: Rng): number | undefined {
  if (rng() >= b.agreedThenSends) return undefined;
  return logNormal(rng, RATES.agreedReplyHours[0], RATES.agreedReplyHours[1]);
}

export function drawReplyContent(b: HotelBehaviour, rng: Rng): ReplyContent {
  return pick(rng, b.replyContent);
}

export type ReplyVariant = 'thread' | 'new-to-reply-address' | 'new-to-plain-address' | 'other-mailbox' | 'chain-accounting';

/** How one message from the hotel is sent, and how much later a chain's accounting sends it. */
export function drawReplyVariant(b: HotelBehaviour, rng: Rng, afterCall: boolean): { variant: ReplyVariant; extraHours: number } {
  if (b.chain && rng() < RATES.chainAccountingReplies) {
    const [lo, hi] = RATES.chainExtraDays;
    return { variant: 'chain-accounting', extraHours: 24 * (lo + rng() * (hi - lo)) };
  }
  return { variant: pick(rng, afterCall ? RATES.afterCallVariant : RATES.replyVariant), extraHours: 0 };
}

/** The first moment at or after `atMs` when the hotel's people write email (its mail hours, hotel-local). */
export function mailMomentAt(h: SandboxHotel, atMs: number): number {
  const at = nextOpenAt({ timeZone: h.config.timeZone, businessHours: h.behaviour.mailHours, closedDates: [] }, atMs, 0);
  if (at === undefined) throw new Error(`hotel ${h.config.hotelId} never writes email`);
  return at;
}

export function isMailMoment(h: SandboxHotel, atMs: number): boolean {
  return isOpenAt({ timeZone: h.config.timeZone, businessHours: h.behaviour.mailHours, closedDates: [] }, atMs);
}
