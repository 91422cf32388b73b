import assert from 'node:assert/strict';
import {
  acceptsDepartureMismatch,
  afterAuthorizationReceived,
  afterAuthorizationTimeout,
  afterAwaitTimeout,
  afterCall,
  afterEmailNotSent,
  afterEmailRejected,
  afterEmailSent,
  afterFailedCheck,
  countCall,
  countEmail,
  DEFAULT_CHASE_POLICY,
  EARLIER_CHASE_POLICY,
  firstStep,
  goodCallTime,
  mayCall,
  newChaseState,
  nextBusinessDay,
  reaskNeed,
  type ChaseContext,
  type ChasePolicy,
  type ChaseState,
} from '../../domain/chase-policy';
import { nameVariants } from '../../domain/asks';
import type { DocumentRef } from '../../domain/model';
import { DEFAULT_BUSINESS_HOURS } from '../../domain/schemas';

const P = DEFAULT_CHASE_POLICY;
/** The policy before the closed loop: what replayed folios and baselines run with. */
const EARLIER: ChasePolicy = { ...P, ...EARLIER_CHASE_POLICY };
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// Monday 30 November 2026, 10:00 in London (UTC in winter)
const NOW = Date.parse('2026-11-30T10:00:00Z');
const allDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));
const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '08:00', close: '18:00' }]]));
const ctx = (over: Partial<ChaseContext> = {}): ChaseContext => ({ nowMs: NOW, schedule: { timeZone: 'Europe/London', businessHours: allDay, closedDates: [] }, ...over });
const at = (nowMs: number, over: Partial<ChaseContext> = {}) => ctx({ nowMs, ...over });
const C = ctx();
const base = (over: Partial<ChaseState> = {}): ChaseState => newChaseState({ hasEmail: true, ...over });

