// A deterministic population of simulated hotels for benchmarks and demos: where they are, when
// they are open, and how they behave on the phone and by email. Every rate is documented (with its
// source, or plainly marked as an assumption) in docs/population.md; the numbers live in RATES below.
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
  /** The stance of the person who answers (per hotel; each guest follows it with `stanceConsistency`). */
  stance: [
    ['agree', 0.55],
    ['callback', 0.15],
    ['written_only', 0.15],
    ['refuse', 0.07],
    ['slow', 0.05],
    ['drops', 0.03],
  ] as const,
  stanceConsistency: 0.8,
  /** Per guest: the hotel finds no such booking. */
  noSuchBooking: 0.02,
  channel: [
    ['phone-first', 0.8],
    ['email-first', 0.08],
    ['email-only', 0.12],
  ] as const,
  /** Hotels with no email address on file (phone-first only). */
  noEmailKnown: 0.1,
  /** Addresses that bounce (5xx). */
  emailBounces: 0.03,
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
  emailBounces: boolean;
  agreedThenSends: number;
  replyContent: readonly (readonly [ReplyContent, number])[];
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
    agreedThenSends: RATES.agreedThenSends,
    replyContent: RATES.replyContent,
  };
  const name = `${pick(rng, NAMES.map((n) => [n, 1] as const))} ${pick(rng, KINDS.map((k) => [k, 1] as const))} ${place.city}`;
  const phoneDigits = place.dial === '+1' ? `${digits(rng, 3)}555${digits(rng, 4).slice(0, 4)}` : digits(rng, 9);
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

export type GuestReply = 'agreed' | 'callback' | 'written_request_only' | 'refused' | 'no_such_booking';

/** What the person says about one guest (stalling and dropping are per call, see drawCallShape). */
export function drawGuestReply(b: HotelBehaviour, rng: Rng): GuestReply {
  if (rng() < b.noSuchBooking) return 'no_such_booking';
  if (rng() >= b.stanceConsistency) return 'agreed';
  switch (b.stance) {
    case 'callback':
      return 'callback';
    case 'written_only':
      return 'written_request_only';
    case 'refuse':
      return 'refused';
    default:
      return 'agreed';
  }
}

/** Per call: does the person stall into the overflow limit or hang up part-way? */
export function drawCallShape(b: HotelBehaviour, rng: Rng): 'normal' | 'stalls' | 'drops' {
  const r = rng();
  if (b.stance === 'slow') return r < 0.7 ? 'stalls' : 'normal';
  if (b.stance === 'drops') return r < 0.5 ? 'drops' : 'normal';
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
