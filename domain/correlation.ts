// Which folio request(s) an incoming email answers. Pure: the inbox monitor passes the parsed message
// (with the result of its sender check) and the threads we sent in the last days; the rules are tried
// strongest first, and every rule also needs the sender to be, provably, the hotel the request went to.
import { isPublicMailDomain } from './mail-domains';
import { namesMatch } from './names';
import { normaliseReference } from './validation';

export interface ThreadGuest {
  folioId: string;
  workflowId: string;
  confirmationNumber: string;
  guestName: string;
}

/** One email we sent (a request or a reminder) with the guests it asked about. */
export interface SentThread {
  emailId: string;
  hotelId: string;
  messageId: string;
  token: string;
  to: string;
  hotelEmails: string[];
  guests: ThreadGuest[];
  /** False once a reply was matched to it. */
  open: boolean;
}

export interface IncomingFacts {
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  /** To, Cc and Delivered-To addresses. */
  recipients: string[];
  subject: string;
  from: string;
  /** The From domain vouched for the message (DKIM/SPF/DMARC): without it, From is only a claim. */
  senderAuthenticated: boolean;
  /** What the sender check said (shown to operators when it refused). */
  senderCheck?: string;
  text: string;
  attachmentTexts?: string[];
}

export interface CorrelationOptions {
  replyDomain: string;
  /**
   * Senders vouched for per hotel id: addresses an operator vouched for by assigning their mail to one of its
   * folios (or to a hotel of its chain), and the hotel's configured folio senders (an address, or `@domain`
   * for a whole domain), its chain's included.
   */
  learnedSenders?: ReadonlyMap<string, readonly string[]>;
  /**
   * Whether a token a message carries is a stored one: constant-time (the adapters' `digestsEqual`, over
   * crypto.timingSafeEqual), so how long a refusal takes tells a forger nothing about a real token.
   */
  tokensEqual: (stored: string, given: string) => boolean;
}

export type CorrelationRule = 'thread' | 'reply-token' | 'subject-tag' | 'sender-domain' | 'guest-details';

export interface MatchedFolio extends ThreadGuest {
  emailId: string;
  hotelId: string;
}

export type Correlation =
  | { matched: true; rule: CorrelationRule; folios: MatchedFolio[]; emailIds: string[] }
  | { matched: false; reason: string; candidates: MatchedFolio[] };

const TOKEN_RE = /^[a-z0-9]{6,32}$/;

export function normalizeMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, '');
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).replace(/>$/, '').trim().toLowerCase();
}

/** The token of a `user+token@replyDomain` address, if it is one of ours. */
export function tokenFromAddress(address: string, replyDomain: string): string | undefined {
  const a = address.trim().toLowerCase();
  if (domainOf(a) !== replyDomain.toLowerCase()) return undefined;
  const local = a.slice(0, a.lastIndexOf('@'));
  const plus = local.indexOf('+');
  if (plus < 0) return undefined;
  const token = local.slice(plus + 1);
  return TOKEN_RE.test(token) ? token : undefined;
}

export function tokenFromSubject(subject: string): string | undefined {
  const m = /\[Ref ([a-z0-9]{6,32})\]/i.exec(subject);
  return m?.[1]?.toLowerCase();
}

export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function firstNameOf(guestName: string): string {
  return guestName.trim().split(/\s+/)[0] ?? guestName;
}

export function surnameOf(guestName: string): string {
  const parts = guestName.trim().split(/\s+/);
  return parts[parts.length - 1] ?? guestName;
}

function containsWord(haystack: string, needle: string): boolean {
  if (!needle) return false;
  const escaped = fold(needle).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(haystack);
}

/**
 * Guests a text names (to give each attachment to its folio): by confirmation number or full name; only
 * when nobody is named that way, by surname (which family members share).
 */
export function guestsMentioned<T extends ThreadGuest>(guests: T[], text: string): T[] {
  const t = fold(text);
  const named = guests.filter((g) => containsWord(t, g.confirmationNumber) || (containsWord(t, firstNameOf(g.guestName)) && containsWord(t, surnameOf(g.guestName))));
  return named.length ? named : guests.filter((g) => containsWord(t, surnameOf(g.guestName)));
}

/**
 * The guests a folio found in a document is for: its confirmation number, else a printed guest name that is
 * the guest's (every guest a shared bill names). Names are compared as validation compares them.
 */
export function guestsOfFolio<T extends ThreadGuest>(found: { guestNames: readonly string[]; confirmationNumber?: string }, guests: T[]): T[] {
  const conf = found.confirmationNumber ? normaliseReference(found.confirmationNumber) : '';
  const byNumber = conf ? guests.filter((g) => normaliseReference(g.confirmationNumber) === conf) : [];
  if (byNumber.length) return byNumber;
  return guests.filter((g) => {
    const parts = g.guestName.trim().split(/\s+/);
    const expected = { firstName: parts.length > 1 ? parts.slice(0, -1).join(' ') : '', lastName: parts[parts.length - 1] ?? '' };
    return found.guestNames.some((n) => namesMatch(expected, n));
  });
}

