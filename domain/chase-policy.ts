// How hard and how often we chase one folio: pure decisions from the chase state and what just
// happened. The folio workflow asks these functions what to do next and does exactly that.
//
// The closed loop (`closedLoop`, on by default) gives every failed step an automatic next step: a document
// that fails the checks is asked for again, silence on one channel moves to the other, an address the hotel
// gives on the phone is used, "no such booking" is asked once more in writing, a form the hotel wants from
// the guest is asked of the client. Folios started before these rules (replayed histories) and a benchmark's
// baseline run without them: `closedLoop: false` is the earlier policy, decision for decision.
import { addBusinessDays, localDate } from './business-hours';
import { HOUR_MS, MINUTE_MS } from './calendar';
import { nameVariants, reaskNeed, type FailedCheck } from './asks';
import { goodCallTime, nextBusinessDay, type CallTimingContext } from './call-timing';
import { NEXT_STEP } from './next-steps';
import type { CallDisposition, DocumentRef, GuestAsk, GuestOutcome } from './model';
import type { ChannelPreference } from './schemas';

export { goodCallTime, MIN_CALLS_TO_JUDGE_HOUR, nextBusinessDay } from './call-timing';
export { NEXT_STEP } from './next-steps';
export { reaskNeed, type FailedCheck } from './asks';
export { acceptsDepartureMismatch } from './validation';

/** The order of the first contacts: call at check-out + grace (today's order), or write a few hours after check-out and call at the grace end only if nothing usable came. */
export const FIRST_CONTACTS = ['call-after-grace', 'email-early'] as const;
export type FirstContact = (typeof FIRST_CONTACTS)[number];

export interface ChasePolicy {
  /** Calls placed for one folio before the phone is given up. */
  maxCallAttempts: number;
  /** Minutes to wait after an unsuccessful call, by disposition and consecutive failure (last value repeats). */
  retryMinutes: Record<'busy' | 'no_answer' | 'voicemail' | 'failed' | 'canceled' | 'dropped' | 'ivr_dead_end', number[]>;
  /** After this many unsuccessful calls in a row, a written request goes out as well (email overflow). */
  emailAfterFailedCalls: number;
  /** Hours to wait for the folio after each email (request, then each reminder; last value repeats). Without the closed loop. */
  reminderHours: number[];
  maxReminders: number;
  /** Minutes to wait before sending again an email our side could not send (our mail server down). */
  resendAfterMinutes: number;
  /** Hours to wait for the promised email after a hotel agreed on the phone. */
  awaitAfterAgreedHours: number;
  maxCallbacks: number;
  /** Business days after the folio falls due before the SLA is breached (the folio is flagged for a person). */
  slaBusinessDays: number;
  /** Days after the folio falls due when we stop chasing for good. */
  giveUpAfterDays: number;
  /** The closed-loop rules below apply (false: the earlier policy, for replayed histories and baselines). */
  closedLoop: boolean;
  /** Which contact comes first. Default `call-after-grace` (the order before the closed loop) until measured. */
  firstContact: FirstContact;
  /** With `email-early`: hours after check-out (12:00 hotel-local) the written request goes out. */
  emailEarlyHours: number;
  /**
   * With `email-early`: hours past the grace end the first call waits while the early written request is out
   * unanswered (a slow inbox answers in about two days; a silent one is called then). Hotels without an
   * address are called at the grace end as before.
   */
  firstCallDelayHours: number;
  /** Times a hotel is asked again for a document that failed the checks before a person reviews it. */
  maxReasks: number;
  /** Business days without a reply to an email before the phone is tried; then reminder and call alternate. */
  callAfterSilentBusinessDays: number;
  /** The same for hotels that take email only: they are called after this many silent business days. */
  emailOnlyCallAfterSilentBusinessDays: number;
  /** Unanswered calls per hotel-local day; the next one moves to the next business day, at an hour the hotel answers. */
  maxUnansweredCallsPerDay: number;
  /** Written re-asks after the hotel found no such booking, before a person. */
  maxBookingReasks: number;
  /** Business days to wait for the guest's signed form from the client. */
  authorizationWaitBusinessDays: number;
}

