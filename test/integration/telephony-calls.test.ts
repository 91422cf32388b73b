// Calls end to end: the call workflow on the Temporal dev server, our activities and webhooks, and the
// Twilio and ElevenLabs emulators playing hotels (through the real twilio and ElevenLabs SDKs); the global
// cap on concurrent calls, taken by placeCall.
import assert from 'node:assert/strict';
import { twilioStatusSignal } from '../../workflows/definitions';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';

describe('telephony: calls through the emulators', function () {
  this.timeout(120_000);
  let w: TelephonyWorld;
  before(async () => {
    w = await startTelephonyWorld();
  });
  after(async () => w?.close());

  async function callDoc(callId: string) {
    return w.store.calls.get(callId);
  }

  it('a person answers and agrees for every guest; recording and transcript are kept', async () => {
    const hotel = await w.addHotel('person-agree');
    const { callId, guests, handle } = await w.startCall(hotel, { guests: 2 });
    const result = await handle.result();
    assert.equal(result.disposition, 'conversation');
    for (const g of guests) assert.deepEqual(result.outcomes[g.folioId], { kind: 'agreed', email: 'frontdesk@hotel.example' });
    const call = w.twilio.call(result.callSid!)!;
    assert.equal(call.params.machineDetection, 'DetectMessageEnd');
    assert.equal(call.params.asyncAmd, 'true');
    assert.equal(call.params.sendDigits, undefined);
    assert.equal(call.streams.length, 1);
    assert.equal(call.streams[0].parameters.callId, callId);
    assert.ok(call.streams[0].clears >= 1, 'barge-in cleared Twilio audio');
    assert.ok(call.streams[0].mediaReceived > 0, 'agent audio reached Twilio');
    const conv = w.eleven.conversations().find((c) => c.dynamicVariables.call_id === callId)!;
    assert.ok(conv.audioChunksIn > 0, 'hotel audio reached the agent');
    assert.ok(conv.pongs >= 1);
    assert.deepEqual(conv.errors, []);
    const doc = await callDoc(callId);
    assert.equal(doc?.disposition, 'conversation');
    assert.ok(doc?.recording?.fileId, 'recording stored in GridFS');
    const file = await w.store.recordings.bySid(doc.recording.recordingSid!);
    assert.ok(file && file.size > 44);
    assert.equal(doc.transcript?.conversationId, conv.conversationId, 'post-call analysis stored');
    assert.ok((doc.transcript?.turns as unknown[]).length >= 4);
  });
});

