// Twilio's webhooks → call-workflow signals, answered with the TwiML the call needs next once the callback
// relay has the signal in Temporal or, when that is slow, written to the callback inbox. Signatures are checked against
// PUBLIC_BASE_URL + path + query, so this works behind a TLS proxy.
import express, { type Request, type Response, type NextFunction } from 'express';
import twilio from 'twilio';
import type { ApiDeps } from '../deps';
import { nextIvrAction, DEFAULT_IVR_MAX_STEPS } from '../../domain/ivr';
import { ivrStepSignal, recordingReadySignal, twilioStatusSignal } from '../../workflows/definitions';
import { answerTwiml, connectTwiml, hangupTwiml, ivrStepTwiml, type CallUrls } from '../../adapters/telephony/twiml';
import { DEFAULT_CONSENT_COUNTRIES } from '../../adapters/telephony/messages';
import { relayOf } from '../../adapters/callbacks/relay';

/** AMD results carry no SequenceNumber; one fixed number above any status sequence makes a retried AMD callback a repeat. */
export const AMD_SEQUENCE = 1_000_000;

/** Twilio's final call statuses. */
const LINE_ENDED = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export interface TwilioWebhookOptions {
  /** ISO countries whose hotels hear a recording announcement first. */
  consentCountries?: readonly string[];
  maxIvrSteps?: number;
}

function problem(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { code, message, details: [] } });
}

export function publicBase(deps: ApiDeps, req: Request): string {
  return (deps.config.PUBLIC_BASE_URL ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');
}

function verifyTwilio(deps: ApiDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = deps.config.TWILIO_AUTH_TOKEN;
    if (!token) return problem(res, 503, 'not_configured', 'Twilio webhooks need TWILIO_AUTH_TOKEN');
    const signature = req.get('x-twilio-signature');
    if (!signature) return problem(res, 403, 'forbidden', 'missing X-Twilio-Signature header');
    const url = publicBase(deps, req) + req.originalUrl;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!twilio.validateRequest(token, signature, url, params)) {
      deps.logger.warn({ path: req.path }, 'rejected a Twilio webhook with a bad signature');
      return problem(res, 403, 'forbidden', 'X-Twilio-Signature does not match this request');
    }
    next();
  };
}

function callIdOf(req: Request, res: Response): string | undefined {
  const callId = req.query.callId;
  if (typeof callId === 'string' && callId.length > 0 && callId.length <= 200) return callId;
  problem(res, 400, 'invalid_request', 'query parameter callId is required');
  return undefined;
}

function sendTwiml(res: Response, xml: string) {
  res.type('text/xml').send(xml);
}

