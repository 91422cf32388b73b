// The vendors' side of our webhooks, for tests and drills: Twilio callbacks signed as Twilio signs them
// (or forged: unsigned, the wrong key, signed for another URL, altered after signing), ElevenLabs post-call
// webhooks, Twilio's media-stream handshake, and a voice agent socket that records outcomes through the bridge.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import WebSocket, { WebSocketServer } from 'ws';
import { signElevenLabs } from '../../sandbox/elevenlabs/emulator';

export { signElevenLabs };

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Answer {
  status: number;
  text: string;
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * A form-encoded Twilio callback. `sign` is what the signature is computed with: Twilio's own request
 * has the account's token over the URL it is sent to; null leaves the header out. `sent` replaces
 * parameters after signing (a request altered on the way).
 */
export function twilioRequest(url: string, params: Record<string, string>, sign: { token: string; url?: string } | null, sent: Record<string, string> = {}): WebhookRequest {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1' };
  if (sign) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(sign.token, sign.url ?? url, params);
  return { url, headers, body: new URLSearchParams({ ...params, ...sent }).toString() };
}

/** An ElevenLabs webhook: the raw JSON body and its ElevenLabs-Signature header (left out when undefined). */
export function elevenLabsRequest(url: string, body: string, signature: string | undefined): WebhookRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['elevenlabs-signature'] = signature;
  return { url, headers, body };
}

export async function send(r: WebhookRequest): Promise<Answer> {
  const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, text: await res.text() };
}

/**
 * Opens the media-stream WebSocket with the given X-Twilio-Signature token (null: none) and reports the
 * HTTP status of the handshake: 101 when the server took the connection (closed again at once).
 */
export function mediaStreamHandshake(url: string, signWith: string | null): Promise<number> {
  const headers: Record<string, string> = signWith ? { 'x-twilio-signature': twilio.getExpectedTwilioSignature(signWith, url, {}) } : {};
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: 10_000 });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.close(1000);
    });
    ws.once('error', (e) => reject(e));
  });
}

export interface AgentConversation {
  conversationId: string;
  callId: string;
  folioIds: string[];
  /** client_tool_call messages sent (each tool call id several times). */
  toolCallsSent: number;
  /** client_tool_result messages the bridge answered with. */
  results: { toolCallId: string; isError: boolean; result: string }[];
  /** Settles when the agent has ended the conversation. */
  ended?: Promise<void>;
}

export interface ToolCallingAgent {
  /** ELEVENLABS_BASE_URL for the API: without an API key the bridge opens the public conversation socket here. */
  baseUrl: string;
  conversations: AgentConversation[];
  stop(): Promise<void>;
}

/**
 * The ElevenLabs Conversational AI socket, playing an agent that hears every guest's folio agreed and
 * records it with record_folio_outcome, each tool call sent `copies()` times at once (a flaky agent or
 * network), then ends the call. What the hotel's staff would say is not simulated: only the tool calls.
 */
export async function startToolCallingAgent(opts: { copies: () => number }): Promise<ToolCallingAgent> {
  const conversations: AgentConversation[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/convai/conversation' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;

  wss.on('connection', (ws) => {
    let conv: AgentConversation | undefined;
    const answered = new Map<string, () => void>();
    ws.on('message', (data) => {
      let m: { type?: string; dynamic_variables?: Record<string, unknown>; tool_call_id?: string; is_error?: boolean; result?: unknown };
      try {
        m = JSON.parse(String(data));
      } catch {
        return;
      }
      if (m.type === 'conversation_initiation_client_data' && !conv) {
        const vars = m.dynamic_variables ?? {};
        const guests = JSON.parse(String(vars.guests_json ?? '[]')) as { folio_id: string }[];
        conv = { conversationId: `conv_${hex(10)}`, callId: String(vars.call_id), folioIds: guests.map((g) => g.folio_id), toolCallsSent: 0, results: [] };
        conversations.push(conv);
        conv.ended = talk(ws, conv, answered);
      } else if (m.type === 'client_tool_result' && conv && m.tool_call_id) {
        conv.results.push({ toolCallId: m.tool_call_id, isError: !!m.is_error, result: String(m.result ?? '') });
        answered.get(m.tool_call_id)?.();
      }
    });
  });

  async function talk(ws: WebSocket, conv: AgentConversation, answered: Map<string, () => void>): Promise<void> {
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.send(JSON.stringify({ type: 'conversation_initiation_metadata', conversation_initiation_metadata_event: { conversation_id: conv.conversationId, agent_output_audio_format: 'ulaw_8000', user_input_audio_format: 'ulaw_8000' } }));
    for (const folioId of conv.folioIds) {
      const toolCallId = `toolu_${hex(8)}`;
      const copies = opts.copies();
      let results = 0;
      // the agent moves on once the bridge has answered every copy (or after 10 s)
      const heard = new Promise<void>((resolve) => answered.set(toolCallId, () => ++results === copies && resolve()));
      const call = JSON.stringify({ type: 'client_tool_call', client_tool_call: { tool_name: 'record_folio_outcome', tool_call_id: toolCallId, parameters: { folio_id: folioId, outcome: 'agreed' } } });
      for (let i = 0; i < copies; i++) {
        ws.send(call);
        conv.toolCallsSent++;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([heard, closed, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
    }
    // the agent's end_call: closing the conversation lets the bridge end the stream, and with it the call
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'end_call');
    await closed;
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    conversations,
    async stop() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
