// How hard and how often we chase one folio: pure decisions from the chase state and what just
// happened. The folio workflow asks these functions what to do next and does exactly that.
import { HOUR_MS, MINUTE_MS } from './calendar';
import type { CallDisposition, GuestOutcome } from './model';
import type { ChannelPreference } from './schemas';

export interface ChasePolicy {
  /** Calls placed for one folio before the phone is given up. */
  maxCallAttempts: number;
  /** Minutes to wait after an unsuccessful call, by disposition and consecutive failure (last value repeats). */
  retryMinutes: Record<'busy' | 'no_answer' | 'voicemail' | 'failed' | 'canceled' | 'dropped' | 'ivr_dead_end', number[]>;
  /** After this many unsuccessful calls in a row, a written request goes out as well (email overflow). */
  emailAfterFailedCalls: number;
  /** Hours to wait for the folio after each email (request, then each reminder; last value repeats). */
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
};

export interface ChaseState {
  channelPreference: ChannelPreference;
  hasEmail: boolean;
  emailBad: boolean;
  calls: number;
  failedCallsInRow: number;
  emails: number;
  reminders: number;
  callbacks: number;
}

/** Where a chase starts: nothing tried yet; the hotel's channel and email come once it is loaded. */
export function newChaseState(over: Partial<ChaseState> = {}): ChaseState {
  return { channelPreference: 'phone-first', hasEmail: false, emailBad: false, calls: 0, failedCallsInRow: 0, emails: 0, reminders: 0, callbacks: 0, ...over };
}

export type ChaseDecision =
  | { action: 'call'; atMs: number; reason: string }
  | { action: 'email'; reason: string; atMs?: number }
  | { action: 'reminder'; reason: string; atMs?: number }
  | { action: 'await_document'; untilMs: number; reason: string }
  | { action: 'callback'; reason: string }
  | { action: 'needs_attention'; reason: string }
  | { action: 'give_up'; reason: string };

const canEmail = (s: ChaseState) => s.hasEmail && !s.emailBad;
const canCall = (s: ChaseState, p: ChasePolicy) => s.channelPreference !== 'email-only' && s.calls < p.maxCallAttempts;

/** The first move once the folio is due. */
export function firstStep(s: ChaseState, p: ChasePolicy, nowMs: number): ChaseDecision {
  if (s.channelPreference !== 'phone-first' && canEmail(s)) return { action: 'email', reason: `hotel prefers ${s.channelPreference}` };
  if (canCall(s, p)) return { action: 'call', atMs: nowMs, reason: 'folio is due' };
  if (canEmail(s)) return { action: 'email', reason: 'folio is due' };
  return { action: 'needs_attention', reason: 'hotel has neither a usable phone path nor an email address' };
}

/** After a call that included this folio. `outcome` is what the hotel said about it, if it got that far. */
export function afterCall(s: ChaseState, disposition: CallDisposition, outcome: GuestOutcome | undefined, p: ChasePolicy, nowMs: number): ChaseDecision {
  if (outcome) return afterOutcome(s, outcome, p, nowMs);
  if (disposition === 'overflow') {
    return canEmail(s) ? { action: 'email', reason: 'the call ran past the overflow limit' } : retryCall(s, 'dropped', p, nowMs);
  }
  if (disposition === 'fax') {
    return canEmail(s) ? { action: 'email', reason: 'the number answers as a fax' } : { action: 'needs_attention', reason: 'the number is a fax line and no email address is known' };
  }
  if (disposition === 'conversation') return retryCall(s, 'dropped', p, nowMs); // the agent did not cover this guest
  return retryCall(s, disposition, p, nowMs);
}

