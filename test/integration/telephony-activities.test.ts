// The telephony activities on their own (no workflow): retries never place a second call, even when
// Twilio's answer was lost; recordings are stored once with their expiry date and purged by the retention
// activity once expired (not when another arrives); learning is idempotent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createTelephonyActivities } from '../../activities/telephony';
import { createRetentionActivities } from '../../activities/retention';
import type { PurgeBatchResult } from '../../domain/retention';
import { DAY_MS } from '../../domain/calendar';
import { rawCollection } from '../helpers/raw-db';
import { TwilioTelephony } from '../../adapters/telephony/twilio';
import { hotelSnapshot, type Hotel } from '../../domain/model';
import type { CallInput } from '../../workflows/definitions';
import type { TelephonyActivities } from '../../workflows/activity-types';

describe('telephony: activities', function () {
  this.timeout(60_000);
  let w: TelephonyWorld;
  let acts: TelephonyActivities;
  before(async () => {
    w = await startTelephonyWorld({ withWorker: false });
    acts = createTelephonyActivities({ config: w.config, store: w.store, telephony: new TwilioTelephony(w.config), logger: w.deps.logger, recordingRetentionDays: 30, ringTimeoutSeconds: 10 });
  });
  after(async () => w?.close());

  const input = (hotel: Hotel): CallInput => ({
    callId: `call-act-${randomBytes(4).toString('hex')}`,
    hotel: hotelSnapshot(hotel),
    guests: [{ folioId: 'f-a', workflowId: 'folio:t:a', guestName: 'Ada Lovelace', confirmationNumber: 'CNF9', checkIn: '2026-11-01', checkOut: '2026-11-02' }],
    replyTo: 'folios+act@folio.test',
    overflowSeconds: 60,
  });
  const callsTo = (phone: string) => w.twilio.calls().filter((c) => c.params.to === phone);

  it('placeCall is idempotent, also when the create response was lost', async () => {
    const hotel = await w.addHotel('no-answer');
    const i = input(hotel);
    const { callSid } = await acts.placeCall(i);
    assert.deepEqual(await acts.placeCall(i), { callSid });
    // As if the first attempt died after Twilio accepted the call but before we stored its sid.
    await rawCollection(w.db, 'calls').updateOne({ _id: i.callId as never }, { $unset: { callSid: '' }, $set: { status: 'placing' } });
    assert.deepEqual(await acts.placeCall(i), { callSid });
    assert.equal(callsTo(hotel.phone).length, 1);
    const doc = await w.store.calls.get(i.callId);
    assert.equal(doc?.callSid, callSid);
    assert.equal((doc?.context as { country: string }).country, 'GB');
    const p = w.twilio.call(callSid)!.params;
    assert.equal(p.url, `${w.baseUrl}/v1/webhooks/twilio/voice?callId=${i.callId}`);
    assert.equal(p.timeLimit, 180);
    assert.equal(p.timeout, 10);
    await w.twilio.ended(callSid);
    // Steering a call that is over is not an error.
    await acts.endCall({ callId: i.callId, callSid, reason: 'cancelled' });
    await acts.endCall({ callId: i.callId, callSid, reason: 'overflow' });
    await acts.leaveVoicemail({ callId: i.callId, callSid });
  });

  it('placeCall without PUBLIC_BASE_URL fails for good, naming it', async () => {
    const hotel = await w.addHotel('busy');
    const bad = createTelephonyActivities({ config: { ...w.config, PUBLIC_BASE_URL: undefined }, store: w.store, telephony: new TwilioTelephony(w.config), logger: w.deps.logger });
    await assert.rejects(bad.placeCall(input(hotel)), (e: { nonRetryable?: boolean; message: string }) => e.nonRetryable === true && /PUBLIC_BASE_URL/.test(e.message));
  });

  it('stores a recording once and links it; an expired one waits for the retention activity, not for a new recording', async () => {
    const hotel = await w.addHotel('person-agree');
    const i = input(hotel);
    const { callSid } = await acts.placeCall(i);
    await w.twilio.ended(callSid);
    const recordingSid = w.twilio.call(callSid)!.recordingSid!;
    const recordingUrl = `${w.twilio.baseUrl}/2010-04-01/Accounts/${w.config.TWILIO_ACCOUNT_SID}/Recordings/${recordingSid}`;
    const { fileId: stale } = await w.store.recordings.save(Buffer.from('old'), { callId: 'call-old', recordingSid: 'REold', durationSeconds: 1, contentType: 'audio/wav', expiresAt: new Date(Date.now() - 1000) });
    await w.store.calls.update('call-old', { hotelId: hotel.hotelId, folioIds: [], status: 'ended', recording: { fileId: stale } });

    await acts.storeRecording({ callId: i.callId, recordingSid, recordingUrl, durationSeconds: 3 });
    await acts.storeRecording({ callId: i.callId, recordingSid, recordingUrl, durationSeconds: 3 });
    assert.equal(await w.store.recordings.countForCall(i.callId), 1);
    const stored = await w.store.recordings.bySid(recordingSid);
    const doc = await w.store.calls.get(i.callId);
    assert.deepEqual(doc?.recording?.fileId, stored?.fileId);
    const days = (new Date(doc!.recording!.expiresAt!).getTime() - Date.now()) / DAY_MS;
    assert.ok(days > 29.9 && days <= 30, `retention ${days} days`);
    assert.equal(await w.store.recordings.exists(stale), true, 'a new recording purged an expired one itself');

    const retention = createRetentionActivities({ config: w.config, store: w.store, logger: w.deps.logger });
    const purge = (limit: number): Promise<PurgeBatchResult> => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) }).run(retention.purgeRetained, { category: 'recordings' as const, limit });
    for (let r = await purge(1); r.purged === 1; r = await purge(1)); // bounded passes until none is left
    assert.equal(await w.store.recordings.exists(stale), false, 'expired recording purged');
    assert.ok((await w.store.calls.get('call-old'))?.recording?.purgedAt);
    assert.equal(await w.store.recordings.countForCall(i.callId), 1, 'a recording not yet expired was purged');
  });

  it('learns an IVR path, refuses a non-DTMF one, and counts a finished call once', async () => {
    const hotel = await w.addHotel('ivr-discover-agree');
    await acts.learnIvrPath({ hotelId: hotel.hotelId, path: '2w3' });
    const h = await w.store.hotels.get(hotel.hotelId);
    assert.equal(h?.ivrPath, '2w3');
    assert.equal(h?.stats.lastSuccessfulIvrPath, '2w3');
    await assert.rejects(acts.learnIvrPath({ hotelId: hotel.hotelId, path: '2; drop' }), /not a DTMF path/);
    await acts.learnIvrPath({ hotelId: 'no-such-hotel', path: '1' });

    const i = input(hotel);
    await w.store.calls.update(i.callId, { hotelId: hotel.hotelId, folioIds: ['f-a'], status: 'in-progress' });
    const result = { callId: i.callId, callSid: 'CA1', disposition: 'conversation' as const, durationSeconds: 42, outcomes: { 'f-a': { kind: 'agreed' as const } } };
    const endedAt = Date.parse('2026-12-02T10:15:00Z');
    await acts.finishCall({ callId: i.callId, hotelId: hotel.hotelId, result, startedAtHour: 9, endedAt });
    await acts.finishCall({ callId: i.callId, hotelId: hotel.hotelId, result, startedAtHour: 9, endedAt });
    const stats = (await w.store.hotels.get(hotel.hotelId))?.stats;
    assert.deepEqual(stats?.callsByHour['9'], { attempts: 1, answered: 1 });
    // the desk agreed: kept on the hotel, so its next dispatcher writes instead of calling (call once, email the rest)
    assert.deepEqual(stats?.lastPhoneAgreement, { callId: i.callId, at: '2026-12-02T10:15:00.000Z' });

    // a later call on which nobody agreed leaves the agreement as it was
    const j = input(hotel);
    await w.store.calls.update(j.callId, { hotelId: hotel.hotelId, folioIds: ['f-b'], status: 'in-progress' });
    await acts.finishCall({ callId: j.callId, hotelId: hotel.hotelId, result: { ...result, callId: j.callId, disposition: 'no_answer', outcomes: {} }, startedAtHour: 10, endedAt: endedAt + 3_600_000 });
    assert.equal((await w.store.hotels.get(hotel.hotelId))?.stats.lastPhoneAgreement?.callId, i.callId);
    // a person who agreed to nothing ends it
    const k = input(hotel);
    await w.store.calls.update(k.callId, { hotelId: hotel.hotelId, folioIds: ['f-c'], status: 'in-progress' });
    await acts.finishCall({ callId: k.callId, hotelId: hotel.hotelId, result: { ...result, callId: k.callId, outcomes: { 'f-c': { kind: 'refused' } } }, startedAtHour: 11, endedAt: endedAt + 7_200_000 });
    assert.equal((await w.store.hotels.get(hotel.hotelId))?.stats.lastPhoneAgreement, undefined);
    const doc = await w.store.calls.get(i.callId);
    assert.equal(doc?.disposition, 'conversation');
    assert.equal(doc?.durationSeconds, 42);

    await acts.storeCallAnalysis({ callId: i.callId, analysis: { conversationId: 'conv_x', summary: 'ok', transcript: [{ role: 'agent', message: 'hi' }] } });
    assert.equal((await w.store.calls.get(i.callId))?.transcript?.summary, 'ok');
  });
});