describe('telephony: menus, machines and endings', function () {
  this.timeout(180_000);
  let w: TelephonyWorld;
  before(async () => {
    w = await startTelephonyWorld();
  });
  after(async () => w?.close());

  it("a status callback carrying another call's sid changes nothing, before or after the sid is known", async () => {
    const hotel = await w.addHotel('person-agree');
    const { handle } = await w.startCall(hotel);
    const stray = (sequence: number) => handle.signal(twilioStatusSignal, { callSid: 'CA00000000000000000000000000000000', status: 'completed', sequence, durationSeconds: 999 });
    await stray(3); // most likely before placeCall has returned: held, then dropped as another call's
    await new Promise((r) => setTimeout(r, 1500));
    await stray(4);
    const result = await handle.result();
    assert.equal(result.disposition, 'conversation');
    assert.notEqual(result.durationSeconds, 999);
  });

  it('a known IVR path is pressed at once and reaches the front desk', async () => {
    const hotel = await w.addHotel('ivr-known-agree', { ivrPath: 'w2' });
    const { guests, handle } = await w.startCall(hotel);
    const result = await handle.result();
    assert.equal(result.disposition, 'conversation');
    assert.equal(result.outcomes[guests[0].folioId].kind, 'agreed');
    const call = w.twilio.call(result.callSid!)!;
    assert.equal(call.digits, '2');
    assert.equal(call.heard.length, 0, 'no menu listening with a known path');
    assert.ok(call.reachedPerson);
  });

  it('an unknown IVR is listened to, navigated and learned; the next call goes straight through', async () => {
    const hotel = await w.addHotel('ivr-discover-agree');
    const first = await (await w.startCall(hotel)).handle.result();
    assert.equal(first.disposition, 'conversation');
    assert.equal(first.ivrPath, '2w3');
    const call = w.twilio.call(first.callSid!)!;
    assert.equal(call.digits, '23');
    assert.equal(call.heard.length, 3, 'two menus, then the person');
    const learned = await w.store.hotels.get(hotel.hotelId);
    assert.equal(learned?.ivrPath, '2w3');
    assert.equal(learned?.stats.lastSuccessfulIvrPath, '2w3');

    const second = await (await w.startCall(learned!)).handle.result();
    assert.equal(second.disposition, 'conversation');
    const again = w.twilio.call(second.callSid!)!;
    assert.equal(again.digits, '23');
    assert.equal(again.heard.length, 0);
  });

  it('a menu with no way to a person is given up after the step bound', async () => {
    const hotel = await w.addHotel('ivr-dead-end');
    const result = await (await w.startCall(hotel)).handle.result();
    assert.equal(result.disposition, 'ivr_dead_end');
    const call = w.twilio.call(result.callSid!)!;
    assert.equal(call.heard.length, 4);
    assert.equal(call.digits, '');
    assert.equal(call.status, 'completed');
    assert.equal((await w.store.hotels.get(hotel.hotelId))?.ivrPath, undefined);
  });

  it('an answering machine gets a voicemail naming the request and our address', async () => {
    const hotel = await w.addHotel('voicemail');
    const { handle } = await w.startCall(hotel);
    const result = await handle.result();
    assert.equal(result.disposition, 'voicemail');
    assert.equal(result.answeredBy, 'machine_end_beep');
    const call = w.twilio.call(result.callSid!)!;
    const message = call.said.join(' ');
    assert.match(message, /folio/i);
    assert.match(message, /folios\+[0-9a-f]+ at folio dot test/);
    assert.equal(call.streams.length, 0, 'no agent for a machine');
  });

  it("a hotel set to 'hang-up' on voicemail gets no message: the line ends at the machine", async () => {
    const hotel = await w.addHotel('voicemail', { voicemail: 'hang-up' });
    const result = await (await w.startCall(hotel)).handle.result();
    assert.equal(result.disposition, 'voicemail');
    assert.equal(result.voicemailSkipped, true);
    const call = w.twilio.call(result.callSid!)!;
    assert.deepEqual(call.said, [], 'no message played');
    assert.equal(call.status, 'completed');
  });

  it('busy, no answer, failed and fax end the call with that disposition', async () => {
    const cases: [string, string][] = [
      ['busy', 'busy'],
      ['no-answer', 'no_answer'],
      ['failed', 'failed'],
      ['fax', 'fax'],
    ];
    const results = await Promise.all(
      cases.map(async ([profile]) => {
        const hotel = await w.addHotel(profile);
        const { callId, handle } = await w.startCall(hotel);
        return { callId, result: await handle.result() };
      }),
    );
    for (const [i, [profile, disposition]] of cases.entries()) {
      assert.equal(results[i].result.disposition, disposition, profile);
      const doc = await w.store.calls.get(results[i].callId);
      assert.equal(doc?.disposition, disposition);
    }
    // Twilio reports no ringing (nobody acts on it): an unanswered call rang, a busy line did not
    assert.equal(results[1].result.rang, true, 'no answer: it rang');
    assert.equal(results[0].result.rang, false, 'busy: it did not ring');
    const busyCall = await w.store.calls.get(results[0].callId);
    const hours = Object.values((await w.store.hotels.get(busyCall!.hotelId))?.stats.callsByHour ?? {});
    assert.deepEqual(hours, [{ attempts: 1, answered: 0 }], 'one unanswered attempt learned for the hour');
  });

  it('per guest: agreed, call back, written request only, no such booking', async () => {
    const hotel = await w.addHotel('mixed-per-guest');
    const { guests, handle } = await w.startCall(hotel, { guests: 4 });
    const result = await handle.result();
    assert.equal(result.disposition, 'conversation');
    assert.deepEqual(
      guests.map((g) => result.outcomes[g.folioId]),
      [
        { kind: 'agreed', email: 'frontdesk@hotel.example' },
        { kind: 'callback', phrase: 'tomorrow after 10' },
        { kind: 'written_request_only', email: 'accounting@hotel.example' },
        { kind: 'no_such_booking' },
      ],
    );
  });

  it('a callback request and a refusal are recorded as such', async () => {
    const [cb, refuse] = await Promise.all([w.addHotel('callback-tomorrow'), w.addHotel('refuse')]);
    const [a, b] = await Promise.all([w.startCall(cb), w.startCall(refuse)]);
    const [ra, rb] = await Promise.all([a.handle.result(), b.handle.result()]);
    assert.deepEqual(ra.outcomes[a.guests[0].folioId], { kind: 'callback', phrase: 'tomorrow after 10' });
    assert.deepEqual(rb.outcomes[b.guests[0].folioId], { kind: 'refused', reason: 'privacy policy: only to the guest' });
  });

  it('slow staff: the call is wrapped up at the overflow limit and the agent conversation closed', async () => {
    const hotel = await w.addHotel('slow-staff');
    const { callId, guests, handle } = await w.startCall(hotel, { guests: 2, overflowSeconds: 5 });
    const t0 = Date.now();
    const result = await handle.result();
    assert.equal(result.disposition, 'overflow');
    assert.deepEqual(result.outcomes, {});
    assert.ok(Date.now() - t0 >= 5000, 'not before the limit');
    const call = w.twilio.call(result.callSid!)!;
    assert.match(call.said.join(' '), /follow up by email/);
    assert.equal(call.streams[0].closedBy, 'us', 'the wrap-up TwiML stopped the stream');
    const conv = w.eleven.conversations().find((c) => c.dynamicVariables.call_id === callId)!;
    assert.ok(conv.endedAt, 'agent conversation closed');
    assert.equal(conv.endedBy, 'client');
    assert.equal(conv.contextualUpdates.length, 1, 'the agent was asked to wrap up before the hang-up');
    assert.match(conv.contextualUpdates[0], /almost up/);
    assert.equal(guests.length, 2);
  });

  it('the hotel hangs up mid-conversation: dropped, with the outcomes so far', async () => {
    const hotel = await w.addHotel('drops-mid-call');
    // far from the overflow limit: within 30 s of it, a conversation that ends before the line does counts as
    // the agent wrapping up at the limit (overflow), which the 30 s default would make of every order of the ends
    const { guests, handle } = await w.startCall(hotel, { guests: 2, overflowSeconds: 120 });
    const result = await handle.result();
    assert.equal(result.disposition, 'dropped');
    assert.equal(result.outcomes[guests[0].folioId]?.kind, 'agreed');
    assert.equal(result.outcomes[guests[1].folioId], undefined);
  });
});

