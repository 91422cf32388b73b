// A local ElevenLabs-compatible endpoint: the Conversational AI socket (playing the hotel's staff),
// signed URLs, the agent REST calls scripts/elevenlabs-agent.ts makes, and the signed post-call webhook.
import { createHmac, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response, type NextFunction } from 'express';
import { WebSocketServer } from 'ws';
import * as serialization from '@elevenlabs/elevenlabs-js/serialization';
import type { PhoneProfile, StaffReply } from '../profiles/phone';
import { playStaff, type ConversationGuest, type EmulatedConversation } from './staff';

export interface ElevenLabsEmulatorOptions {
  /** When set, REST calls must carry it as xi-api-key. */
  apiKey?: string;
  webhookSecret: string;
  /** Where post-call webhooks go (our API); read at send time so it can be set after start. */
  postCallUrl?: () => string | undefined;
  /** The staff behaviour for a conversation, from the dynamic variables the bridge sent (hotel_phone, hotel_id…). */
  profileFor(vars: Record<string, unknown>): PhoneProfile | Promise<PhoneProfile>;
  timeScale?: number;
  port?: number;
  /** Called for each answer the staff give (the sandbox makes hotels that agreed send the folio). */
  onStaffReply?: (vars: Record<string, unknown>, guest: ConversationGuest, reply: StaffReply) => void;
}

export interface ElevenLabsEmulator {
  baseUrl: string;
  port: number;
  conversations(): EmulatedConversation[];
  agents(): Map<string, Record<string, unknown>>;
  webhooksSent(): { body: string; signature: string; status?: number }[];
  stop(): Promise<void>;
}

export function signElevenLabs(secret: string, body: string, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},v0=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
}

const id = (prefix: string) => `${prefix}_${randomBytes(10).toString('hex')}`;

