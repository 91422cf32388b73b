// Twilio webhooks: forged and unsigned requests are refused and change nothing; repeated and
// reordered callbacks reach the call workflow and are applied once, in order; bad input is a 400.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import express from 'express';
import twilio from 'twilio';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';
import { createTwilioWebhookRouter } from '../../api/webhooks/twilio';
import { callStateQuery } from '../../workflows/definitions';
import { freePort } from '../helpers/stack';

async function post(url: string, params: Record<string, string>, signWith: { token: string; url?: string } | null) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signWith) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(signWith.token, signWith.url ?? url, params);
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  return { status: res.status, text: await res.text() };
}

describe('webhooks: Twilio', function () {
  this.timeout(120_000);
  let w: TelephonyWorld;
  let token: string;
  before(async () => {
    // Real time, so the emulated phone keeps ringing while we send our own callbacks.
    w = await startTelephonyWorld({ timeScale: 1 });
    token = w.config.TWILIO_AUTH_TOKEN!;
  });
  after(async () => w?.close());

  const statusUrl = (callId: string) => `${w.baseUrl}/v1/webhooks/twilio/status?callId=${callId}`;
  const base = (callSid: string, status: string, seq: number, extra: Record<string, string> = {}) => ({
    AccountSid: w.config.TWILIO_ACCOUNT_SID!,
    CallSid: callSid,
    CallStatus: status,
    SequenceNumber: String(seq),
    Timestamp: new Date().toUTCString(),
    ...extra,
  });

  it('refuses forged, unsigned and wrongly keyed callbacks with 403 and changes nothing; applies repeats once; ignores a late ringing', async () => {
    const hotel = await w.addHotel('no-answer');
    const { callId, handle } = await w.startCall(hotel);
    // placed and ringing at the emulator; Twilio reports nothing before the answer or the end (we ask for no more)
    let state = await handle.query(callStateQuery);
    for (let i = 0; i < 50 && !state.callSid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await handle.query(callStateQuery);
    }
    assert.equal(state.status, 'placing');
    const sid = state.callSid!;

    const forged = await post(statusUrl(callId), base(sid, 'completed', 50), { token: 'not-the-auth-token' });
    assert.equal(forged.status, 403);
    assert.match(JSON.parse(forged.text).error.message, /does not match/);
    const unsigned = await post(statusUrl(callId), base(sid, 'completed', 51), null);
    assert.equal(unsigned.status, 403);
    assert.match(JSON.parse(unsigned.text).error.message, /missing X-Twilio-Signature/);
    // Signed for another call: the query string is part of what is signed.
    const replayed = await post(statusUrl(callId), base(sid, 'completed', 52), { token, url: statusUrl('call-other') });
    assert.equal(replayed.status, 403);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await handle.query(callStateQuery)).status, 'placing', 'nothing changed');

    assert.equal((await post(statusUrl(callId), base(sid, 'in-progress', 60), { token })).status, 204);
    assert.equal((await post(statusUrl(callId), base(sid, 'completed', 61, { CallDuration: '7' }), { token })).status, 204);
    // Twilio retries the same callback (same SequenceNumber): applied once, so the duration stays 7.
    assert.equal((await post(statusUrl(callId), base(sid, 'completed', 61, { CallDuration: '99' }), { token })).status, 204);
    // A ringing that arrives after the end.
    assert.equal((await post(statusUrl(callId), base(sid, 'ringing', 62), { token })).status, 204);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await handle.query(callStateQuery)).status, 'completed');

    const result = await handle.result();
    assert.equal(result.durationSeconds, 7);
    assert.equal(result.disposition, 'dropped', 'answered, then ended before any outcome');
  });

  it('answers callbacks for unknown calls without error, and names bad input', async () => {
    const params = base('CA00000000000000000000000000000000', 'completed', 3);
    assert.equal((await post(statusUrl('call-unknown'), params, { token })).status, 204);
    const voice = await post(`${w.baseUrl}/v1/webhooks/twilio/voice?callId=call-unknown`, { CallSid: params.CallSid }, { token });
    assert.equal(voice.status, 200);
    assert.match(voice.text, /<Hangup\/>/);

    const noStatus = await post(statusUrl('call-x'), { CallSid: params.CallSid }, { token });
    assert.equal(noStatus.status, 400);
    assert.match(noStatus.text, /CallStatus/);
    const noCallId = await post(`${w.baseUrl}/v1/webhooks/twilio/status`, params, { token });
    assert.equal(noCallId.status, 400);
    assert.match(noCallId.text, /callId/);
    const badStep = await post(`${w.baseUrl}/v1/webhooks/twilio/ivr?callId=call-x&step=99&path=`, {}, { token });
    assert.equal(badStep.status, 400);
    const recording = await post(`${w.baseUrl}/v1/webhooks/twilio/recording?callId=call-unknown`, { RecordingSid: 'RE1', RecordingUrl: 'http://x/RE1', RecordingStatus: 'completed' }, { token });
    assert.equal(recording.status, 204);
  });

  it('checks signatures against PUBLIC_BASE_URL, as seen behind a TLS proxy', async () => {
    const publicBase = 'https://folio.example.com';
    const app = express();
    app.use('/v1/webhooks/twilio', createTwilioWebhookRouter({ ...w.deps, config: { ...w.config, PUBLIC_BASE_URL: `${publicBase}/` } }));
    const port = await freePort();
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      const local = `http://127.0.0.1:${port}/v1/webhooks/twilio/status?callId=call-proxy`;
      const params = base('CA11111111111111111111111111111111', 'ringing', 1);
      assert.equal((await post(local, params, { token, url: `${publicBase}/v1/webhooks/twilio/status?callId=call-proxy` })).status, 204);
      assert.equal((await post(local, params, { token })).status, 403, 'a signature over the internal URL is not what Twilio sends');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