export const DEFAULT_CHASE_POLICY: ChasePolicy = {
  maxCallAttempts: 6,
  retryMinutes: {
    busy: [15, 30, 60],
    no_answer: [60, 120, 240],
    voicemail: [120, 240],
    failed: [30, 120],
    canceled: [30],
    dropped: [10, 30],
    ivr_dead_end: [240],
  },
  emailAfterFailedCalls: 3,
  reminderHours: [24, 48, 72],
  maxReminders: 3,
  resendAfterMinutes: 60,
  awaitAfterAgreedHours: 24,
  maxCallbacks: 4,
  slaBusinessDays: 5,
  giveUpAfterDays: 21,
  closedLoop: true,
  firstContact: 'call-after-grace',
  emailEarlyHours: 3,
  firstCallDelayHours: 0,
  maxReasks: 2,
  callAfterSilentBusinessDays: 1,
  emailOnlyCallAfterSilentBusinessDays: 2,
  maxUnansweredCallsPerDay: 2,
  maxBookingReasks: 1,
  authorizationWaitBusinessDays: 5,
};

/** The policy before the closed loop: what folios started before it replay with. */
export const EARLIER_CHASE_POLICY: Partial<ChasePolicy> = { closedLoop: false, firstContact: 'call-after-grace' };

export interface ChaseState {
  channelPreference: ChannelPreference;
  hasEmail: boolean;
  emailBad: boolean;
  calls: number;
  failedCallsInRow: number;
  emails: number;
  reminders: number;
  callbacks: number;
  /** How the hotel was last asked: the next silent step uses the other channel. */
  lastChannel: 'phone' | 'email';
  /** Times the hotel was asked again after a document failed the checks. */
  reasks: number;
  /** Written re-asks after "no such booking". */
  bookingReasks: number;
  /** Unanswered calls on one hotel-local day (YYYY-MM-DD). */
  unanswered: { day: string; count: number };
  firstEmailAt?: number;
  /** Our last email: where it went and when (a silence call asks whether it arrived). */
  lastEmail?: { to: string; at: number };
  /** The guest's signed form went to the hotel (a second request for it is for a person). */
  formSent?: boolean;
  /** Check-out + grace: with `email-early`, the first call waits for it. */
  dueAt?: number;
}

/** Where a chase starts: nothing tried yet; the hotel's channel and email come once it is loaded. */
export function newChaseState(over: Partial<ChaseState> = {}): ChaseState {
  return {
    channelPreference: 'phone-first',
    hasEmail: false,
    emailBad: false,
    calls: 0,
    failedCallsInRow: 0,
    emails: 0,
    reminders: 0,
    callbacks: 0,
    lastChannel: 'phone',
    reasks: 0,
    bookingReasks: 0,
    unanswered: { day: '', count: 0 },
    ...over,
  };
}

/** What a decision needs besides the chase state: the time, the hotel's hours and answer rates, the guest. */
export interface ChaseContext extends CallTimingContext {
  guest?: { firstName: string; lastName: string; additionalNames?: string[] };
}

export type ChaseDecision =
  | { action: 'call'; atMs: number; reason: string; ask?: GuestAsk }
  | { action: 'email'; reason: string; ask?: GuestAsk; atMs?: number }
  | { action: 'reminder'; reason: string; ask?: GuestAsk; atMs?: number }
  | { action: 'await_document'; untilMs: number; reason: string }
  | { action: 'await_client'; untilMs: number; reason: string; form?: string }
  | { action: 'callback'; reason: string }
  | { action: 'needs_attention'; reason: string; next: string }
  | { action: 'give_up'; reason: string; next: string };

/** A document failed the checks and a person looks at it (the hotel is not asked again). */
export type ReviewDecision = { action: 'review'; reason: string; next: string };


const canEmail = (s: ChaseState) => s.hasEmail && !s.emailBad;
const canCall = (s: ChaseState, p: ChasePolicy) => s.channelPreference !== 'email-only' && s.calls < p.maxCallAttempts;

/**
 * Whether a call may go out now. Email-only hotels are called too once their requests went unanswered for
 * `emailOnlyCallAfterSilentBusinessDays` (every configured hotel has a phone number).
 */
export function mayCall(s: ChaseState, p: ChasePolicy, ctx: ChaseContext): boolean {
  if (!p.closedLoop || s.channelPreference !== 'email-only') return canCall(s, p);
  if (s.calls >= p.maxCallAttempts || s.firstEmailAt === undefined) return false;
  return ctx.nowMs >= addBusinessDays(ctx.schedule, s.firstEmailAt, p.emailOnlyCallAfterSilentBusinessDays);
}

