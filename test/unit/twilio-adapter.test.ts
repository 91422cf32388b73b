// The Twilio adapter (the real twilio client) against the local emulator: what a call is created
// with, signed callbacks, updates of a finished call, credentials, and recording downloads.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { TwilioTelephony, TelephonyConfigError } from '../../adapters/telephony/twilio';
import { loadConfig } from '../../config';
import { phoneProfile } from '../../sandbox/profiles/phone';
import { startTwilioEmulator, type TwilioEmulator } from '../../sandbox/twilio/emulator';

const accountSid = `AC${'a'.repeat(32)}`;
const authToken = 'adapter-test-token';

describe('Twilio adapter against the emulator', function () {
  this.timeout(30_000);
  let emu: TwilioEmulator;
  let hooks: Server;
  let hooksUrl: string;
  const received: { path: string; params: Record<string, string>; valid: boolean }[] = [];
  let tel: TwilioTelephony;

  before(async () => {
    emu = await startTwilioEmulator({ accountSid, authToken, profileFor: (phone) => phoneProfile(phone === '+15550000001' ? 'busy' : 'person-agree'), timeScale: 0.1 });
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.post('/{*rest}', (req, res) => {
      const url = `${hooksUrl}${req.originalUrl}`;
      received.push({ path: req.path, params: req.body, valid: twilio.validateRequest(authToken, req.get('x-twilio-signature') ?? '', url, req.body) });
      if (req.path === '/voice') res.type('text/xml').send('<Response><Say>Hello</Say><Pause length="1"/><Hangup/></Response>');
      else res.status(204).end();
    });
    hooks = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    hooksUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    tel = new TwilioTelephony({ accountSid, authToken, fromNumber: '+15005550006', apiBaseUrl: emu.baseUrl });
  });
  after(async () => {
    await emu?.stop();
    hooks?.closeAllConnections();
    await new Promise((r) => hooks?.close(r));
  });

  const place = (to: string) =>
    tel.placeCall({
      to,
      url: `${hooksUrl}/voice?callId=c1`,
      statusCallback: `${hooksUrl}/status?callId=c1`,
      amdCallback: `${hooksUrl}/amd?callId=c1`,
      recordingCallback: `${hooksUrl}/recording?callId=c1`,
      ringTimeoutSeconds: 20,
      timeLimitSeconds: 300,
    });

  it('creates the call as Twilio expects it and gets signed callbacks in order', async () => {
    const { callSid, status } = await place('+15550000002');
    assert.match(callSid, /^CA[0-9a-f]{32}$/);
    assert.equal(status, 'queued');
    const call = emu.call(callSid)!;
    assert.deepEqual(call.params.statusCallbackEvent, ['answered', 'completed']);
    assert.equal(call.params.machineDetection, 'DetectMessageEnd');
    assert.equal(call.params.asyncAmd, 'true');
    assert.equal(call.params.record, true);
    assert.equal(call.params.timeLimit, 300);
    assert.equal(call.params.timeout, 20);
    await emu.ended(callSid);
    assert.equal(await tel.fetchCallStatus(callSid), 'completed');
    const mine = received.filter((r) => r.params.CallSid === callSid);
    assert.ok(mine.every((r) => r.valid), 'every callback is validly signed');
    const statuses = mine.filter((r) => r.path === '/status');
    // only the answer and the end are asked for: nobody acts on initiated or ringing
    assert.deepEqual(statuses.map((r) => r.params.CallStatus), ['in-progress', 'completed']);
    assert.deepEqual(statuses.map((r) => r.params.SequenceNumber), ['0', '1']);
    assert.ok(statuses[1].params.CallDuration !== undefined);
    const recording = mine.find((r) => r.path === '/recording')!;
    assert.equal(recording.params.RecordingStatus, 'completed');
    const { bytes, contentType } = await tel.downloadRecording(recording.params.RecordingUrl, 10 * 1024 * 1024);
    assert.equal(bytes.subarray(0, 4).toString(), 'RIFF');
    assert.match(contentType, /audio/);
    assert.deepEqual(emu.call(callSid)!.said, ['Hello']);
  });

  it('updating a call that is over reports false instead of failing', async () => {
    const { callSid } = await place('+15550000001');
    await emu.ended(callSid);
    assert.equal(emu.call(callSid)!.status, 'busy');
    assert.equal(await tel.updateCall(callSid, { status: 'completed' }), false);
    assert.equal(await tel.updateCall(callSid, { twiml: '<Response><Hangup/></Response>' }), false);
  });

  it('wrong credentials are refused; missing settings are named', async () => {
    const bad = new TwilioTelephony({ accountSid, authToken: 'wrong', fromNumber: '+15005550006', apiBaseUrl: emu.baseUrl });
    await assert.rejects(bad.fetchCallStatus('CA' + '0'.repeat(32)), (e: { status?: number; code?: number }) => e.status === 401 && e.code === 20003);
    const unconfigured = new TwilioTelephony(loadConfig({ TWILIO_ACCOUNT_SID: accountSid }));
    assert.throws(() => unconfigured.client, (e: Error) => e instanceof TelephonyConfigError && /TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER/.test(e.message));
  });
});
