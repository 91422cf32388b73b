// Attacks on the media stream (issue 14, item 11), over the real API and the stream socket: a stream URL
// and signature captured from one call opens no stream for another call, cannot be replayed, cannot open a
// second stream beside the first, and opens nothing once the call has ended.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import twilio from 'twilio';
import { hotelSnapshot, type Hotel } from '../../domain/model';
import { parseXml } from '../../sandbox/twilio/xml';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';
import { find } from '../helpers/flood';
import { send, twilioRequest } from '../helpers/webhook-client';

interface Captured {
  url: string;
  signature: string;
  callId: string;
}

describe('security: one signed stream per call, only while it is in progress (item 11)', function () {
  this.timeout(60_000);
  let w: TelephonyWorld;
  let agentServer: WebSocketServer;
  let hotel: Hotel;
  const conversations: string[] = [];
  let n = 0;

  before(async () => {
    w = await startTelephonyWorld({ withWorker: false });
    agentServer = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/convai/conversation' });
    await once(agentServer, 'listening');
    // the voice agent: notes which call each conversation is for (what the bridge told it)
    agentServer.on('connection', (ws) =>
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { type?: string; dynamic_variables?: { call_id?: string } };
        if (m.type === 'conversation_initiation_client_data') conversations.push(String(m.dynamic_variables?.call_id));
      }),
    );
    Object.assign(w.config, { ELEVENLABS_API_KEY: undefined, ELEVENLABS_BASE_URL: `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}` });
    hotel = await w.addHotel('person-agree');
  });
  after(async () => {
    for (const s of agentServer?.clients ?? []) s.terminate();
    await new Promise((r) => agentServer?.close(r));
    await w?.close();
  });

  /** A call the hotel answered: Twilio fetched /voice (signed) and got TwiML connecting the stream; what Twilio would sign for it. */
  async function answeredCall(): Promise<Captured> {
    const callId = `call-stream-${++n}`;
    const guests = [{ folioId: `f-${n}`, workflowId: `folio:x:${n}`, guestName: 'Ada Lovelace', confirmationNumber: `CNF${n}`, checkIn: '2026-11-01', checkOut: '2026-11-03' }];
    await w.store.calls.beginPlacing(callId, { hotelId: hotel.hotelId, folioIds: [guests[0]!.folioId], clientIds: ['x'], to: hotel.phone, context: { hotel: hotelSnapshot(hotel), guests, replyTo: 'folios+t@folio.test', language: 'en', ivrPath: '1' } });
    const voice = await send(twilioRequest(`${w.baseUrl}/v1/webhooks/twilio/voice?callId=${callId}`, { CallSid: `CA${n}`, CallStatus: 'in-progress' }, { token: w.config.TWILIO_AUTH_TOKEN! }));
    const stream = find(parseXml(voice.text), 'Stream');
    assert.ok(stream?.attrs.url, voice.text);
    return { url: stream.attrs.url, signature: twilio.getExpectedTwilioSignature(w.config.TWILIO_AUTH_TOKEN!, stream.attrs.url, {}), callId };
  }

  /** Connects as Twilio would with this URL and signature, naming `callId` in the start message: the handshake status, and the socket if it opened. */
  async function connect(url: string, signature: string, callId: string): Promise<{ status: number; ws?: WebSocket }> {
    const ws = new WebSocket(url, { headers: { 'x-twilio-signature': signature } });
    ws.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => {
      ws.once('open', () => resolve(101));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    if (status !== 101) {
      ws.terminate();
      return { status };
    }
    ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    ws.send(JSON.stringify({ event: 'start', streamSid: `MZ${n}`, start: { streamSid: `MZ${n}`, callSid: 'CA1', customParameters: { callId } } }));
    return { status, ws };
  }
  const settle = () => new Promise((r) => setTimeout(r, 800));

  it("a signature captured on one call's stream opens no stream for another call", async () => {
    const a = await answeredCall();
    const b = await answeredCall();
    assert.notEqual(a.url, b.url, 'each call has a stream URL of its own');
    const forged = await connect(a.url, a.signature, b.callId);
    if (forged.ws) {
      const [code] = (await once(forged.ws, 'close')) as [number];
      assert.equal(code, 1008, 'a stream naming another call than its URL is closed');
    }
    const swapped = await connect(a.url.replace(a.callId, b.callId), a.signature, b.callId);
    assert.equal(swapped.status, 403, "another call's URL under this signature");
    await settle();
    assert.ok(!conversations.includes(b.callId), `the agent heard nothing of the other call: ${conversations.join(', ')}`);
  });

  it('a captured stream connection cannot be replayed, and a call has one stream at a time', async () => {
    const c = await answeredCall();
    const genuine = await connect(c.url, c.signature, c.callId);
    assert.equal(genuine.status, 101);
    assert.equal((await connect(c.url, c.signature, c.callId)).status, 403, 'no second stream beside the first');
    genuine.ws!.send(JSON.stringify({ event: 'stop', streamSid: `MZ${n}` }));
    await once(genuine.ws!, 'close');
    assert.equal((await connect(c.url, c.signature, c.callId)).status, 403, 'the same connection replayed afterwards');
    await settle();
    assert.deepEqual(conversations.filter((id) => id === c.callId), [c.callId], 'one conversation for the call');
  });

  it('a stream for a call that has ended is refused', async () => {
    const d = await answeredCall();
    const completed = { CallSid: 'CA9', CallStatus: 'completed', SequenceNumber: '4', CallDuration: '20' };
    assert.equal((await send(twilioRequest(`${w.baseUrl}/v1/webhooks/twilio/status?callId=${d.callId}`, completed, { token: w.config.TWILIO_AUTH_TOKEN! }))).status, 204);
    assert.equal((await connect(d.url, d.signature, d.callId)).status, 403);
    await settle();
    assert.ok(!conversations.includes(d.callId));
  });
});
