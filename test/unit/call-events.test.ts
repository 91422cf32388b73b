// What a call, a batch and a hotel's answer put on a folio's timeline, in order.
import assert from 'node:assert/strict';
import { batchStartEvents, callCourseEvents, callEvents, dispositionEvent, guestOutcomeEvents, guestOutcomeEventType, type CallReport } from '../../domain/call-events';
import { FOLIO_EVENT_TYPES } from '../../domain/events';
import type { CallDisposition, GuestOutcome } from '../../domain/model';

const types = (r: CallReport) => callEvents(r).map((e) => e.type);

describe('call events', () => {
  it('names how each call ended with an event of the catalog', () => {
    const expected: [CallDisposition, string][] = [
      ['conversation', 'CallCompleted'], ['busy', 'CallBusy'], ['no_answer', 'CallNoAnswer'], ['failed', 'CallFailed'], ['canceled', 'CallFailed'],
      ['voicemail', 'VoicemailLeft'], ['fax', 'FaxDetected'], ['ivr_dead_end', 'IvrDeadEnd'], ['dropped', 'CallDropped'], ['overflow', 'CallOverflowed'],
    ];
    for (const [d, t] of expected) {
      assert.equal(dispositionEvent(d), t);
      assert.ok(FOLIO_EVENT_TYPES.includes(t as never));
    }
    // a disposition from a newer call workflow than this folio knows still lands on the timeline
    assert.equal(dispositionEvent('hung_up_by_robot' as CallDisposition), 'CallCompleted');
  });

  it('names what the hotel said about a guest; a callback waits until its time is read', () => {
    const kinds: [GuestOutcome['kind'], string][] = [
      ['agreed', 'HotelAgreedToEmail'], ['callback', 'CallbackRequested'], ['written_request_only', 'WrittenRequestRequired'],
      ['no_such_booking', 'NoSuchBooking'], ['refused', 'HotelRefused'], ['wrong_number', 'WrongNumber'],
    ];
    for (const [k, t] of kinds) assert.equal(guestOutcomeEventType(k), t);
    assert.deepEqual(guestOutcomeEvents({ kind: 'refused' }, { via: 'email' }), [{ type: 'HotelRefused', data: { via: 'email' } }]);
    assert.deepEqual(guestOutcomeEvents({ kind: 'callback', phrase: 'tomorrow' }, { via: 'phone' }), []);
  });

  it('tells a conversation in the order it happened', () => {
    const r: CallReport = {
      callId: 'call:h:1',
      disposition: 'conversation',
      outcome: { kind: 'agreed' },
      call: { callSid: 'CA1', answeredBy: 'human', rang: true, ivrPath: '1w2', ivrLearned: true, recorded: true, analysed: true },
    };
    assert.deepEqual(types(r), [
      'CallPlaced',
      'CallRinging',
      'CallAnswered',
      'IvrPathLearned',
      'AgentConnected',
      'AgentOutcomeRecorded',
      'RecordingStored',
      'TranscriptStored',
      'CallCompleted',
      'HotelAgreedToEmail',
    ]);
    assert.deepEqual(callEvents(r)[0].data, { callId: 'call:h:1', callSid: 'CA1' });
    assert.deepEqual(callEvents(r).at(-1)!.data, { callId: 'call:h:1', via: 'phone' });
  });

  it('a machine is answered by a machine, not a person, and no agent talks to it', () => {
    assert.deepEqual(types({ callId: 'c', disposition: 'voicemail', call: { callSid: 'CA2', rang: true, answeredBy: 'unknown' } }), ['CallPlaced', 'CallRinging', 'CallAnsweredByMachine', 'VoicemailLeft']);
    assert.deepEqual(types({ callId: 'c', disposition: 'dropped', call: { answeredBy: 'machine_end_beep' } }), ['CallAnsweredByMachine', 'CallDropped']);
    // the hotel's policy is to hang up on machines: no message was left, and the timeline does not claim one
    assert.deepEqual(types({ callId: 'c', disposition: 'voicemail', call: { callSid: 'CA2', rang: true, answeredBy: 'machine_end_beep', voicemailSkipped: true } }), ['CallPlaced', 'CallRinging', 'CallAnsweredByMachine', 'VoicemailSkipped']);
  });

  it('an unanswered call rang and ended; an IVR dead end was answered by the menu', () => {
    assert.deepEqual(types({ callId: 'c', disposition: 'no_answer', call: { callSid: 'CA3', rang: true } }), ['CallPlaced', 'CallRinging', 'CallNoAnswer']);
    assert.deepEqual(types({ callId: 'c', disposition: 'ivr_dead_end', call: { callSid: 'CA4', ivrPath: '9' } }), ['CallPlaced', 'CallAnswered', 'IvrPathSent', 'IvrDeadEnd']);
    assert.deepEqual(types({ callId: 'c', disposition: 'overflow', call: {} }), ['CallAnswered', 'AgentConnected', 'CallOverflowed']);
  });

  it('a report from a dispatcher of an earlier version (no call course) still names the ending and the outcome', () => {
    assert.deepEqual(types({ callId: 'c', disposition: 'conversation', outcome: { kind: 'no_such_booking' } }), ['CallCompleted', 'NoSuchBooking']);
    assert.deepEqual(callCourseEvents({ callId: 'c', disposition: 'busy' }), []);
  });

  it('records what a batch waited for before it started', () => {
    const openAt = Date.parse('2026-12-07T09:00:00Z');
    assert.deepEqual(batchStartEvents({ kind: 'call', batchId: 'h:1', deferredUntil: openAt, slotWaitMs: 61_400 }), [
      { type: 'OutsideBusinessHoursDeferred', data: { openAt: '2026-12-07T09:00:00.000Z' } },
      { type: 'CallSlotWaited', data: { waitedSeconds: 61 } },
      { type: 'FolioBatched', data: { batchId: 'h:1', kind: 'call' } },
    ]);
    // a wait under a second is no wait worth telling
    assert.deepEqual(batchStartEvents({ kind: 'email', batchId: 'h:2', slotWaitMs: 999 }).map((e) => e.type), ['FolioBatched']);
  });

  it('a call that waited for a slot under the global cap as it was placed says so before it was placed', () => {
    const events = callCourseEvents({ callId: 'c', disposition: 'no_answer', call: { callSid: 'CA5', rang: true, slotWaitMs: 125_600 } });
    assert.deepEqual(events.slice(0, 2), [
      { type: 'CallSlotWaited', data: { waitedSeconds: 126 } },
      { type: 'CallPlaced', data: { callId: 'c', callSid: 'CA5' } },
    ]);
    assert.deepEqual(types({ callId: 'c', disposition: 'busy', call: { callSid: 'CA6', slotWaitMs: 400 } }), ['CallPlaced', 'CallBusy']);
  });
});