/** Whether the written request goes out a few hours after check-out, before the grace ends. */
export function emailsEarly(s: ChaseState, p: ChasePolicy): boolean {
  return p.closedLoop && p.firstContact === 'email-early' && canEmail(s);
}

/** The first move once the folio is due (or, with `email-early`, once the early request is due). */
export function firstStep(s: ChaseState, p: ChasePolicy, ctx: ChaseContext): ChaseDecision {
  const nowMs = ctx.nowMs;
  if (emailsEarly(s, p) && s.dueAt !== undefined && s.dueAt > nowMs) return { action: 'email', reason: `written request ${p.emailEarlyHours} h after check-out; a call follows only if nothing usable arrives` };
  if (s.channelPreference !== 'phone-first' && canEmail(s)) return { action: 'email', reason: `hotel prefers ${s.channelPreference}` };
  if (canCall(s, p)) return { action: 'call', atMs: p.closedLoop ? goodCallTime(ctx, nowMs) : nowMs, reason: 'folio is due' };
  if (canEmail(s)) return { action: 'email', reason: 'folio is due' };
  return { action: 'needs_attention', reason: 'hotel has neither a usable phone path nor an email address', next: NEXT_STEP.noChannel };
}

const UNANSWERED: readonly CallDisposition[] = ['busy', 'no_answer', 'voicemail', 'failed', 'ivr_dead_end'];

/** Counts a call that included this folio (and, when nobody answered, the hotel-local day it was on). */
export function countCall(s: ChaseState, disposition: CallDisposition, answered: boolean, localDay: string): void {
  s.calls++;
  s.lastChannel = 'phone';
  if (answered) s.failedCallsInRow = 0;
  else if (disposition !== 'overflow') s.failedCallsInRow++;
  if (!answered && UNANSWERED.includes(disposition)) s.unanswered = s.unanswered.day === localDay ? { day: localDay, count: s.unanswered.count + 1 } : { day: localDay, count: 1 };
}

/** Counts an email (request or reminder) that went out to `to`. */
export function countEmail(s: ChaseState, kind: 'email' | 'reminder', to: string | undefined, nowMs: number): void {
  if (kind === 'reminder') s.reminders++;
  else s.emails++;
  s.lastChannel = 'email';
  s.firstEmailAt ??= nowMs;
  if (to) s.lastEmail = { to, at: nowMs };
}

/** After a call that included this folio. `outcome` is what the hotel said about it, if it got that far. */
export function afterCall(s: ChaseState, disposition: CallDisposition, outcome: GuestOutcome | undefined, p: ChasePolicy, ctx: ChaseContext): ChaseDecision {
  if (outcome) return afterOutcome(s, outcome, p, ctx);
  if (disposition === 'overflow') {
    return canEmail(s) ? { action: 'email', reason: 'the call ran past the overflow limit' } : retryCall(s, 'dropped', p, ctx);
  }
  if (disposition === 'fax') {
    return canEmail(s) ? { action: 'email', reason: 'the number answers as a fax' } : { action: 'needs_attention', reason: 'the number is a fax line and no email address is known', next: NEXT_STEP.fax };
  }
  if (disposition === 'conversation') return retryCall(s, 'dropped', p, ctx); // the agent did not cover this guest
  return retryCall(s, disposition, p, ctx);
}

/** Asked in writing: in the thread of our earlier email when there is one. */
const written = (s: ChaseState, reason: string, ask?: GuestAsk): ChaseDecision => ({ action: s.emails > 0 ? 'reminder' : 'email', reason, ...(ask && { ask }) });