function afterOutcome(s: ChaseState, outcome: GuestOutcome, p: ChasePolicy, nowMs: number): ChaseDecision {
  switch (outcome.kind) {
    case 'agreed':
      return { action: 'await_document', untilMs: nowMs + p.awaitAfterAgreedHours * HOUR_MS, reason: 'the hotel agreed to email the folio' };
    case 'callback':
      if (s.callbacks >= p.maxCallbacks) {
        return canEmail(s) ? { action: 'email', reason: 'too many callbacks; asking in writing' } : { action: 'needs_attention', reason: 'the hotel keeps asking for callbacks' };
      }
      return { action: 'callback', reason: 'the hotel asked us to call back' };
    case 'written_request_only':
      return canEmail(s) || outcome.email ? { action: 'email', reason: 'the hotel only accepts written requests' } : { action: 'needs_attention', reason: 'the hotel wants a written request but gave no address' };
    case 'no_such_booking':
      return { action: 'needs_attention', reason: 'the hotel has no such booking' };
    case 'refused':
      if (s.emails === 0 && canEmail(s)) return { action: 'email', reason: 'refused on the phone; asking in writing' };
      return { action: 'give_up', reason: `the hotel refused${outcome.reason ? `: ${outcome.reason}` : ''}` };
    case 'wrong_number':
      return canEmail(s) ? { action: 'email', reason: 'the phone number is wrong' } : { action: 'needs_attention', reason: 'the phone number is wrong and no email address is known' };
  }
}

function retryCall(s: ChaseState, kind: keyof ChasePolicy['retryMinutes'], p: ChasePolicy, nowMs: number): ChaseDecision {
  const failedInRow = s.failedCallsInRow; // already counts the call that just failed
  if (canEmail(s) && s.emails === 0 && (failedInRow >= p.emailAfterFailedCalls || !canCall(s, p))) {
    return { action: 'email', reason: `${failedInRow} unsuccessful calls in a row` };
  }
  if (!canCall(s, p)) {
    return s.emails > 0 && canEmail(s)
      ? { action: 'await_document', untilMs: nowMs + reminderDelay(s, p), reason: 'phone attempts used up; waiting on the written request' }
      : { action: 'give_up', reason: `no folio after ${s.calls} calls` };
  }
  const steps = p.retryMinutes[kind];
  const minutes = steps[Math.min(Math.max(failedInRow - 1, 0), steps.length - 1)];
  return { action: 'call', atMs: nowMs + minutes * MINUTE_MS, reason: `retry after ${kind.replace('_', ' ')}` };
}

function reminderDelay(s: ChaseState, p: ChasePolicy): number {
  return p.reminderHours[Math.min(s.reminders, p.reminderHours.length - 1)] * HOUR_MS;
}

/** After an email (request or reminder) went out. */
export function afterEmailSent(s: ChaseState, p: ChasePolicy, nowMs: number): ChaseDecision {
  return { action: 'await_document', untilMs: nowMs + reminderDelay(s, p), reason: 'waiting for the hotel to reply' };
}

/** The wait for the folio ran out. */
export function afterAwaitTimeout(s: ChaseState, p: ChasePolicy, nowMs: number): ChaseDecision {
  if (canEmail(s) && s.emails > 0 && s.reminders < p.maxReminders) return { action: 'reminder', reason: `no reply yet (reminder ${s.reminders + 1})` };
  if (canCall(s, p)) return { action: 'call', atMs: nowMs, reason: 'no folio yet; calling again' };
  if (canEmail(s) && s.emails === 0) return { action: 'email', reason: 'no folio yet; asking in writing' };
  return { action: 'give_up', reason: `no folio after ${s.calls} calls and ${s.emails + s.reminders} emails` };
}

/**
 * Our side could not send the email (our mail server down or refusing us, temporary failures outlasting the
 * retries). Nothing is learned about the hotel's address and no attempt is counted: the same email again, later.
 */
export function afterEmailNotSent(kind: 'email' | 'reminder', p: ChasePolicy, nowMs: number): Extract<ChaseDecision, { action: 'email' | 'reminder' }> & { atMs: number } {
  return { action: kind, atMs: nowMs + p.resendAfterMinutes * MINUTE_MS, reason: 'our mail server could not send it; sending again' };
}

/** The hotel's address rejected our email (permanent SMTP failure or bounce). */
export function afterEmailRejected(s: ChaseState, p: ChasePolicy, nowMs: number): ChaseDecision {
  if (canCall(s, p)) return { action: 'call', atMs: nowMs, reason: 'email address rejected; back to the phone' };
  return { action: 'needs_attention', reason: 'email address rejected and no phone attempts left' };
}