export function createTwilioWebhookRouter(deps: ApiDeps, opts: TwilioWebhookOptions = {}): express.Router {
  const router = express.Router();
  const consent = new Set(opts.consentCountries ?? deps.config.RECORDING_CONSENT_COUNTRIES ?? DEFAULT_CONSENT_COUNTRIES);
  const maxSteps = opts.maxIvrSteps ?? deps.config.IVR_MAX_STEPS ?? DEFAULT_IVR_MAX_STEPS;
  // Parsed and checked inside each route, so a refusal is counted under the route it was sent to.
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const verify = verifyTwilio(deps);
  const signed: express.RequestHandler = (req, res, next) => form(req, res, (err?: unknown) => (err ? next(err) : verify(req, res, next)));

  router.post('/voice', signed, async (req, res) => {
    const callId = callIdOf(req, res);
    if (!callId) return;
    const ctx = await deps.store.calls.context(callId);
    if (!ctx) {
      deps.logger.warn({ callId }, 'voice webhook for an unknown call: hanging up');
      return sendTwiml(res, hangupTwiml());
    }
    // answered: the call's stream nonce is issued now (its one stream must present it)
    const urls: CallUrls = { base: publicBase(deps, req), callId, streamNonce: await deps.store.callStreams.issueNonce(callId) };
    sendTwiml(res, answerTwiml(urls, { language: ctx.language, ivrPath: ctx.ivrPath, announceRecording: ctx.announceRecording ?? (!!ctx.country && consent.has(ctx.country)) }));
  });

  router.post('/status', signed, async (req, res) => {
    const callId = callIdOf(req, res);
    if (!callId) return;
    const b = req.body as Record<string, string | undefined>;
    if (!b.CallSid || !b.CallStatus) return problem(res, 400, 'invalid_request', 'CallSid and CallStatus are required');
    // SequenceNumber orders callbacks within a call; older formats only carry a Timestamp.
    const sequence = b.SequenceNumber !== undefined ? Number(b.SequenceNumber) : Date.parse(b.Timestamp ?? '');
    if (!Number.isFinite(sequence)) return problem(res, 400, 'invalid_request', 'SequenceNumber or Timestamp is required');
    const duration = b.CallDuration ?? b.Duration;
    await Promise.all([
      relayOf(deps).accept('twilio', callId, twilioStatusSignal, {
        callSid: b.CallSid,
        status: b.CallStatus,
        answeredBy: b.AnsweredBy || undefined,
        durationSeconds: duration !== undefined && duration !== '' ? Number(duration) : undefined,
        sequence,
      }),
      // the line is free: no stream is taken after this, and the call's slot under the global cap goes to the next call
      ...(LINE_ENDED.has(b.CallStatus) ? [deps.store.callStreams.markEnded(callId), deps.store.callSlots.release(callId)] : []),
    ]);
    res.status(204).end();
  });

  router.post('/amd', signed, async (req, res) => {
    const callId = callIdOf(req, res);
    if (!callId) return;
    const b = req.body as Record<string, string | undefined>;
    if (!b.CallSid || !b.AnsweredBy) return problem(res, 400, 'invalid_request', 'CallSid and AnsweredBy are required');
    await relayOf(deps).accept('twilio', callId, twilioStatusSignal, { callSid: b.CallSid, status: 'in-progress', answeredBy: b.AnsweredBy, sequence: AMD_SEQUENCE });
    res.status(204).end();
  });

  router.post('/ivr', signed, async (req, res) => {
    const callId = callIdOf(req, res);
    if (!callId) return;
    const step = Number(req.query.step);
    const path = typeof req.query.path === 'string' ? req.query.path : '';
    if (!Number.isInteger(step) || step < 1 || step > 20 || !/^[0-9*#wW]{0,32}$/.test(path)) {
      return problem(res, 400, 'invalid_request', 'query parameters step (1-20) and path (DTMF) are invalid');
    }
    const ctx = await deps.store.calls.context(callId);
    if (!ctx) return sendTwiml(res, hangupTwiml());
    const b = req.body as Record<string, string | undefined>;
    const heard = (b.SpeechResult ?? '').slice(0, 2000);
    const urls: CallUrls = { base: publicBase(deps, req), callId, streamNonce: await deps.store.callStreams.issueNonce(callId) };
    const action = nextIvrAction({ step, heard, language: ctx.language, path, maxSteps: maxSteps });
    const tell = (more: { digits?: string; reachedPerson?: boolean; gaveUp?: boolean }) => relayOf(deps).accept('twilio', callId, ivrStepSignal, { step, heard, ...more });
    switch (action.kind) {
      case 'press':
        await tell({ digits: action.digit });
        return sendTwiml(res, ivrStepTwiml(urls, { language: ctx.language, press: action.digit, step: step + 1, path: action.path }));
      case 'connect':
        await tell({ reachedPerson: true });
        return sendTwiml(res, connectTwiml(urls));
      case 'listen':
        await tell({});
        return sendTwiml(res, ivrStepTwiml(urls, { language: ctx.language, step: step + 1, path }));
      case 'give_up':
        await tell({ gaveUp: true });
        // The workflow ends the call (ivr_dead_end); hold the line meanwhile so a hang-up of ours can't race it.
        return sendTwiml(res, holdThenHangup());
    }
  });

  router.post('/recording', signed, async (req, res) => {
    const callId = callIdOf(req, res);
    if (!callId) return;
    const b = req.body as Record<string, string | undefined>;
    if (!b.RecordingSid || !b.RecordingUrl) return problem(res, 400, 'invalid_request', 'RecordingSid and RecordingUrl are required');
    if (b.RecordingStatus && b.RecordingStatus !== 'completed') {
      deps.logger.warn({ callId, recordingSid: b.RecordingSid, status: b.RecordingStatus }, 'recording not completed');
      return res.status(204).end();
    }
    await relayOf(deps).accept('twilio', callId, recordingReadySignal, {
      recordingSid: b.RecordingSid,
      recordingUrl: b.RecordingUrl,
      durationSeconds: Number(b.RecordingDuration ?? 0) || 0,
    });
    res.status(204).end();
  });

  return router;
}

function holdThenHangup(): string {
  const r = new twilio.twiml.VoiceResponse();
  r.pause({ length: 30 });
  r.hangup();
  return r.toString();
}