describe('chase policy', () => {
  describe('before the closed loop (replayed folios, baselines)', () => {
    it('calls a phone-first hotel now', () => assert.deepEqual(firstStep(base(), EARLIER, C), { action: 'call', atMs: NOW, reason: 'folio is due' }));
    it('writes to an email-first or email-only hotel', () => {
      assert.equal(firstStep(base({ channelPreference: 'email-first' }), EARLIER, C).action, 'email');
      assert.equal(firstStep(base({ channelPreference: 'email-only' }), EARLIER, C).action, 'email');
    });
    it('needs a person for an email-only hotel without an address', () => {
      assert.equal(firstStep(base({ channelPreference: 'email-only', hasEmail: false }), EARLIER, C).action, 'needs_attention');
    });
    it('backs off per disposition and consecutive failure', () => {
      const d1 = afterCall(base({ calls: 1, failedCallsInRow: 1 }), 'no_answer', undefined, EARLIER, C);
      assert.deepEqual(d1, { action: 'call', atMs: NOW + 60 * MIN, reason: 'retry after no answer' });
      const d2 = afterCall(base({ calls: 2, failedCallsInRow: 2, hasEmail: false }), 'busy', undefined, EARLIER, C);
      assert.equal(d2.action === 'call' && d2.atMs, NOW + 30 * MIN);
      const d9 = afterCall(base({ calls: 5, failedCallsInRow: 5, hasEmail: false }), 'busy', undefined, EARLIER, C);
      assert.equal(d9.action === 'call' && d9.atMs, NOW + 60 * MIN, 'the last step repeats');
    });
    it('overflows to email after three unsuccessful calls in a row', () => {
      assert.equal(afterCall(base({ calls: 3, failedCallsInRow: 3 }), 'voicemail', undefined, EARLIER, C).action, 'email');
    });
    it('gives up when calls are used up and there is no email', () => {
      const d = afterCall(base({ calls: 6, failedCallsInRow: 6, hasEmail: false }), 'no_answer', undefined, EARLIER, C);
      assert.equal(d.action, 'give_up');
      assert.equal(d.reason, 'no folio after 6 calls');
    });
    it('waits on the written request when calls are used up but an email went out', () => {
      assert.equal(afterCall(base({ calls: 6, failedCallsInRow: 6, emails: 1 }), 'no_answer', undefined, EARLIER, C).action, 'await_document');
    });
    it('sends a call past the overflow limit to email, or retries soon without an address', () => {
      assert.equal(afterCall(base({ calls: 1 }), 'overflow', undefined, EARLIER, C).action, 'email');
      assert.equal(afterCall(base({ calls: 1, hasEmail: false }), 'overflow', undefined, EARLIER, C).action, 'call');
    });
    it('acts on what the hotel said', () => {
      const s = base({ calls: 1 });
      assert.deepEqual(afterCall(s, 'conversation', { kind: 'agreed' }, EARLIER, C), { action: 'await_document', untilMs: NOW + 24 * HOUR, reason: 'the hotel agreed to email the folio' });
      assert.equal(afterCall(s, 'conversation', { kind: 'callback', phrase: 'tomorrow' }, EARLIER, C).action, 'callback');
      assert.equal(afterCall(s, 'conversation', { kind: 'written_request_only' }, EARLIER, C).action, 'email');
      assert.equal(afterCall(s, 'conversation', { kind: 'no_such_booking' }, EARLIER, C).action, 'needs_attention');
      assert.equal(afterCall(s, 'conversation', { kind: 'refused' }, EARLIER, C).action, 'email', 'a refusal on the phone is asked in writing once');
      assert.equal(afterCall(base({ calls: 1, emails: 1 }), 'conversation', { kind: 'refused', reason: 'policy' }, EARLIER, C).action, 'give_up');
      assert.equal(afterCall(s, 'conversation', { kind: 'wrong_number' }, EARLIER, C).action, 'email');
      assert.equal(afterCall(s, 'conversation', { kind: 'authorization_required' }, EARLIER, C).action, 'needs_attention');
    });
    it('stops accepting callbacks after the maximum', () => {
      assert.equal(afterCall(base({ calls: 5, callbacks: 4 }), 'conversation', { kind: 'callback' }, EARLIER, C).action, 'email');
      assert.equal(afterCall(base({ calls: 5, callbacks: 4, hasEmail: false }), 'conversation', { kind: 'callback' }, EARLIER, C).action, 'needs_attention');
    });
    it('never calls an email-only hotel', () => {
      const d = afterCall(base({ channelPreference: 'email-only', emails: 1 }), 'no_answer', undefined, EARLIER, C);
      assert.notEqual(d.action, 'call');
      assert.equal(afterAwaitTimeout(base({ channelPreference: 'email-only', emails: 1, reminders: 3, firstEmailAt: NOW - 9 * DAY }), EARLIER, C).action, 'give_up');
    });
    it('waits 24 h, then 48 h, then 72 h for a reply', () => {
      assert.deepEqual(afterEmailSent(base({ emails: 1 }), EARLIER, C), { action: 'await_document', untilMs: NOW + 24 * HOUR, reason: 'waiting for the hotel to reply' });
      const d = afterEmailSent(base({ emails: 1, reminders: 2 }), EARLIER, C);
      assert.equal(d.action === 'await_document' && d.untilMs, NOW + 72 * HOUR);
    });
    it('reminds three times, then calls, then gives up', () => {
      assert.equal(afterAwaitTimeout(base({ emails: 1, reminders: 0, lastChannel: 'email' }), EARLIER, C).action, 'reminder');
      assert.equal(afterAwaitTimeout(base({ emails: 1, reminders: 3 }), EARLIER, C).action, 'call');
      assert.equal(afterAwaitTimeout(base({ emails: 1, reminders: 3, calls: 6 }), EARLIER, C).action, 'give_up');
    });
    it('sends a failed document to review', () => {
      assert.equal(afterFailedCheck(base({ emails: 1 }), { codes: ['guest-mismatch'], remedy: 'review' }, EARLIER, C).action, 'review');
    });
    it('a document a person uploaded goes to review: that person judges it, the hotel is not asked again', () => {
      assert.equal(afterFailedCheck(base({ emails: 1 }), { codes: ['guest-mismatch'], remedy: 'review', uploaded: true }, P, C).action, 'review');
    });
    it('never accepts a departure mismatch', () => {
      const found = { confirmationNumber: 'ABC1', arrival: '2026-11-01' };
      assert.equal(acceptsDepartureMismatch(['departure-mismatch'], found, { confirmationNumber: 'ABC1', checkIn: '2026-11-01' }, { acceptDepartureMismatch: true }, EARLIER), false);
    });
  });

  it('goes back to the phone when the address is rejected', () => {
    assert.equal(afterEmailRejected(base({ emailBad: true }), P, C).action, 'call');
    const d = afterEmailRejected(base({ emailBad: true, channelPreference: 'email-only' }), P, C);
    assert.equal(d.action, 'needs_attention');
    assert.match(d.action === 'needs_attention' ? d.next : '', /PUT \/v1\/hotels/);
  });

  it('sends the same kind of email again an hour after our side could not send it', () => {
    assert.deepEqual(afterEmailNotSent('email', P, NOW), { action: 'email', atMs: NOW + 3_600_000, reason: 'our mail server could not send it; sending again' });
    assert.equal(afterEmailNotSent('reminder', { ...P, resendAfterMinutes: 5 }, NOW).atMs, NOW + 5 * 60_000);
  });

  describe('failed checks → automatic re-ask', () => {
    it('names what is needed instead, by what was wrong', () => {
      assert.equal(reaskNeed({ codes: ['guest-mismatch'], remedy: 'review' }), 'correct-folio');
      assert.equal(reaskNeed({ codes: ['arrival-mismatch', 'departure-mismatch'], remedy: 'review' }), 'correct-folio');
      assert.equal(reaskNeed({ codes: ['total-missing'], remedy: 'review' }), 'complete-folio');
      assert.equal(reaskNeed({ codes: ['unreadable'], remedy: 'ask-hotel-for-system-pdf' }), 'system-pdf');
      assert.equal(reaskNeed({ codes: ['unreadable'], remedy: 'ask-hotel-for-readable-pdf' }), 'readable-pdf');
      // an OCR'd folio that fails any check: the PDF from the hotel's system, whatever the check
      assert.equal(reaskNeed({ codes: ['guest-mismatch'], remedy: 'ask-hotel-for-system-pdf' }), 'system-pdf');
      assert.equal(reaskNeed({ codes: ['total-inconsistent'], remedy: 'review' }), undefined, 'charges that do not add up need a person');
      assert.equal(reaskNeed({ codes: ['currency-mismatch'], remedy: 'review' }), undefined);
    });
    it('replies in the same thread when the folio came after our email', () => {
      const s = base({ emails: 1, lastChannel: 'email' });
      const d = afterFailedCheck(s, { codes: ['guest-mismatch'], remedy: 'review' }, P, C);
      assert.equal(d.action, 'reminder');
      assert.deepEqual(d.action === 'reminder' && d.ask, { kind: 'reask', need: 'correct-folio', problems: ['guest-mismatch'], attempt: 1 });
      assert.match(d.reason, /guest-mismatch.*1 of 2/);
    });
    it('names the other dates it found', () => {
      const d = afterFailedCheck(base({ emails: 1, lastChannel: 'email' }), { codes: ['arrival-mismatch'], remedy: 'review', found: { arrival: '2026-10-01', departure: '2026-10-03' } }, P, C);
      assert.deepEqual(d.action === 'reminder' && d.ask && d.ask.kind === 'reask' && d.ask.found, { arrival: '2026-10-01', departure: '2026-10-03' });
    });
    it('calls when the folio followed a phone agreement', () => {
      const d = afterFailedCheck(base({ calls: 1, lastChannel: 'phone' }), { codes: ['unreadable'], remedy: 'ask-hotel-for-system-pdf' }, P, C);
      assert.equal(d.action, 'call');
      assert.equal(d.action === 'call' && d.ask?.kind === 'reask' && d.ask.need, 'system-pdf');
    });
    it('writes a first request when the phone cannot be used and nothing was written yet', () => {
      const d = afterFailedCheck(base({ calls: 6, lastChannel: 'phone' }), { codes: ['total-missing'], remedy: 'review' }, P, C);
      assert.equal(d.action, 'email');
    });
    it('asks at most twice, then a person reviews', () => {
      const failed = { codes: ['guest-mismatch'], remedy: 'review' as const };
      assert.equal(afterFailedCheck(base({ emails: 1, lastChannel: 'email', reasks: 1 }), failed, P, C).action, 'reminder');
      const d = afterFailedCheck(base({ emails: 1, lastChannel: 'email', reasks: 2 }), failed, P, C);
      assert.equal(d.action, 'review');
      assert.match(d.reason, /asked the hotel again 2 times/);
    });
    it('leaves what needs judgement to a person', () => {
      assert.equal(afterFailedCheck(base({ emails: 1, lastChannel: 'email' }), { codes: ['total-inconsistent'], remedy: 'review' }, P, C).action, 'review');
    });
    it('a person reviews when there is no way to ask again', () => {
      assert.equal(afterFailedCheck(base({ hasEmail: false, calls: 6 }), { codes: ['guest-mismatch'], remedy: 'review' }, P, C).action, 'review');
    });
  });

  describe('departure differs: accepted with a flag when the client allows it', () => {
    const req = { confirmationNumber: 'ABC-001', checkIn: '2026-11-01' };
    const found = { confirmationNumber: 'abc 1', arrival: '2026-11-01' };
    it('accepts when the confirmation number and arrival match and the client allows it', () => {
      assert.equal(acceptsDepartureMismatch(['departure-mismatch'], found, req, { acceptDepartureMismatch: true }, P), true);
    });
    it('does not when the client does not allow it', () => {
      assert.equal(acceptsDepartureMismatch(['departure-mismatch'], found, req, { acceptDepartureMismatch: false }, P), false);
    });
    it('does not without a matching confirmation number, or with any other problem', () => {
      assert.equal(acceptsDepartureMismatch(['departure-mismatch'], { arrival: '2026-11-01' }, req, { acceptDepartureMismatch: true }, P), false);
      assert.equal(acceptsDepartureMismatch(['departure-mismatch'], { ...found, confirmationNumber: 'XYZ9' }, req, { acceptDepartureMismatch: true }, P), false);
      assert.equal(acceptsDepartureMismatch(['departure-mismatch', 'guest-mismatch'], found, req, { acceptDepartureMismatch: true }, P), false);
      assert.equal(acceptsDepartureMismatch(['departure-mismatch'], { ...found, arrival: '2026-11-02' }, req, { acceptDepartureMismatch: true }, P), false);
    });
  });

  describe('silence → switch channel', () => {
    it('waits one business day after an email', () => {
      const sched = { timeZone: 'Europe/London', businessHours: weekdays, closedDates: [] };
      // Friday 16:00 → Monday 16:00
      const fri = Date.parse('2026-12-04T16:00:00Z');
      const d = afterEmailSent(base({ emails: 1 }), P, at(fri, { schedule: sched }));
      assert.equal(d.action === 'await_document' && d.untilMs, Date.parse('2026-12-07T16:00:00Z'));
    });
    it('then calls to ask whether our email arrived', () => {
      const s = base({ emails: 1, lastChannel: 'email', lastEmail: { to: 'frontdesk@h.example', at: NOW - DAY } });
      const d = afterAwaitTimeout(s, P, C);
      assert.equal(d.action, 'call');
      assert.deepEqual(d.action === 'call' && d.ask, { kind: 'did-it-arrive', wroteTo: 'frontdesk@h.example', sentAt: new Date(NOW - DAY).toISOString() });
    });
    it('then a reminder, then a call: alternating', () => {
      const afterCallWait = afterAwaitTimeout(base({ emails: 1, calls: 1, lastChannel: 'phone' }), P, C);
      assert.equal(afterCallWait.action, 'reminder');
      const afterReminderWait = afterAwaitTimeout(base({ emails: 1, reminders: 1, calls: 1, lastChannel: 'email' }), P, C);
      assert.equal(afterReminderWait.action, 'call');
    });
    it('an unanswered silence call moves the chase to a reminder on the next business day, not a call every hour', () => {
      const s = base({ emails: 1, calls: 2, failedCallsInRow: 2, lastChannel: 'phone', unanswered: { day: '2026-11-30', count: 2 } });
      const d = afterCall(s, 'no_answer', undefined, P, C);
      assert.equal(d.action, 'await_document');
      assert.equal(d.action === 'await_document' && d.untilMs, Date.parse('2026-12-01T00:00:00Z'));
      assert.equal(afterAwaitTimeout({ ...s }, P, at(Date.parse('2026-12-01T00:00:00Z'))).action, 'reminder');
    });
    it('calls an email-only hotel after two silent business days, not before', () => {
      const s = base({ channelPreference: 'email-only', emails: 1, reminders: 1, lastChannel: 'email', firstEmailAt: NOW - DAY, lastEmail: { to: 'a@h.example', at: NOW } });
      assert.equal(mayCall(s, P, C), false);
      assert.equal(afterAwaitTimeout(s, P, C).action, 'reminder');
      assert.equal(mayCall(s, P, at(NOW + DAY)), true);
      assert.equal(afterAwaitTimeout(s, P, at(NOW + DAY)).action, 'call');
    });
    it('counts calls and emails, and unanswered calls per hotel-local day', () => {
      const s = base();
      countCall(s, 'no_answer', false, '2026-11-30');
      countCall(s, 'busy', false, '2026-11-30');
      assert.deepEqual(s.unanswered, { day: '2026-11-30', count: 2 });
      countCall(s, 'no_answer', false, '2026-12-01');
      assert.deepEqual(s.unanswered, { day: '2026-12-01', count: 1 });
      countCall(s, 'conversation', true, '2026-12-01');
      assert.equal(s.failedCallsInRow, 0);
      assert.equal(s.calls, 4);
      countEmail(s, 'email', 'a@h.example', NOW);
      assert.equal(s.lastChannel, 'email');
      assert.deepEqual(s.lastEmail, { to: 'a@h.example', at: NOW });
      assert.equal(s.firstEmailAt, NOW);
    });
  });

  describe('email early, in parallel', () => {
    const early: ChasePolicy = { ...P, firstContact: 'email-early' };
    const dueAt = NOW + 21 * HOUR;
    it('writes first, a few hours after check-out, when the hotel has an address', () => {
      assert.equal(firstStep(base({ dueAt }), early, C).action, 'email');
      assert.equal(firstStep(base({ dueAt, hasEmail: false }), early, C).action, 'call');
    });
    it('keeps today\'s order by default', () => assert.equal(firstStep(base({ dueAt }), P, C).action, 'call'));
    it('calls at the grace end only if nothing usable arrived', () => {
      const s = base({ dueAt, emails: 1, lastChannel: 'email', lastEmail: { to: 'a@h.example', at: NOW } });
      const d = afterEmailSent(s, early, C);
      assert.equal(d.action === 'await_document' && d.untilMs, dueAt);
      assert.equal(afterAwaitTimeout(s, early, at(dueAt)).action, 'call');
    });
    it('with a first-call delay, waits that much past the grace end for the written answer, then calls', () => {
      const delayed: ChasePolicy = { ...early, firstCallDelayHours: 24 };
      const s = base({ dueAt, emails: 1, lastChannel: 'email', lastEmail: { to: 'a@h.example', at: NOW } });
      const d = afterEmailSent(s, delayed, C);
      assert.equal(d.action === 'await_document' && d.untilMs, dueAt + 24 * HOUR);
      assert.match(d.reason, /calling 24 h after the end of the grace period/);
      assert.equal(afterAwaitTimeout(s, delayed, at(dueAt + 24 * HOUR)).action, 'call');
      assert.equal(firstStep(base({ dueAt, hasEmail: false }), delayed, C).action, 'call', 'no address: called at the grace end as before');
    });
  });

  describe('when to call', () => {
    const sched = { timeZone: 'Europe/London', businessHours: weekdays, closedDates: [] };
    // the front desk answers in the morning, hardly ever after 14:00
    const callsByHour = { '9': { attempts: 10, answered: 8 }, '10': { attempts: 10, answered: 7 }, '14': { attempts: 6, answered: 1 }, '15': { attempts: 5, answered: 0 } };
    it('without learned rates, the time asked for (the dispatcher waits for business hours)', () => {
      assert.equal(goodCallTime(at(NOW, { schedule: sched }), Date.parse('2026-11-30T20:00:00Z')), Date.parse('2026-11-30T20:00:00Z'));
    });
    it('skips hours the hotel hardly answers, to the next hour it does', () => {
      const two = Date.parse('2026-11-30T14:10:00Z');
      assert.equal(goodCallTime(at(two, { schedule: sched, callsByHour }), two), Date.parse('2026-11-30T16:00:00Z'), '16:00 has no record: not judged poor');
      const allPoorAfternoon = { ...callsByHour, '16': { attempts: 4, answered: 0 }, '17': { attempts: 4, answered: 0 } };
      assert.equal(goodCallTime(at(two, { schedule: sched, callsByHour: allPoorAfternoon }), two), Date.parse('2026-12-01T08:00:00Z'));
    });
    it('keeps a good hour as it is', () => {
      const nine = Date.parse('2026-11-30T09:20:00Z');
      assert.equal(goodCallTime(at(nine, { schedule: sched, callsByHour }), nine), nine);
    });
    it('spreads unanswered calls over business days: two a day, the next at an hour the hotel answers', () => {
      const s = base({ hasEmail: false, calls: 2, failedCallsInRow: 2, unanswered: { day: '2026-11-30', count: 2 } });
      const d = afterCall(s, 'no_answer', undefined, P, at(NOW, { schedule: sched, callsByHour }));
      assert.equal(d.action, 'call');
      assert.equal(d.action === 'call' && d.atMs, Date.parse('2026-12-01T08:00:00Z'));
      // one unanswered call today: the usual backoff
      const one = afterCall(base({ hasEmail: false, calls: 1, failedCallsInRow: 1, unanswered: { day: '2026-11-30', count: 1 } }), 'no_answer', undefined, P, at(NOW, { schedule: sched }));
      assert.equal(one.action === 'call' && one.atMs, NOW + 60 * MIN);
    });
    it('the next business day is the first opening after local midnight', () => {
      const fri = Date.parse('2026-12-04T15:00:00Z');
      assert.equal(nextBusinessDay(at(fri, { schedule: sched })), Date.parse('2026-12-07T08:00:00Z'));
      assert.equal(nextBusinessDay(at(fri, { schedule: { ...sched, businessHours: DEFAULT_BUSINESS_HOURS } })), Date.parse('2026-12-05T09:00:00Z'));
    });
    it('writes in parallel once the day\'s calls went unanswered', () => {
      const s = base({ calls: 2, failedCallsInRow: 2, unanswered: { day: '2026-11-30', count: 2 } });
      assert.equal(afterCall(s, 'busy', undefined, P, C).action, 'email');
    });
  });

  describe('use what the hotel tells us', () => {
    it('a written request goes out when the hotel gave an address on the phone', () => {
      assert.equal(afterCall(base({ hasEmail: false, calls: 1 }), 'conversation', { kind: 'written_request_only', email: 'acc@h.example' }, P, C).action, 'email');
      const none = afterCall(base({ hasEmail: false, calls: 1 }), 'conversation', { kind: 'written_request_only' }, P, C);
      assert.equal(none.action, 'needs_attention');
    });
  });

  describe('"no such booking" → one written re-ask, then a person', () => {
    const guest = { firstName: 'Ana María', lastName: 'García Márquez', additionalNames: ['Ana López'] };
    it('asks once more in writing with every name variant', () => {
      const d = afterCall(base({ calls: 1 }), 'conversation', { kind: 'no_such_booking' }, P, ctx({ guest }));
      assert.equal(d.action, 'email');
      const ask = d.action === 'email' ? d.ask : undefined;
      assert.equal(ask?.kind, 'find-booking');
      assert.deepEqual(ask?.kind === 'find-booking' && ask.nameVariants, nameVariants(guest));
    });
    it('in the same thread when we wrote before', () => {
      assert.equal(afterCall(base({ calls: 1, emails: 1 }), 'conversation', { kind: 'no_such_booking' }, P, ctx({ guest })).action, 'reminder');
    });
    it('by phone when there is no address', () => {
      assert.equal(afterCall(base({ hasEmail: false, calls: 1 }), 'conversation', { kind: 'no_such_booking' }, P, ctx({ guest })).action, 'call');
    });
    it('then a person, with the next action named', () => {
      const d = afterCall(base({ calls: 1, emails: 1, bookingReasks: 1 }), 'conversation', { kind: 'no_such_booking' }, P, ctx({ guest }));
      assert.equal(d.action, 'needs_attention');
      assert.match(d.action === 'needs_attention' ? d.next : '', /confirm the booking with the traveller/);
    });
  });

  describe('guest authorisation form', () => {
    const form: DocumentRef = { documentId: 'doc-1', sha256: 'x', contentType: 'application/pdf', size: 10, source: 'upload' };
    it('the client is asked for it, for a few business days', () => {
      const d = afterCall(base({ calls: 1 }), 'conversation', { kind: 'authorization_required', form: 'credit card authorisation form' }, P, C);
      assert.equal(d.action, 'await_client');
      assert.equal(d.action === 'await_client' && d.form, 'credit card authorisation form');
      assert.equal(d.action === 'await_client' && d.untilMs, NOW + 5 * DAY);
    });
    it('the uploaded form goes to the hotel in writing', () => {
      const d = afterAuthorizationReceived(base({ emails: 1 }), form, 'credit card authorisation form');
      assert.equal(d.action, 'reminder');
      assert.deepEqual(d.action === 'reminder' && d.ask, { kind: 'authorization', document: form, form: 'credit card authorisation form' });
      assert.equal(afterAuthorizationReceived(base({ hasEmail: false }), form, undefined).action, 'needs_attention');
    });
    it('asked for the form again after we sent it: a person, not another wait for the client', () => {
      const d = afterCall(base({ calls: 2, emails: 1, formSent: true }), 'conversation', { kind: 'authorization_required' }, P, C);
      assert.equal(d.action, 'needs_attention');
      assert.match(d.action === 'needs_attention' ? d.next : '', /what is wrong with the signed form/);
    });
    it('no form in time: a person, told what to do', () => {
      const d = afterAuthorizationTimeout(P);
      assert.equal(d.action, 'needs_attention');
      assert.match(d.action === 'needs_attention' ? d.next : '', /authorization/);
    });
    it('sends the same kind of email again an hour after our side could not send it', () => {
      assert.deepEqual(afterEmailNotSent('email', P, NOW), { action: 'email', atMs: NOW + 3_600_000, reason: 'our mail server could not send it; sending again' });
      assert.equal(afterEmailNotSent('reminder', { ...P, resendAfterMinutes: 5 }, NOW).atMs, NOW + 5 * 60_000);
    });
  });
});