function afterOutcome(s: ChaseState, outcome: GuestOutcome, p: ChasePolicy, ctx: ChaseContext): ChaseDecision {
  const nowMs = ctx.nowMs;
  switch (outcome.kind) {
    case 'agreed':
      return { action: 'await_document', untilMs: nowMs + p.awaitAfterAgreedHours * HOUR_MS, reason: 'the hotel agreed to email the folio' };
    case 'callback':
      if (s.callbacks >= p.maxCallbacks) {
        return canEmail(s) ? { action: 'email', reason: 'too many callbacks; asking in writing' } : { action: 'needs_attention', reason: 'the hotel keeps asking for callbacks', next: NEXT_STEP.callbacks };
      }
      return { action: 'callback', reason: 'the hotel asked us to call back' };
    case 'written_request_only':
      return canEmail(s) || outcome.email ? { action: 'email', reason: 'the hotel only accepts written requests' } : { action: 'needs_attention', reason: 'the hotel wants a written request but gave no address', next: NEXT_STEP.writtenNoAddress };
    case 'no_such_booking':
      return afterNoSuchBooking(s, p, ctx);
    case 'refused':
      if (s.emails === 0 && canEmail(s)) return { action: 'email', reason: 'refused on the phone; asking in writing' };
      return { action: 'give_up', reason: `the hotel refused${outcome.reason ? `: ${outcome.reason}` : ''}`, next: NEXT_STEP.refused };
    case 'wrong_number':
      return canEmail(s) ? { action: 'email', reason: 'the phone number is wrong' } : { action: 'needs_attention', reason: 'the phone number is wrong and no email address is known', next: NEXT_STEP.wrongNumber };
    case 'authorization_required':
      if (!p.closedLoop) return { action: 'needs_attention', reason: 'the hotel asks for a form signed by the guest', next: NEXT_STEP.authorization };
      if (s.formSent) return { action: 'needs_attention', reason: 'the hotel still asks for a signed form after we sent it', next: NEXT_STEP.authorizationAgain };
      return {
        action: 'await_client',
        untilMs: addBusinessDays(ctx.schedule, nowMs, p.authorizationWaitBusinessDays),
        reason: `the hotel sends the folio only against the guest's signed ${outcome.form ?? 'authorisation form'}; asking the client for it`,
        ...(outcome.form && { form: outcome.form }),
      };
  }
}

/** "No such booking": once more in writing with every identifier and name variant (the client is told), then a person. */
function afterNoSuchBooking(s: ChaseState, p: ChasePolicy, ctx: ChaseContext): ChaseDecision {
  const stop: ChaseDecision = { action: 'needs_attention', reason: 'the hotel has no such booking', next: NEXT_STEP.noSuchBooking };
  if (!p.closedLoop || s.bookingReasks >= p.maxBookingReasks) return s.bookingReasks > 0 ? { ...stop, reason: 'the hotel has no such booking, also when asked again with every name variant' } : stop;
  const ask: GuestAsk = { kind: 'find-booking', nameVariants: ctx.guest ? nameVariants(ctx.guest) : [] };
  const reason = 'the hotel found no such booking; asking once more with every identifier and name variant';
  if (canEmail(s)) return written(s, reason, ask);
  if (mayCall(s, p, ctx)) return { action: 'call', atMs: goodCallTime(ctx, ctx.nowMs), reason, ask };
  return stop;
}

function retryCall(s: ChaseState, kind: keyof ChasePolicy['retryMinutes'], p: ChasePolicy, ctx: ChaseContext): ChaseDecision {
  if (!p.closedLoop) return retryCallEarlier(s, kind, p, ctx.nowMs);
  const nowMs = ctx.nowMs;
  const failedInRow = s.failedCallsInRow; // already counts the call that just failed
  const today = localDate(ctx.schedule.timeZone, nowMs);
  const unansweredToday = s.unanswered.day === today ? s.unanswered.count : 0;
  const dayUsed = unansweredToday >= p.maxUnansweredCallsPerDay;
  if (canEmail(s) && s.emails === 0 && (failedInRow >= p.emailAfterFailedCalls || dayUsed || !mayCall(s, p, ctx))) {
    return { action: 'email', reason: `${failedInRow} unsuccessful calls; asking in writing as well` };
  }
  if (!mayCall(s, p, ctx)) {
    return s.emails > 0 && canEmail(s)
      ? { action: 'await_document', untilMs: nextBusinessDay(ctx), reason: 'phone attempts used up; waiting on the written request' }
      : { action: 'give_up', reason: `no folio after ${s.calls} calls`, next: NEXT_STEP.gaveUp };
  }
  if (dayUsed) {
    // the hotel did not answer today: a reminder tomorrow when we wrote to it, else a call at an hour it answers
    if (s.emails > 0 && canEmail(s)) return { action: 'await_document', untilMs: nextBusinessDay(ctx), reason: `${unansweredToday} unanswered calls today; a reminder next business day` };
    return { action: 'call', atMs: goodCallTime(ctx, nextBusinessDay(ctx)), reason: `${unansweredToday} unanswered calls today; calling next business day` };
  }
  const steps = p.retryMinutes[kind];
  const minutes = steps[Math.min(Math.max(failedInRow - 1, 0), steps.length - 1)];
  return { action: 'call', atMs: goodCallTime(ctx, nowMs + minutes * MINUTE_MS), reason: `retry after ${kind.replace('_', ' ')}` };
}

