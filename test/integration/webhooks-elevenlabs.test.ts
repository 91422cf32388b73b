// ElevenLabs post-call webhook: HMAC over the raw body (SDK check), 30-minute window, one use per
// signature; a valid one reaches the call workflow as postCall (see telephony-calls for the stored result).
import assert from 'node:assert/strict';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';
import { signElevenLabs } from '../../sandbox/elevenlabs/emulator';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createElevenLabsWebhookRouter, toPostCallMessage } from '../../api/webhooks/elevenlabs';

describe('webhooks: ElevenLabs post-call', function () {
  this.timeout(60_000);
  let w: TelephonyWorld;
  let url: string;
  let secret: string;
  before(async () => {
    w = await startTelephonyWorld({ withWorker: false });
    url = `${w.baseUrl}/v1/webhooks/elevenlabs/post-call`;
    secret = w.config.ELEVENLABS_WEBHOOK_SECRET!;
  });
  after(async () => w?.close());

  const payload = (conversationId: string, type = 'post_call_transcription') =>
    JSON.stringify({
      type,
      event_timestamp: Math.floor(Date.now() / 1000),
      data: {
        conversation_id: conversationId,
        transcript: [
          { role: 'agent', message: 'Hello, this is the folio desk.' },
          { role: 'user', message: 'Yes, I can email that.' },
          { role: 'agent', message: null },
        ],
        analysis: { call_successful: 'success', transcript_summary: 'The hotel agreed.' },
        conversation_initiation_client_data: { dynamic_variables: { call_id: 'call-not-running' } },
      },
    });
  const send = async (body: string, signature?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature) headers['elevenlabs-signature'] = signature;
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, text: await res.text() };
  };

  it('accepts a signed webhook once and refuses its replay', async () => {
    const body = payload('conv_1');
    const sig = signElevenLabs(secret, body);
    assert.equal((await send(body, sig)).status, 204);
    const again = await send(body, sig);
    assert.equal(again.status, 403);
    assert.match(again.text, /already used/);
  });

  it('a replay to another API instance is refused too', async () => {
    const app = express();
    app.use('/v1/webhooks/elevenlabs', createElevenLabsWebhookRouter(w.deps));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const other = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhooks/elevenlabs/post-call`;
      const body = payload('conv_6');
      const sig = signElevenLabs(secret, body);
      assert.equal((await send(body, sig)).status, 204);
      const res = await fetch(other, { method: 'POST', headers: { 'content-type': 'application/json', 'elevenlabs-signature': sig }, body });
      assert.equal(res.status, 403);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses unsigned, forged, tampered, stale and future-dated webhooks', async () => {
    const body = payload('conv_2');
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string | undefined, string, RegExp][] = [
      ['unsigned', undefined, body, /missing/],
      ['wrong secret', signElevenLabs('wsec_wrong', body), body, /rejected/],
      ['tampered body', signElevenLabs(secret, body), body.replace('agreed', 'refused'), /rejected/],
      ['31 minutes old', signElevenLabs(secret, body, now - 31 * 60), body, /rejected/],
      ['an hour ahead', signElevenLabs(secret, body, now + 3600), body, /future/],
      ['no scheme', 'garbage', body, /rejected/],
    ];
    for (const [name, sig, sent, why] of cases) {
      const r = await send(sent, sig);
      assert.equal(r.status, 403, name);
      assert.match(JSON.parse(r.text).error.message, why, name);
    }
  });

  it('ignores webhook types we do not use, and conversations that are not our calls', async () => {
    const audio = payload('conv_3', 'post_call_audio');
    assert.equal((await send(audio, signElevenLabs(secret, audio))).status, 204);
    const foreign = JSON.stringify({ type: 'post_call_transcription', data: { conversation_id: 'conv_4' } });
    assert.equal((await send(foreign, signElevenLabs(secret, foreign))).status, 204);
  });

  it('keeps the transcript turns with text and the summary', () => {
    const m = toPostCallMessage(JSON.parse(payload('conv_5')));
    assert.deepEqual(m, {
      conversationId: 'conv_5',
      summary: 'The hotel agreed.',
      callSuccessful: 'success',
      transcript: [
        { role: 'agent', message: 'Hello, this is the folio desk.' },
        { role: 'user', message: 'Yes, I can email that.' },
      ],
    });
  });
});
