// The media bridge at the protocol level: a Twilio Media Streams client on one side, a scripted
// Conversational AI socket on the other (the network edge), our bridge in between.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import twilio from 'twilio';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';
import { hotelSnapshot } from '../../domain/model';

type Msg = Record<string, unknown>;
const next = (ws: WebSocket, pred: (m: Msg) => boolean, ms = 5000): Promise<Msg> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out waiting for a message')), ms);
    const on = (d: WebSocket.RawData) => {
      const m = JSON.parse(String(d)) as Msg;
      if (pred(m)) {
        clearTimeout(t);
        ws.off('message', on);
        resolve(m);
      }
    };
    ws.on('message', on);
  });

describe('telephony: media bridge protocol', function () {
  this.timeout(60_000);
  let w: TelephonyWorld;
  let agentServer: WebSocketServer;
  let bridgeBase: string;
  const agentSockets: WebSocket[] = [];

  before(async () => {
    w = await startTelephonyWorld({ withWorker: false });
    agentServer = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/convai/conversation' });
    await once(agentServer, 'listening');
    agentServer.on('connection', (ws) => agentSockets.push(ws));
    // Without an API key the bridge takes the public agent URL under ELEVENLABS_BASE_URL.
    const port = (agentServer.address() as AddressInfo).port;
    Object.assign(w.config, { ELEVENLABS_API_KEY: undefined, ELEVENLABS_BASE_URL: `http://127.0.0.1:${port}` });
    bridgeBase = `${w.baseUrl.replace('http', 'ws')}/v1/media-stream`;
  });
  after(async () => {
    for (const s of agentServer?.clients ?? []) s.terminate();
    await new Promise((r) => agentServer?.close(r));
    await w?.close();
  });

  /** The call's stream URL, as the TwiML of its answer gives it to Twilio (its id and nonce in the path). */
  const streamUrl = async (callId: string) => `${bridgeBase}/${callId}/${await w.store.callStreams.issueNonce(callId)}`;
  async function twilioSide(callId: string, opts: { name?: string | null } = {}) {
    const url = await streamUrl(callId);
    const ws = new WebSocket(url, { headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(w.config.TWILIO_AUTH_TOKEN!, url, {}) } });
    await once(ws, 'open');
    const named = opts.name === undefined ? callId : opts.name;
    ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    ws.send(JSON.stringify({ event: 'start', streamSid: 'MZ1', start: { streamSid: 'MZ1', callSid: 'CA1', customParameters: named ? { callId: named } : {} } }));
    return ws;
  }

  it('refuses a connection that Twilio did not sign', async () => {
    const url = `${bridgeBase}/call-unsigned/${'x'.repeat(32)}`;
    for (const headers of [{}, { 'x-twilio-signature': twilio.getExpectedTwilioSignature('another-token', url, {}) }]) {
      const ws = new WebSocket(url, { headers });
      ws.on('error', () => undefined); // terminate() below aborts the handshake
      const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      assert.equal(res.statusCode, 403);
      ws.terminate();
    }
  });

  it('closes a stream whose start message names no call; refuses one for a call we have no record of', async () => {
    await w.store.calls.update('call-unnamed', { status: 'in-progress' });
    const a = await twilioSide('call-unnamed', { name: null });
    const [codeA] = (await once(a, 'close')) as [number];
    assert.equal(codeA, 1008);
    const url = `${bridgeBase}/call-nobody/${'y'.repeat(32)}`;
    const b = new WebSocket(url, { headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(w.config.TWILIO_AUTH_TOKEN!, url, {}) } });
    b.on('error', () => undefined);
    const [, res] = (await once(b, 'unexpected-response')) as [unknown, { statusCode: number }];
    assert.equal(res.statusCode, 403);
    b.terminate();
  });

  it('relays audio both ways, clears on barge-in, answers pings and checks tool calls', async () => {
    const hotel = await w.addHotel('person-agree');
    const callId = 'call-bridge-1';
    const guests = [{ folioId: 'f-1', workflowId: 'folio:x:1', guestName: 'Ada Lovelace', confirmationNumber: 'CNF1', checkIn: '2026-11-01', checkOut: '2026-11-03' }];
    await w.store.calls.update(callId, { hotelId: hotel.hotelId, folioIds: ['f-1'], status: 'in-progress', context: { hotel: hotelSnapshot(hotel), guests, replyTo: 'folios+t@folio.test', language: 'en' } });

    const connected = once(agentServer, 'connection');
    const twilio = await twilioSide(callId);
    const [agent] = (await connected) as [WebSocket];
    const init = await next(agent, (m) => m.type === 'conversation_initiation_client_data');
    const vars = init.dynamic_variables as Record<string, string>;
    assert.equal(vars.call_id, callId);
    assert.equal(vars.reply_email, 'folios+t@folio.test');
    assert.match(vars.guests, /Ada Lovelace, confirmation CNF1, 2026-11-01 to 2026-11-03/);

    twilio.send(JSON.stringify({ event: 'media', streamSid: 'MZ1', media: { payload: 'AAEC' } }));
    assert.deepEqual(await next(agent, (m) => 'user_audio_chunk' in m), { user_audio_chunk: 'AAEC' });

    agent.send(JSON.stringify({ type: 'audio', audio_event: { audio_base_64: '//79', event_id: 1 } }));
    assert.deepEqual(await next(twilio, (m) => m.event === 'media'), { event: 'media', media: { payload: '//79' }, streamSid: 'MZ1' });
    agent.send(JSON.stringify({ type: 'interruption', interruption_event: { event_id: 2 } }));
    assert.equal((await next(twilio, (m) => m.event === 'clear')).streamSid, 'MZ1');
    agent.send(JSON.stringify({ type: 'ping', ping_event: { event_id: 7, ping_ms: 5 } }));
    assert.deepEqual(await next(agent, (m) => m.type === 'pong'), { type: 'pong', event_id: 7 });

    agent.send(JSON.stringify({ type: 'client_tool_call', client_tool_call: { tool_name: 'record_folio_outcome', tool_call_id: 't1', parameters: { folio_id: 'f-1', outcome: 'perhaps' } } }));
    const bad = await next(agent, (m) => m.type === 'client_tool_result');
    assert.equal(bad.is_error, true);
    assert.match(String(bad.result), /outcome/);
    agent.send(JSON.stringify({ type: 'client_tool_call', client_tool_call: { tool_name: 'transfer_money', tool_call_id: 't2', parameters: {} } }));
    assert.match(String((await next(agent, (m) => m.type === 'client_tool_result')).result), /unknown tool/);
    agent.send(JSON.stringify({ type: 'client_tool_call', client_tool_call: { tool_name: 'record_folio_outcome', tool_call_id: 't3', parameters: { folio_id: 'f-1', confirmation_number: 'CNF1', outcome: 'agreed' } } }));
    assert.deepEqual(await next(agent, (m) => m.type === 'client_tool_result'), { type: 'client_tool_result', tool_call_id: 't3', result: 'recorded', is_error: false });

    // The agent ends the conversation: the bridge closes the stream, so Twilio moves past <Connect>.
    const twilioClosed = once(twilio, 'close');
    agent.close(1000);
    await twilioClosed;
  });

  it('when the call ends, the agent conversation is closed', async () => {
    const hotel = await w.addHotel('person-agree');
    const callId = 'call-bridge-2';
    await w.store.calls.update(callId, { hotelId: hotel.hotelId, folioIds: [], status: 'in-progress', context: { hotel: hotelSnapshot(hotel), guests: [], replyTo: 'folios+u@folio.test', language: 'en' } });
    const connected = once(agentServer, 'connection');
    const twilio = await twilioSide(callId);
    const [agent] = (await connected) as [WebSocket];
    await next(agent, (m) => m.type === 'conversation_initiation_client_data');
    const agentClosed = once(agent, 'close');
    twilio.send(JSON.stringify({ event: 'stop', streamSid: 'MZ1', stop: { callSid: 'CA1' } }));
    await agentClosed;
  });
});