function retryCallEarlier(s: ChaseState, kind: keyof ChasePolicy['retryMinutes'], p: ChasePolicy, nowMs: number): ChaseDecision {
  const failedInRow = s.failedCallsInRow;
  if (canEmail(s) && s.emails === 0 && (failedInRow >= p.emailAfterFailedCalls || !canCall(s, p))) {
    return { action: 'email', reason: `${failedInRow} unsuccessful calls in a row` };
  }
  if (!canCall(s, p)) {
    return s.emails > 0 && canEmail(s)
      ? { action: 'await_document', untilMs: nowMs + reminderDelay(s, p), reason: 'phone attempts used up; waiting on the written request' }
      : { action: 'give_up', reason: `no folio after ${s.calls} calls`, next: NEXT_STEP.gaveUp };
  }
  const steps = p.retryMinutes[kind];
  const minutes = steps[Math.min(Math.max(failedInRow - 1, 0), steps.length - 1)];
  return { action: 'call', atMs: nowMs + minutes * MINUTE_MS, reason: `retry after ${kind.replace('_', ' ')}` };
}

function reminderDelay(s: ChaseState, p: ChasePolicy): number {
  return p.reminderHours[Math.min(s.reminders, p.reminderHours.length - 1)] * HOUR_MS;
}

/** After an email (request or reminder) went out. */
export function afterEmailSent(s: ChaseState, p: ChasePolicy, ctx: ChaseContext): ChaseDecision {
  const nowMs = ctx.nowMs;
  if (!p.closedLoop) return { action: 'await_document', untilMs: nowMs + reminderDelay(s, p), reason: 'waiting for the hotel to reply' };
  const firstCallAt = s.dueAt === undefined ? undefined : s.dueAt + p.firstCallDelayHours * HOUR_MS;
  if (firstCallAt !== undefined && firstCallAt > nowMs && s.channelPreference === 'phone-first' && mayCall(s, p, ctx)) {
    const when = firstCallAt > s.dueAt! ? `${p.firstCallDelayHours} h after the end of the grace period` : 'at the end of the grace period';
    return { action: 'await_document', untilMs: firstCallAt, reason: `written request sent early; calling ${when} if nothing usable arrives` };
  }
  const days = p.callAfterSilentBusinessDays;
  return { action: 'await_document', untilMs: addBusinessDays(ctx.schedule, nowMs, days), reason: `waiting ${days} business day${days === 1 ? '' : 's'} for the hotel to reply` };
}

/** The wait for the folio ran out: silence on one channel moves to the other; reminders and calls alternate. */
export function afterAwaitTimeout(s: ChaseState, p: ChasePolicy, ctx: ChaseContext): ChaseDecision {
  const nowMs = ctx.nowMs;
  if (!p.closedLoop) {
    if (canEmail(s) && s.emails > 0 && s.reminders < p.maxReminders) return { action: 'reminder', reason: `no reply yet (reminder ${s.reminders + 1})` };
    if (canCall(s, p)) return { action: 'call', atMs: nowMs, reason: 'no folio yet; calling again' };
    if (canEmail(s) && s.emails === 0) return { action: 'email', reason: 'no folio yet; asking in writing' };
    return { action: 'give_up', reason: `no folio after ${s.calls} calls and ${s.emails + s.reminders} emails`, next: NEXT_STEP.gaveUp };
  }
  if (s.lastChannel === 'email' && mayCall(s, p, ctx)) {
    const ask: GuestAsk | undefined = s.lastEmail && { kind: 'did-it-arrive', wroteTo: s.lastEmail.to, sentAt: new Date(s.lastEmail.at).toISOString() };
    return { action: 'call', atMs: goodCallTime(ctx, nowMs), reason: 'no reply to our email; calling to ask whether it arrived', ...(ask && { ask }) };
  }
  if (canEmail(s) && s.emails === 0) return { action: 'email', reason: 'no folio yet; asking in writing' };
  if (canEmail(s) && s.reminders < p.maxReminders) return { action: 'reminder', reason: `no reply yet (reminder ${s.reminders + 1})` };
  if (mayCall(s, p, ctx)) return { action: 'call', atMs: goodCallTime(ctx, nowMs), reason: 'no folio yet; calling again' };
  return { action: 'give_up', reason: `no folio after ${s.calls} calls and ${s.emails + s.reminders} emails`, next: NEXT_STEP.gaveUp };
}