export async function startElevenLabsEmulator(opts: ElevenLabsEmulatorOptions): Promise<ElevenLabsEmulator> {
  const timeScale = opts.timeScale ?? 1;
  const agents = new Map<string, Record<string, unknown>>();
  const conversations: EmulatedConversation[] = [];
  const signedTokens = new Map<string, string>();
  const webhooks: { body: string; signature: string; status?: number }[] = [];
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  let baseUrl = '';

  const auth = (req: Request, res: Response, next: NextFunction) => {
    if (opts.apiKey && req.get('xi-api-key') !== opts.apiKey) return res.status(401).json({ detail: { status: 'invalid_api_key', message: 'Invalid API key' } });
    next();
  };

  // Request bodies are checked with the SDK's own wire schema, as strictly as the API checks them.
  const invalidAgent = (body: unknown, res: Response, schema: { parse: (v: unknown, o: { unrecognizedObjectKeys: 'fail' }) => { ok: boolean; errors?: { path: string[]; message: string }[] } }) => {
    const r = schema.parse(body, { unrecognizedObjectKeys: 'fail' });
    if (r.ok) return false;
    res.status(422).json({ detail: (r.errors ?? []).map((e) => ({ loc: ['body', ...e.path], msg: e.message, type: 'value_error' })) });
    return true;
  };
  app.post('/v1/convai/agents/create', auth, (req, res) => {
    if (invalidAgent(req.body, res, serialization.conversationalAi.BodyCreateAgentV1ConvaiAgentsCreatePost)) return;
    const agentId = id('agent');
    const now = Math.floor(Date.now() / 1000);
    agents.set(agentId, { name: '', tags: [], ...(req.body as Record<string, unknown>), agent_id: agentId, metadata: { created_at_unix_secs: now, updated_at_unix_secs: now } });
    res.json({ agent_id: agentId });
  });
  app.get('/v1/convai/agents', auth, (req, res) => {
    const search = String(req.query.search ?? '').toLowerCase();
    const list = [...agents.values()].filter((a) => String(a.name).toLowerCase().includes(search));
    res.json({
      agents: list.map((a) => ({
        agent_id: a.agent_id,
        name: a.name,
        voice_id: (a.conversation_config as { tts?: { voice_id?: string } } | undefined)?.tts?.voice_id ?? 'sandbox-voice',
        tags: a.tags,
        created_at_unix_secs: (a.metadata as { created_at_unix_secs: number }).created_at_unix_secs,
        access_info: { is_creator: true, creator_name: 'sandbox', creator_email: 'sandbox@folio.test', role: 'admin' },
      })),
      has_more: false,
    });
  });
  app.get('/v1/convai/agents/:agentId', auth, (req, res) => {
    const a = agents.get(String(req.params.agentId));
    if (!a) return res.status(404).json({ detail: { status: 'agent_not_found', message: 'Agent not found' } });
    res.json(a);
  });
  app.patch('/v1/convai/agents/:agentId', auth, (req, res) => {
    const a = agents.get(String(req.params.agentId));
    if (!a) return res.status(404).json({ detail: { status: 'agent_not_found', message: 'Agent not found' } });
    if (invalidAgent(req.body, res, serialization.conversationalAi.UpdateAgentRequest)) return;
    const meta = a.metadata as { created_at_unix_secs: number };
    const next = { ...a, ...(req.body as Record<string, unknown>), agent_id: a.agent_id, metadata: { ...meta, updated_at_unix_secs: Math.floor(Date.now() / 1000) } };
    agents.set(String(a.agent_id), next);
    res.json(next);
  });
  app.get('/v1/convai/conversation/get-signed-url', auth, (req, res) => {
    const agentId = String(req.query.agent_id ?? '');
    if (!agentId) return res.status(422).json({ detail: [{ loc: ['query', 'agent_id'], msg: 'Field required', type: 'missing' }] });
    const token = randomBytes(16).toString('hex');
    signedTokens.set(token, agentId);
    res.json({ signed_url: `${baseUrl.replace(/^http/, 'ws')}/v1/convai/conversation?agent_id=${encodeURIComponent(agentId)}&conversation_signature=${token}` });
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  const wss = new WebSocketServer({ server, path: '/v1/convai/conversation' });
  wss.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const agentId = url.searchParams.get('agent_id') ?? '';
    const token = url.searchParams.get('conversation_signature');
    if (!agentId || (token !== null && signedTokens.get(token) !== agentId)) return ws.close(1008, 'invalid agent_id or signature');
    if (token) signedTokens.delete(token); // a signed URL is good for one conversation
    const conv: EmulatedConversation = { conversationId: id('conv'), agentId, dynamicVariables: {}, startedAt: new Date(), audioChunksIn: 0, pongs: 0, toolResults: [], contextualUpdates: [], transcript: [], errors: [] };
    conversations.push(conv);
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    let started = false;
    const initTimeout = setTimeout(() => !started && ws.close(1008, 'conversation_initiation_client_data expected first'), 5000);
    ws.on('message', async (data) => {
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(String(data));
      } catch {
        conv.errors.push('non-JSON message');
        return;
      }
      if (typeof m.user_audio_chunk === 'string') conv.audioChunksIn++;
      else if (m.type === 'conversation_initiation_client_data' && !started) {
        started = true;
        clearTimeout(initTimeout);
        conv.dynamicVariables = (m.dynamic_variables as Record<string, unknown>) ?? {};
        let profile: PhoneProfile;
        try {
          profile = await opts.profileFor(conv.dynamicVariables);
        } catch (e) {
          conv.errors.push(String(e));
          return ws.close(1011, 'no staff profile for this hotel');
        }
        conv.profile = profile.name;
        ws.send(JSON.stringify({ type: 'conversation_initiation_metadata', conversation_initiation_metadata_event: { conversation_id: conv.conversationId, agent_output_audio_format: 'ulaw_8000', user_input_audio_format: 'ulaw_8000' } }));
        playStaff(ws, conv, profile, timeScale, closed, opts.onStaffReply).catch((e: unknown) => conv.errors.push(String(e)));
      }
    });
    void closed.then(async () => {
      clearTimeout(initTimeout);
      conv.endedAt = new Date();
      conv.endedBy ??= 'client';
      if (started) await sendPostCall(conv);
    });
  });

  async function sendPostCall(conv: EmulatedConversation) {
    const url = opts.postCallUrl?.();
    if (!url) return;
    const agreed = conv.toolResults.filter((r) => !r.isError).length;
    const body = JSON.stringify({
      type: 'post_call_transcription',
      event_timestamp: Math.floor(Date.now() / 1000),
      data: {
        agent_id: conv.agentId,
        conversation_id: conv.conversationId,
        status: 'done',
        transcript: conv.transcript,
        metadata: { start_time_unix_secs: Math.floor(conv.startedAt.getTime() / 1000), call_duration_secs: Math.round((Date.now() - conv.startedAt.getTime()) / 1000 / timeScale) },
        analysis: {
          call_successful: conv.endedBy === 'agent' ? 'success' : 'failure',
          transcript_summary: `The agent asked about ${String(conv.dynamicVariables.guest_count ?? 0)} folio(s); ${agreed} outcome(s) were recorded${conv.endedBy === 'agent' ? '' : ' before the call ended'}.`,
          data_collection_results: {},
          evaluation_criteria_results: {},
        },
        conversation_initiation_client_data: { dynamic_variables: conv.dynamicVariables },
      },
    });
    const signature = signElevenLabs(opts.webhookSecret, body);
    const entry: { body: string; signature: string; status?: number } = { body, signature };
    webhooks.push(entry);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'elevenlabs-signature': signature }, body, signal: AbortSignal.timeout(10_000) });
      entry.status = res.status;
    } catch {
      entry.status = 0;
    }
  }

  return {
    baseUrl,
    port,
    conversations: () => conversations,
    agents: () => agents,
    webhooksSent: () => webhooks,
    async stop() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