describe('telephony: the global cap on concurrent calls', function () {
  this.timeout(120_000);
  let w: TelephonyWorld;
  before(async () => {
    w = await startTelephonyWorld({ config: { MAX_CONCURRENT_CALLS: '1' } });
  });
  after(async () => w?.close());

  it("with one slot, a second call waits for it and dials once the first call's line has ended", async () => {
    const first = await w.startCall(await w.addHotel('person-agree'));
    for (let i = 0; !(await w.store.calls.get(first.callId))?.callSid; i++) {
      if (i > 200) assert.fail('the first call was never placed');
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await w.startCall(await w.addHotel('person-agree'));
    const [a, b] = await Promise.all([first.handle.result(), second.handle.result()]);
    assert.equal(a.disposition, 'conversation');
    assert.equal(b.disposition, 'conversation');
    const [lineA, lineB] = [w.twilio.call(a.callSid!)!, w.twilio.call(b.callSid!)!];
    assert.ok(lineB.createdAt.getTime() >= lineA.endTime!.getTime(), 'the second call was dialled after the first line ended');
    // the wait was placeCall's retries (CallCapReached), not a failure of the call
    const attempts = ((await second.handle.fetchHistory()).events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
    assert.ok(Math.max(...attempts) > 1, 'placeCall was retried while the slot was held');
    assert.equal(a.slotWaitMs, undefined, 'the first call took a free slot');
    assert.ok(b.slotWaitMs! >= 1000, `the second call reports its wait for the folios' timelines (${b.slotWaitMs} ms)`);
    assert.equal(await w.store.callSlots.heldNow(), 0, 'both slots released');
  });
});
