import assert from 'node:assert/strict';
import { afterAwaitTimeout, afterCall, afterEmailNotSent, afterEmailRejected, afterEmailSent, DEFAULT_CHASE_POLICY as P, firstStep, newChaseState, type ChaseState } from '../../domain/chase-policy';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const MIN = 60_000;
const base = (over: Partial<ChaseState> = {}): ChaseState => newChaseState({ hasEmail: true, ...over });

describe('chase policy', () => {
  describe('first step', () => {
    it('calls a phone-first hotel now', () => assert.deepEqual(firstStep(base(), P, NOW), { action: 'call', atMs: NOW, reason: 'folio is due' }));
    it('writes to an email-first or email-only hotel', () => {
      assert.equal(firstStep(base({ channelPreference: 'email-first' }), P, NOW).action, 'email');
      assert.equal(firstStep(base({ channelPreference: 'email-only' }), P, NOW).action, 'email');
    });
    it('needs a person for an email-only hotel without an address', () => {
      assert.equal(firstStep(base({ channelPreference: 'email-only', hasEmail: false }), P, NOW).action, 'needs_attention');
    });
  });

  describe('after a call', () => {
    it('backs off per disposition and consecutive failure', () => {
      const d1 = afterCall(base({ calls: 1, failedCallsInRow: 1 }), 'no_answer', undefined, P, NOW);
      assert.deepEqual(d1, { action: 'call', atMs: NOW + 60 * MIN, reason: 'retry after no answer' });
      const d2 = afterCall(base({ calls: 2, failedCallsInRow: 2, hasEmail: false }), 'busy', undefined, P, NOW);
      assert.equal(d2.action === 'call' && d2.atMs, NOW + 30 * MIN);
      const d9 = afterCall(base({ calls: 5, failedCallsInRow: 5, hasEmail: false }), 'busy', undefined, P, NOW);
      assert.equal(d9.action === 'call' && d9.atMs, NOW + 60 * MIN, 'the last step repeats');
    });
    it('overflows to email after three unsuccessful calls in a row', () => {
      assert.equal(afterCall(base({ calls: 3, failedCallsInRow: 3 }), 'voicemail', undefined, P, NOW).action, 'email');
    });
    it('gives up when calls are used up and there is no email', () => {
      const d = afterCall(base({ calls: 6, failedCallsInRow: 6, hasEmail: false }), 'no_answer', undefined, P, NOW);
      assert.deepEqual(d, { action: 'give_up', reason: 'no folio after 6 calls' });
    });
    it('waits on the written request when calls are used up but an email went out', () => {
      assert.equal(afterCall(base({ calls: 6, failedCallsInRow: 6, emails: 1 }), 'no_answer', undefined, P, NOW).action, 'await_document');
    });
    it('sends a call past the overflow limit to email, or retries soon without an address', () => {
      assert.equal(afterCall(base({ calls: 1 }), 'overflow', undefined, P, NOW).action, 'email');
      assert.equal(afterCall(base({ calls: 1, hasEmail: false }), 'overflow', undefined, P, NOW).action, 'call');
    });
    it('acts on what the hotel said', () => {
      const s = base({ calls: 1 });
      assert.deepEqual(afterCall(s, 'conversation', { kind: 'agreed' }, P, NOW), { action: 'await_document', untilMs: NOW + 24 * 3_600_000, reason: 'the hotel agreed to email the folio' });
      assert.equal(afterCall(s, 'conversation', { kind: 'callback', phrase: 'tomorrow' }, P, NOW).action, 'callback');
      assert.equal(afterCall(s, 'conversation', { kind: 'written_request_only' }, P, NOW).action, 'email');
      assert.equal(afterCall(s, 'conversation', { kind: 'no_such_booking' }, P, NOW).action, 'needs_attention');
      assert.equal(afterCall(s, 'conversation', { kind: 'refused' }, P, NOW).action, 'email', 'a refusal on the phone is asked in writing once');
      assert.equal(afterCall(base({ calls: 1, emails: 1 }), 'conversation', { kind: 'refused', reason: 'policy' }, P, NOW).action, 'give_up');
      assert.equal(afterCall(s, 'conversation', { kind: 'wrong_number' }, P, NOW).action, 'email');
    });
    it('stops accepting callbacks after the maximum', () => {
      assert.equal(afterCall(base({ calls: 5, callbacks: 4 }), 'conversation', { kind: 'callback' }, P, NOW).action, 'email');
      assert.equal(afterCall(base({ calls: 5, callbacks: 4, hasEmail: false }), 'conversation', { kind: 'callback' }, P, NOW).action, 'needs_attention');
    });
    it('never calls an email-only hotel', () => {
      const d = afterCall(base({ channelPreference: 'email-only', emails: 1 }), 'no_answer', undefined, P, NOW);
      assert.notEqual(d.action, 'call');
    });
  });

  describe('email', () => {
    it('waits 24 h, then 48 h, then 72 h for a reply', () => {
      assert.deepEqual(afterEmailSent(base({ emails: 1 }), P, NOW), { action: 'await_document', untilMs: NOW + 24 * 3_600_000, reason: 'waiting for the hotel to reply' });
      const d = afterEmailSent(base({ emails: 1, reminders: 2 }), P, NOW);
      assert.equal(d.action === 'await_document' && d.untilMs, NOW + 72 * 3_600_000);
    });
    it('reminds, then calls, then gives up', () => {
      assert.equal(afterAwaitTimeout(base({ emails: 1, reminders: 0 }), P, NOW).action, 'reminder');
      assert.equal(afterAwaitTimeout(base({ emails: 1, reminders: 3 }), P, NOW).action, 'call');
      assert.equal(afterAwaitTimeout(base({ emails: 1, reminders: 3, calls: 6 }), P, NOW).action, 'give_up');
    });
    it('goes back to the phone when the address is rejected', () => {
      assert.equal(afterEmailRejected(base({ emailBad: true }), P, NOW).action, 'call');
      assert.equal(afterEmailRejected(base({ emailBad: true, channelPreference: 'email-only' }), P, NOW).action, 'needs_attention');
    });
    it('sends the same kind of email again an hour after our side could not send it', () => {
      assert.deepEqual(afterEmailNotSent('email', P, NOW), { action: 'email', atMs: NOW + 3_600_000, reason: 'our mail server could not send it; sending again' });
      assert.equal(afterEmailNotSent('reminder', { ...P, resendAfterMinutes: 5 }, NOW).atMs, NOW + 5 * 60_000);
    });
  });
});