/**
 * Our side could not send the email (our mail server down or refusing us, temporary failures outlasting the
 * retries). Nothing is learned about the hotel's address and no attempt is counted: the same email again, later.
 */
export function afterEmailNotSent(kind: 'email' | 'reminder', p: ChasePolicy, nowMs: number): Extract<ChaseDecision, { action: 'email' | 'reminder' }> & { atMs: number } {
  return { action: kind, atMs: nowMs + p.resendAfterMinutes * MINUTE_MS, reason: 'our mail server could not send it; sending again' };
}

/** The hotel's address rejected our email (permanent SMTP failure or bounce). */
export function afterEmailRejected(s: ChaseState, p: ChasePolicy, ctx: ChaseContext): ChaseDecision {
  if (canCall(s, p)) return { action: 'call', atMs: ctx.nowMs, reason: 'email address rejected; back to the phone' };
  return { action: 'needs_attention', reason: 'email address rejected and no phone attempts left', next: NEXT_STEP.emailRejected };
}

// ---- documents that fail the checks ------------------------------------------------------------

/**
 * A document did not pass: ask the hotel again (in the same thread, or by phone when the folio followed a
 * phone agreement), naming what is wrong and what is needed, at most `maxReasks` times; then a person reviews.
 */
export function afterFailedCheck(s: ChaseState, failed: FailedCheck, p: ChasePolicy, ctx: ChaseContext): ChaseDecision | ReviewDecision {
  const review = (reason: string): ReviewDecision => ({ action: 'review', reason, next: NEXT_STEP.review });
  if (!p.closedLoop) return review('the folio did not pass the checks');
  if (failed.uploaded) return review(`the uploaded folio did not pass the checks (${failed.codes.join(', ')})`);
  const need = reaskNeed(failed);
  if (!need) return review(`the folio did not pass the checks (${failed.codes.join(', ')}) and needs a person's judgement`);
  if (s.reasks >= p.maxReasks) return review(`asked the hotel again ${s.reasks} time${s.reasks === 1 ? '' : 's'}; the folio still does not pass (${failed.codes.join(', ')})`);
  const ask: GuestAsk = { kind: 'reask', need, problems: failed.codes, attempt: s.reasks + 1, ...(failed.found && { found: failed.found }) };
  const reason = `the folio did not pass the checks (${failed.codes.join(', ')}); asking the hotel again (${s.reasks + 1} of ${p.maxReasks})`;
  if (s.lastChannel === 'phone' && mayCall(s, p, ctx)) return { action: 'call', atMs: goodCallTime(ctx, ctx.nowMs), reason, ask };
  if (canEmail(s)) return written(s, reason, ask);
  if (mayCall(s, p, ctx)) return { action: 'call', atMs: goodCallTime(ctx, ctx.nowMs), reason, ask };
  return review(`the folio did not pass the checks (${failed.codes.join(', ')}) and the hotel cannot be asked again`);
}

// ---- the guest's signed form -----------------------------------------------------------------

/** The client uploaded the form the hotel asked for: it goes to the hotel in writing. */
export function afterAuthorizationReceived(s: ChaseState, document: DocumentRef, form: string | undefined): ChaseDecision {
  const ask: GuestAsk = { kind: 'authorization', document, ...(form && { form }) };
  if (canEmail(s)) return written(s, "sending the guest's signed form to the hotel", ask);
  return { action: 'needs_attention', reason: 'the signed form is here but no email address of the hotel is known', next: NEXT_STEP.authorizationNoAddress };
}

/** The client did not send the form in time. */
export function afterAuthorizationTimeout(p: ChasePolicy): ChaseDecision {
  return { action: 'needs_attention', reason: `no signed form from the client within ${p.authorizationWaitBusinessDays} business days`, next: NEXT_STEP.authorization };
}
