// Twilio Media Streams ↔ ElevenLabs Conversational AI. Audio is µ-law 8 kHz both ways, so frames pass
// through untouched; barge-in clears Twilio's buffer; each client tool call becomes a workflow signal,
// written down (callback relay) before the agent hears 'recorded'. A stream is taken only at its call's own
// signed URL (/v1/media-stream/<callId>/<nonce>), once, while the call is in progress.
import type { Server, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import twilio from 'twilio';
import type { ApiDeps } from './deps';
import { agentToolSignal, conversationEndedSignal } from '../workflows/definitions';
import { conversationUrl, elevenLabsClient } from '../adapters/telephony/elevenlabs';
import type { StreamClaim } from '../adapters/mongo/call-streams';
import { dynamicVariables, parseFolioOutcome, RECORD_FOLIO_OUTCOME, ToolCallError } from '../adapters/telephony/agent-tools';
import { relayOf } from '../adapters/callbacks/relay';

export const MEDIA_STREAM_PATH = '/v1/media-stream';

/** How long before the call's overflow limit the agent is asked to wrap up (at most a quarter of the limit). */
export const WRAP_UP_LEAD_SECONDS = 20;
export const WRAP_UP_TEXT =
  'Time is almost up for this call. Record the outcome of the guest you are discussing if it is clear, then thank the person and say we will follow up by email about the remaining guests. Do not start on another guest.';

type Json = Record<string, unknown>;
function parse(data: RawData): Json | undefined {
  try {
    const v: unknown = JSON.parse(String(data));
    return v && typeof v === 'object' ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** `/v1/media-stream/<callId>/<nonce>` → its parts; undefined for any other path. */
export function streamPathParts(pathname: string): { callId: string; nonce: string } | undefined | 'bare' {
  if (pathname === MEDIA_STREAM_PATH) return 'bare';
  const m = /^\/v1\/media-stream\/([^/]{1,200})\/([A-Za-z0-9_-]{16,64})$/.exec(pathname);
  if (!m) return pathname.startsWith(`${MEDIA_STREAM_PATH}/`) ? 'bare' : undefined;
  try {
    return { callId: decodeURIComponent(m[1]!), nonce: m[2]! };
  } catch {
    return 'bare';
  }
}

export function attachMediaBridge(server: Server, deps: ApiDeps): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const eleven = elevenLabsClient(deps.config);
  const refuse = (socket: Duplex, status: number, reason: string) => {
    deps.logger.warn({ reason }, 'refused a media stream connection');
    socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${reason}\n`);
  };
  // Only our path is upgraded here; other WebSocket endpoints on the same server are left alone.
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const parts = streamPathParts(new URL(req.url ?? '/', 'http://x').pathname);
    if (parts === undefined) return;
    socket.on('error', () => undefined); // a client gone mid-handshake
    const refusal = checkTwilioSignature(deps, req);
    if (refusal) return refuse(socket, refusal.status, refusal.reason);
    if (parts === 'bare') return refuse(socket, 403, 'a stream URL names its call and nonce: /v1/media-stream/<callId>/<nonce>');
    // Signed, so Twilio was given this URL; it opens the call's one stream, while the call is in progress.
    claimStream(deps, parts.callId, parts.nonce).then(
      (claim) => {
        if (claim !== 'claimed') return refuse(socket, 403, STREAM_REFUSALS[claim]);
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, parts.callId));
      },
      (err: unknown) => {
        deps.logger.error({ err: String(err) }, 'could not check a media stream against its call');
        refuse(socket, 503, 'the call could not be checked; try again');
      },
    );
  };
  server.on('upgrade', onUpgrade);
  wss.on('connection', (twilioWs: WebSocket, _req: IncomingMessage, callId: string) => bridge(twilioWs, deps, callId, () => conversationUrl(deps.config, eleven)));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.off('upgrade', onUpgrade);
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** The call's one stream, if the call is known, the nonce its own and the call not over. */
async function claimStream(deps: ApiDeps, callId: string, nonce: string): Promise<StreamClaim> {
  const call = await deps.store.calls.placement(callId);
  if (!call) return 'unknown-call';
  return deps.store.callStreams.claim(callId, nonce, call.status === 'ended');
}

const STREAM_REFUSALS: Record<Exclude<StreamClaim, 'claimed'>, string> = {
  'unknown-call': 'no such call',
  'wrong-nonce': 'the nonce is not this call’s',
  'already-streaming': 'this call’s stream was opened already (one stream per call)',
  'call-ended': 'the call is over',
};

/**
 * Twilio signs the stream's connection request like a webhook: the stream URL (the call id and its nonce
 * are in its path), no parameters. Anyone else could otherwise speak for the hotel and record outcomes.
 */
function checkTwilioSignature(deps: ApiDeps, req: IncomingMessage): { status: number; reason: string } | undefined {
  const token = deps.config.TWILIO_AUTH_TOKEN;
  if (!token) return { status: 503, reason: 'media streams need TWILIO_AUTH_TOKEN' };
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string') return { status: 403, reason: 'missing X-Twilio-Signature header' };
  const base = (deps.config.PUBLIC_BASE_URL ?? `http://${req.headers.host ?? ''}`).replace(/\/+$/, '');
  const path = req.url ?? MEDIA_STREAM_PATH;
  // The stream URL is wss://; accept the https:// spelling of the same URL as well.
  const candidates = [base.replace(/^http/, 'ws') + path, base.replace(/^ws/, 'http') + path];
  if (!candidates.some((url) => twilio.validateRequest(token, signature, url, {}))) return { status: 403, reason: 'X-Twilio-Signature does not match this stream' };
  return undefined;
}

function bridge(twilioWs: WebSocket, deps: ApiDeps, streamCallId: string, agentUrl: () => Promise<string>) {
  const log = deps.logger;
  let streamSid: string | undefined;
  let callId: string | undefined;
  let conversationId: string | undefined;
  let agent: WebSocket | undefined;
  let ended = false;
  let wrapUp: NodeJS.Timeout | undefined;

  let warnedMalformed = false;
  // A malformed frame is dropped; the first one per stream is logged so a broken peer is visible.
  const parseOrWarn = (data: RawData, from: 'twilio' | 'agent') => {
    const msg = parse(data);
    if (!msg && !warnedMalformed) {
      warnedMalformed = true;
      log.warn({ callId, from, bytes: String(data).length }, 'dropped a malformed media stream message');
    }
    return msg;
  };
  const toTwilio = (msg: Json) => {
    if (twilioWs.readyState === WebSocket.OPEN) twilioWs.send(JSON.stringify({ ...msg, streamSid }));
  };
  const toAgent = (msg: Json) => {
    if (agent?.readyState === WebSocket.OPEN) agent.send(JSON.stringify(msg));
  };
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    clearTimeout(wrapUp);
    if (callId) {
      const id = callId;
      relayOf(deps)
        .accept('media-stream', id, conversationEndedSignal, { conversationId, reason })
        .catch((err: unknown) => log.error({ callId: id, err: String(err) }, 'could not record the end of the conversation'));
    }
    log.info({ callId, conversationId, reason }, 'conversation ended');
    if (agent && agent.readyState <= WebSocket.OPEN) agent.close(1000);
    // Closing our side lets Twilio run past <Connect>; nothing follows it, so the call hangs up.
    if (twilioWs.readyState <= WebSocket.OPEN) twilioWs.close(1000);
  };

  async function start(msg: Json) {
    const start = msg.start as { streamSid?: string; customParameters?: Record<string, string> } | undefined;
    streamSid = (msg.streamSid as string | undefined) ?? start?.streamSid;
    const named = start?.customParameters?.callId;
    if (named !== streamCallId) {
      // the stream was opened for the call in its signed URL, and speaks for that call only
      log.warn({ streamSid, streamCallId }, 'media stream naming another call than its URL: closing');
      return twilioWs.close(1008, 'callId parameter must be the call of the stream URL');
    }
    callId = named;
    const ctx = await deps.store.calls.context(callId);
    if (!ctx?.hotel || !ctx.guests) {
      log.warn({ callId }, 'media stream for an unknown call: closing');
      return twilioWs.close(1008, 'unknown call');
    }
    const url = await agentUrl();
    if (ended) return;
    agent = new WebSocket(url);
    agent.on('open', () => {
      toAgent({ type: 'conversation_initiation_client_data', dynamic_variables: dynamicVariables({ callId: callId!, ...ctx }) });
      // The workflow hangs up at the limit (counted from the answer, so a little before this timer);
      // telling the agent first lets it close the conversation politely.
      if (ctx.overflowSeconds) {
        const lead = Math.min(WRAP_UP_LEAD_SECONDS, ctx.overflowSeconds / 4);
        wrapUp = setTimeout(() => toAgent({ type: 'contextual_update', text: WRAP_UP_TEXT }), (ctx.overflowSeconds - lead) * 1000);
      }
    });
    agent.on('message', (data) => onAgent(parseOrWarn(data, 'agent')));
    agent.on('close', () => end('agent_closed'));
    agent.on('error', (err) => {
      log.error({ callId, err: String(err) }, 'voice agent socket failed');
      end('agent_error');
    });
  }

  function onAgent(msg: Json | undefined) {
    if (!msg) return;
    switch (msg.type) {
      case 'conversation_initiation_metadata':
        conversationId = (msg.conversation_initiation_metadata_event as { conversation_id?: string } | undefined)?.conversation_id;
        log.info({ callId, conversationId }, 'voice agent connected');
        return;
      case 'audio': {
        const payload = (msg.audio_event as { audio_base_64?: string } | undefined)?.audio_base_64;
        if (payload) toTwilio({ event: 'media', media: { payload } });
        return;
      }
      case 'interruption':
        toTwilio({ event: 'clear' }); // barge-in: drop the agent audio Twilio still holds
        return;
      case 'ping': {
        const ev = msg.ping_event as { event_id?: number } | undefined;
        toAgent({ type: 'pong', event_id: ev?.event_id });
        return;
      }
      case 'client_tool_call':
        return onToolCall(msg.client_tool_call as { tool_name?: string; tool_call_id?: string; parameters?: unknown } | undefined);
      default:
        return; // transcripts, agent_response, vad scores: the post-call webhook carries what we keep
    }
  }

  function onToolCall(call: { tool_name?: string; tool_call_id?: string; parameters?: unknown } | undefined) {
    const id = call?.tool_call_id;
    if (!id) return;
    const reply = (result: string, isError: boolean) => toAgent({ type: 'client_tool_result', tool_call_id: id, result, is_error: isError });
    if (call.tool_name !== RECORD_FOLIO_OUTCOME) return reply(`unknown tool ${String(call.tool_name)}`, true);
    let parsed: ReturnType<typeof parseFolioOutcome>;
    try {
      parsed = parseFolioOutcome(call.parameters);
    } catch (e) {
      // Tell the agent what was wrong so it can call again with fixed parameters.
      if (e instanceof ToolCallError) return reply(`invalid parameters: ${e.message}`, true);
      throw e;
    }
    // 'recorded' only once it is written down (and told to the call, so the agent's hang-up cannot overtake it);
    // otherwise the agent is told to try again
    relayOf(deps)
      .acceptAndTell('media-stream', callId!, agentToolSignal, [{ toolCallId: id, ...parsed }])
      .then(
        () => reply('recorded', false),
        (err: unknown) => {
          log.error({ callId, err: String(err) }, 'could not record a tool call');
          reply('not recorded (a storage problem on our side): please call the tool again', true);
        },
      );
  }

  twilioWs.on('message', (data) => {
    const msg = parseOrWarn(data, 'twilio');
    if (!msg) return;
    switch (msg.event) {
      case 'start':
        start(msg).catch((err: unknown) => {
          log.error({ callId, err: String(err) }, 'could not connect the voice agent');
          end('agent_unavailable');
        });
        return;
      case 'media': {
        const payload = (msg.media as { payload?: string } | undefined)?.payload;
        if (payload) toAgent({ user_audio_chunk: payload });
        return;
      }
      case 'stop':
        return end('call_ended');
      default:
        return; // connected, mark, dtmf
    }
  });
  twilioWs.on('close', () => end('call_ended'));
  twilioWs.on('error', (err) => log.warn({ callId, err: String(err) }, 'media stream socket error'));
}
