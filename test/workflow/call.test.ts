// One outbound call, disposition by disposition. The test plays Twilio and the voice agent: its activities
// are the vendor's REST edge (place, hang up, play a message), and it sends the callbacks the webhooks would.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { hotelSnapshot, type BatchGuest, type CallResult, type GuestOutcome } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import type { TelephonyActivities } from '../../workflows/activity-types';
import {
  agentToolSignal,
  conversationEndedSignal,
  ivrStepSignal,
  postCallSignal,
  recordingReadySignal,
  twilioStatusSignal,
  type CallInput,
  type IvrStepMessage,
} from '../../workflows/definitions';
import { allDay } from '../helpers/lifecycle-world';
import { startHarness, until, type Harness } from '../helpers/workflow-harness';

interface Line {
  input: CallInput;
  callSid: string;
  ended?: string;
}

describe('call workflow (time-skipping server)', function () {
  this.timeout(60_000);
  let h: Harness;
  const lines = new Map<string, Line>();
  const stored = { recordings: [] as string[], analyses: [] as string[], learned: [] as { hotelId: string; path: string }[], finished: new Map<string, CallResult>() };
  let sequence = 0;

  const twilio = (callId: string, callSid: string, status: string, extra: { answeredBy?: string; durationSeconds?: number } = {}) =>
    h.client.workflow.getHandle(callId).signal(twilioStatusSignal, { callSid, status, sequence: ++sequence, ...extra });

  const telephony: TelephonyActivities = {
    async placeCall(input) {
      const line = lines.get(input.callId) ?? { input, callSid: `CA${randomUUID().replace(/-/g, '')}` };
      lines.set(input.callId, line);
      return { callSid: line.callSid };
    },
    // Twilio plays the message, then the call completes
    async leaveVoicemail({ callId, callSid }) {
      lines.get(callId)!.ended = 'voicemail';
      await twilio(callId, callSid, 'completed');
    },
    async endCall({ callId, callSid, reason }) {
      lines.get(callId)!.ended = reason;
      await twilio(callId, callSid, 'completed');
    },
    storeRecording: async ({ callId }) => void stored.recordings.push(callId),
    storeCallAnalysis: async ({ callId }) => void stored.analyses.push(callId),
    learnIvrPath: async (x) => void stored.learned.push(x),
    finishCall: async ({ callId, result }) => void stored.finished.set(callId, result),
  };

  before(async function () {
    this.timeout(180_000); // the first file bundles the workflows; a server starts
    h = await startHarness('call', telephony);
  });
  after(async () => h?.stop());

  const guests: BatchGuest[] = [
    { folioId: 'f-ada', workflowId: 'folio:c:ada', guestName: 'Ada Lovelace', confirmationNumber: 'CNF-1001', checkIn: '2026-07-01', checkOut: '2026-07-03' },
    { folioId: 'f-grace', workflowId: 'folio:c:grace', guestName: 'Grace Hopper', confirmationNumber: 'CNF-1002', checkIn: '2026-07-01', checkOut: '2026-07-04' },
  ];

  /** Places a call to a fresh hotel and returns the workflow and the hotel's line once Twilio has it. */
  async function dial(opts: { overflowSeconds?: number; ivrPath?: string } = {}) {
    const hotel = hotelSnapshot(HotelConfig.parse({ hotelId: `call-${randomUUID().slice(0, 8)}`, name: 'Hotel Lumen', phone: '+441632960001', timeZone: 'Europe/London', country: 'GB', emails: [], businessHours: allDay, ivrPath: opts.ivrPath }));
    const callId = `call:${hotel.hotelId}:1`;
    const handle: WorkflowHandle = await h.client.workflow.start('callWorkflow', {
      args: [{ callId, hotel, guests, overflowSeconds: opts.overflowSeconds ?? 540 } satisfies CallInput],
      taskQueue: h.taskQueue,
      workflowId: callId,
    });
    const line = (await until(() => lines.get(callId), (l) => !!l, 'the call placed'))!;
    const status = (s: string, extra?: { answeredBy?: string; durationSeconds?: number }) => twilio(callId, line.callSid, s, extra);
    const say = (folio: Partial<{ folioId: string; confirmationNumber: string }>, outcome: GuestOutcome) =>
      handle.signal(agentToolSignal, { toolCallId: randomUUID(), ...folio, outcome });
    const ivr = (m: IvrStepMessage) => handle.signal(ivrStepSignal, m);
    const recorded = () => handle.signal(recordingReadySignal, { recordingSid: `RE${line.callSid.slice(2)}`, recordingUrl: 'https://api.twilio.invalid/rec', durationSeconds: 80 });
    const result = async () => (await handle.result()) as CallResult;
    return { handle, callId, line, status, say, ivr, recorded, result };
  }

  it('a conversation: a person answers, the agent covers every guest; recording and analysis are kept', async () => {
    const c = await dial();
    await c.status('initiated');
    await c.status('ringing');
    await c.status('in-progress', { answeredBy: 'human' });
    await c.say({ folioId: 'f-ada' }, { kind: 'agreed' });
    await c.say({ confirmationNumber: 'cnf 1002' }, { kind: 'callback', phrase: 'tomorrow after 10' }); // read back with other spacing
    await c.handle.signal(conversationEndedSignal, { conversationId: 'conv-1' });
    await c.recorded();
    await c.handle.signal(postCallSignal, { conversationId: 'conv-1', summary: 'agreed for one, call back for the other' });
    await c.status('completed', { durationSeconds: 95 });
    const r = await c.result();
    assert.equal(r.disposition, 'conversation');
    assert.deepEqual(r.outcomes, { 'f-ada': { kind: 'agreed' }, 'f-grace': { kind: 'callback', phrase: 'tomorrow after 10' } });
    assert.deepEqual([r.rang, r.recorded, r.analysed, r.durationSeconds, r.answeredBy], [true, true, true, 95, 'human']);
    assert.deepEqual([stored.recordings.includes(c.callId), stored.analyses.includes(c.callId)], [true, true]);
    assert.deepEqual(stored.finished.get(c.callId), r, 'the result is reported for the call projection');
    assert.equal(c.line.ended, undefined, 'the hotel hung up; we did not have to');
  });

  for (const [status, disposition] of [
    ['busy', 'busy'],
    ['no-answer', 'no_answer'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
  ] as const) {
    it(`Twilio's "${status}" ends the call as ${disposition}, with nothing to keep`, async () => {
      const c = await dial();
      await c.status('ringing');
      await c.status(status);
      const r = await c.result();
      assert.equal(r.disposition, disposition);
      assert.deepEqual([r.rang, r.recorded, r.outcomes], [true, false, {}]);
      assert.ok(stored.finished.has(c.callId));
    });
  }

  it('a call nobody reports on is hung up after the answer wait and counts as failed', async () => {
    const c = await dial();
    const r = await c.result();
    assert.equal(r.disposition, 'failed');
    assert.equal(c.line.ended, 'cancelled');
  });

  it('an answering machine gets a voicemail message', async () => {
    const c = await dial();
    await c.status('in-progress');
    await c.status('in-progress', { answeredBy: 'machine_end_beep' }); // asynchronous AMD a few seconds later
    const r = await c.result();
    assert.equal(r.disposition, 'voicemail');
    assert.equal(c.line.ended, 'voicemail');
  });

  it('a fax line is hung up', async () => {
    const c = await dial();
    await c.status('in-progress', { answeredBy: 'fax' });
    const r = await c.result();
    assert.equal(r.disposition, 'fax');
    assert.equal(c.line.ended, 'fax');
  });

  it('a phone menu that leads nowhere is an IVR dead end; the path tried is reported, not learned', async () => {
    const c = await dial();
    await c.status('in-progress');
    await c.ivr({ step: 0, digits: '3', heard: 'for reservations press 3' });
    await c.ivr({ step: 1, gaveUp: true, heard: 'goodbye' });
    const r = await c.result();
    assert.equal(r.disposition, 'ivr_dead_end');
    assert.equal(c.line.ended, 'cancelled');
    assert.deepEqual([r.ivrPath, r.ivrLearned], ['3', false]);
    assert.ok(!stored.learned.some((l) => l.hotelId === c.line.input.hotel.hotelId));
  });

  it('a menu path that reached a person is learned for the next call', async () => {
    const c = await dial();
    await c.status('in-progress');
    await c.ivr({ step: 0, digits: '2' });
    await c.ivr({ step: 1, digits: '1', reachedPerson: true });
    await c.status('in-progress', { answeredBy: 'human' });
    for (const g of guests) await c.say({ folioId: g.folioId }, { kind: 'agreed' });
    await c.status('completed');
    const r = await c.result();
    assert.equal(r.disposition, 'conversation');
    assert.deepEqual([r.ivrPath, r.ivrLearned], ['2w1', true]);
    assert.deepEqual(stored.learned.filter((l) => l.hotelId === c.line.input.hotel.hotelId), [{ hotelId: c.line.input.hotel.hotelId, path: '2w1' }]);
  });

  it('a line that drops before every guest is covered is dropped, keeping what was said', async () => {
    const c = await dial();
    await c.status('in-progress', { answeredBy: 'human' });
    await c.say({ folioId: 'f-ada' }, { kind: 'refused', reason: 'policy' });
    await c.status('completed');
    const r = await c.result();
    assert.equal(r.disposition, 'dropped');
    assert.deepEqual(r.outcomes, { 'f-ada': { kind: 'refused', reason: 'policy' } });
  });

  it('a conversation still going at the overflow limit is wrapped up: overflow (the rest goes by email)', async () => {
    const c = await dial({ overflowSeconds: 60 });
    await c.status('in-progress', { answeredBy: 'human' });
    await c.say({ folioId: 'f-ada' }, { kind: 'agreed' });
    const r = await c.result();
    assert.equal(r.disposition, 'overflow');
    assert.equal(c.line.ended, 'overflow');
    assert.deepEqual(Object.keys(r.outcomes), ['f-ada']);
  });

  it('an agent that wraps up just before the limit with guests uncovered is an overflow too', async () => {
    const c = await dial({ overflowSeconds: 120 });
    await c.status('in-progress', { answeredBy: 'human' });
    await h.env.sleep(100_000);
    await c.handle.signal(conversationEndedSignal, { reason: 'time limit' });
    await c.status('completed');
    const r = await c.result();
    assert.equal(r.disposition, 'overflow');
    assert.equal(c.line.ended, undefined, 'the agent had already said goodbye');
  });

  it('cancelled mid-call (every folio withdrawn): the call is hung up and the workflow ends cancelled', async () => {
    const c = await dial();
    await c.status('in-progress', { answeredBy: 'human' });
    await c.handle.cancel();
    await assert.rejects(c.result(), (e: unknown) => e instanceof WorkflowFailedError && e.cause instanceof CancelledFailure);
    assert.equal(c.line.ended, 'cancelled');
  });

  it('callbacks of another call, and repeats of one already applied, change nothing', async () => {
    const c = await dial();
    await twilio(c.callId, 'CAsomeoneelse', 'busy'); // validly signed, but not this call
    const answered = { callSid: c.line.callSid, status: 'in-progress', answeredBy: 'human', sequence: ++sequence };
    await c.handle.signal(twilioStatusSignal, answered);
    await c.handle.signal(twilioStatusSignal, { ...answered, status: 'busy' }); // same SequenceNumber: already applied
    for (const g of guests) await c.say({ folioId: g.folioId }, { kind: 'agreed' });
    await c.status('completed');
    const r = await c.result();
    assert.equal(r.disposition, 'conversation');
  });
});
