// ElevenLabs post-call webhook → postCall signal, written down before it is answered (the callback relay
// tells the workflow). The signature is a timestamped HMAC over the raw body (checked in constant time by
// adapters/http/signing.ts, the SDK's check compares with !==); a signature seen before (by any API
// instance), or older than 30 minutes, is refused.
import express, { type Response } from 'express';
import { z } from 'zod';
import { verifyBody } from '../../adapters/http/signing';
import type { ApiDeps } from '../deps';
import { postCallSignal, type PostCallMessage } from '../../workflows/definitions';
import { relayOf } from '../../adapters/callbacks/relay';

const MAX_TURNS = 300;

function problem(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { code, message, details: [] } });
}

/** The fields we read, typed as ElevenLabs sends them (others pass unchecked): a signed body that is not this is a 400, never a crash. */
const PostCallPayload = z.object({
  type: z.string().optional(),
  data: z
    .object({
      conversation_id: z.string().optional(),
      transcript: z.array(z.object({ role: z.string().nullish(), message: z.string().nullish() })).nullish(),
      analysis: z.object({ transcript_summary: z.string().nullish(), call_successful: z.string().nullish() }).nullish(),
      conversation_initiation_client_data: z.object({ dynamic_variables: z.record(z.string(), z.unknown()).nullish() }).nullish(),
    })
    .nullish(),
});
type PostCallPayload = z.infer<typeof PostCallPayload>;

export function toPostCallMessage(p: PostCallPayload): PostCallMessage | undefined {
  const d = p.data;
  if (!d?.conversation_id) return undefined;
  return {
    conversationId: d.conversation_id,
    summary: d.analysis?.transcript_summary?.slice(0, 4000),
    callSuccessful: d.analysis?.call_successful ?? undefined,
    transcript: (d.transcript ?? [])
      .filter((t) => t.message)
      .slice(0, MAX_TURNS)
      .map((t) => ({ role: String(t.role ?? 'unknown'), message: String(t.message).slice(0, 2000) })),
  };
}

export function createElevenLabsWebhookRouter(deps: ApiDeps): express.Router {
  const router = express.Router();

  router.post('/post-call', express.raw({ type: () => true, limit: '5mb' }), async (req, res) => {
    const secret = deps.config.ELEVENLABS_WEBHOOK_SECRET;
    if (!secret) return problem(res, 503, 'not_configured', 'ElevenLabs webhooks need ELEVENLABS_WEBHOOK_SECRET');
    const header = req.get('elevenlabs-signature');
    if (!header) return problem(res, 403, 'forbidden', 'missing ElevenLabs-Signature header');
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const t = Number(/(?:^|,)t=(\d+)/.exec(header)?.[1]);
    if (t * 1000 > Date.now() + 5 * 60_000) return problem(res, 403, 'forbidden', 'ElevenLabs-Signature timestamp is in the future');
    if (!verifyBody(secret, raw, header, { scheme: 'v0', toleranceSeconds: 30 * 60, futureSeconds: 5 * 60 })) {
      deps.logger.warn('rejected an ElevenLabs webhook with a bad or stale signature');
      return problem(res, 403, 'forbidden', 'ElevenLabs-Signature rejected: no v0 signature of this body from the last 30 minutes matches');
    }
    let signed: unknown;
    try {
      signed = JSON.parse(raw);
    } catch {
      return problem(res, 403, 'forbidden', 'ElevenLabs-Signature rejected: the signed body is not JSON');
    }
    const parsed = PostCallPayload.safeParse(signed);
    if (!parsed.success) return problem(res, 400, 'invalid_request', `not a webhook body ElevenLabs sends: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
    const event = parsed.data;
    const v0 = /(?:^|,)v0=([0-9a-f]+)/.exec(header)?.[1] ?? header;
    if (!(await deps.store.replayGuard.firstTime(`elevenlabs:${v0}`))) return problem(res, 403, 'forbidden', 'ElevenLabs-Signature was already used (replay)');

    if (event.type !== 'post_call_transcription') {
      deps.logger.info({ type: event.type }, 'ElevenLabs webhook of a type we do not use');
      return res.status(204).end();
    }
    const callId = event.data?.conversation_initiation_client_data?.dynamic_variables?.call_id;
    const message = toPostCallMessage(event);
    if (typeof callId !== 'string' || !message) {
      deps.logger.warn({ conversationId: event.data?.conversation_id }, 'post-call webhook without call_id: not one of our calls');
      return res.status(204).end();
    }
    await relayOf(deps).accept('elevenlabs', callId, postCallSignal, message);
    res.status(204).end();
  });
  return router;
}