/** Last resort: both the surname and the confirmation number appear. */
function guestsIdentified<T extends ThreadGuest>(guests: T[], text: string): T[] {
  const t = fold(text);
  return guests.filter((g) => containsWord(t, g.confirmationNumber) && containsWord(t, surnameOf(g.guestName)));
}

function foliosOf(threads: SentThread[]): MatchedFolio[] {
  const seen = new Map<string, MatchedFolio>();
  for (const th of threads) for (const g of th.guests) if (!seen.has(g.folioId)) seen.set(g.folioId, { ...g, emailId: th.emailId, hotelId: th.hotelId });
  return [...seen.values()];
}

function matched(rule: CorrelationRule, threads: SentThread[], folios = foliosOf(threads)): Correlation {
  return { matched: true, rule, folios, emailIds: [...new Set(folios.map((f) => f.emailId))] };
}

/**
 * Does the sender look like the hotel this thread went to: an address on file, the hotel's own domain, or a
 * sender vouched for (an exact address, or an `@domain` an operator configured)?
 */
export function senderIsHotel(from: string, thread: SentThread, learned: readonly string[] = []): boolean {
  const sender = from.trim().toLowerCase();
  const addresses = [thread.to, ...thread.hotelEmails].map((a) => a.toLowerCase());
  if (addresses.includes(sender) || learned.some((a) => a.toLowerCase() === sender)) return true;
  const d = domainOf(sender);
  if (!d || isPublicMailDomain(d)) return false;
  return addresses.some((a) => domainOf(a) === d) || learned.some((a) => a.toLowerCase() === `@${d}`);
}

/** A thread, reply-token or subject-tag match stands only when the authenticated sender is that request's hotel. */
function vouchedFor(rule: CorrelationRule, msg: IncomingFacts, th: SentThread[], opts: CorrelationOptions): Correlation {
  const sender = msg.from || '(no sender)';
  if (!msg.senderAuthenticated) {
    return { matched: false, reason: `${rule} match refused: sender ${sender} is not authenticated (${msg.senderCheck ?? 'not checked'})`, candidates: foliosOf(th) };
  }
  const hotel = th.filter((t) => senderIsHotel(msg.from, t, opts.learnedSenders?.get(t.hotelId)));
  if (!hotel.length) return { matched: false, reason: `${rule} match refused: ${sender} is not the hotel this request went to`, candidates: foliosOf(th) };
  return matched(rule, hotel);
}

export function correlate(msg: IncomingFacts, threads: SentThread[], opts: CorrelationOptions): Correlation {
  // 1. Our Message-ID in In-Reply-To (the direct parent), then in References (newest first).
  const parents = [msg.inReplyTo, ...[...msg.references].reverse()].filter((x): x is string => !!x).map(normalizeMessageId);
  for (const id of parents) {
    const th = threads.filter((t) => normalizeMessageId(t.messageId) === id);
    if (th.length) return vouchedFor('thread', msg, th, opts);
  }
  // 2. The reply token in a recipient's plus-address.
  for (const r of msg.recipients) {
    const token = tokenFromAddress(r, opts.replyDomain);
    const th = token ? threads.filter((t) => opts.tokensEqual(t.token, token)) : [];
    if (th.length) return vouchedFor('reply-token', msg, th, opts);
  }
  // 3. The [Ref token] tag kept in the subject.
  const subjectToken = tokenFromSubject(msg.subject);
  if (subjectToken) {
    const th = threads.filter((t) => opts.tokensEqual(t.token, subjectToken));
    if (th.length) return vouchedFor('subject-tag', msg, th, opts);
  }
  // 4. The sender's domain is the hotel's, and that hotel has exactly one open request chain.
  const fromHotel = threads.filter((t) => senderIsHotel(msg.from, t, opts.learnedSenders?.get(t.hotelId)));
  if (!fromHotel.length) {
    return { matched: false, reason: 'sender is not a hotel we wrote to, and the message carries no thread, reply token or reference', candidates: [] };
  }
  if (!msg.senderAuthenticated) {
    return { matched: false, reason: `sender ${msg.from} claims to be a hotel we wrote to but is not authenticated (${msg.senderCheck ?? 'not checked'})`, candidates: foliosOf(fromHotel.filter((t) => t.open)) };
  }
  const open = fromHotel.filter((t) => t.open);
  const chains = new Set(open.map((t) => t.token));
  if (chains.size === 1) return matched('sender-domain', open);
  // 5. Otherwise the guest's surname and confirmation number must both appear (any request to that hotel).
  const text = [msg.subject, msg.text, ...(msg.attachmentTexts ?? [])].join('\n');
  const found = guestsIdentified(foliosOf(fromHotel), text);
  if (found.length) return matched('guest-details', fromHotel, found);
  const why = chains.size ? `ambiguous: ${chains.size} open requests at the sender's hotel` : "no open request at the sender's hotel";
  return { matched: false, reason: `${why}, and no guest named with a confirmation number`, candidates: foliosOf(open.length ? open : fromHotel) };
}
