// Telephony activities of the call workflow: place and steer the Twilio call (after activities/call-admission.ts
// has said it may be placed), keep its recording and analysis, and learn from it (IVR path, answer rates by
// hour). Every one is safe to retry.
import { fromUser, replyToken } from './email';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Config } from '../config';
import { logger as defaultLogger, type Logger } from '../config/logger';
import type { Store } from '../adapters/mongo/store';
import type { CallContext } from '../adapters/mongo/calls';
import { RECORDINGS_BUCKET } from '../adapters/mongo/recordings';
import { DAY_MS } from '../domain/calendar';
import { agreementAfterCall } from '../domain/batching';
import { RecordingRefusedError, TelephonyConfigError, type TwilioTelephony } from '../adapters/telephony/twilio';
import { announceRecording, numberCountry } from '../domain/dialling';
import { createCallAdmission } from './call-admission';
import type { TelephonyActivities } from '../workflows/activity-types';
import type { CallDisposition, CallResult } from '../domain/model';
import { overflowTwiml, voicemailTwiml, webhookUrl } from '../adapters/telephony/twiml';

const PERSON_ANSWERED: CallDisposition[] = ['conversation', 'dropped', 'overflow'];

/** placeCall's failure while every slot under the global cap is held: retried (the wait for a slot). */
export const CALL_CAP_REACHED = 'CallCapReached';
/**
 * Attempts placeCall makes at anything else that may pass (Twilio or the store unreachable). The workflow
 * retries placeCall until its deadline so the wait for a slot can last; other failures end sooner.
 */
export const PLACE_CALL_ATTEMPTS = 6;

export interface TelephonyActivityDeps {
  config: Config;
  store: Store;
  telephony: TwilioTelephony;
  logger?: Logger;
  /** Days a recording is kept (default RECORDING_RETENTION_DAYS): its expiry date, which the retention workflow purges by. */
  recordingRetentionDays?: number;
  /** Seconds the hotel's phone may ring (default 30). */
  ringTimeoutSeconds?: number;
}

export function createTelephonyActivities(deps: TelephonyActivityDeps): TelephonyActivities {
  const { config, store, telephony } = deps;
  const log = deps.logger ?? defaultLogger;
  const retentionDays = deps.recordingRetentionDays ?? config.RECORDING_RETENTION_DAYS;
  const admission = createCallAdmission({ config, store });

  async function context(callId: string): Promise<CallContext> {
    const ctx = await store.calls.context(callId);
    if (!ctx) throw ApplicationFailure.nonRetryable(`call ${callId} has no projection: placeCall did not run`, 'UnknownCall');
    return ctx;
  }

  async function placeOrFail(callId: string, p: Parameters<TwilioTelephony['placeCall']>[0]) {
    try {
      return await telephony.placeCall(p);
    } catch (e) {
      if (e instanceof TelephonyConfigError) {
        // never retried, so never placed: the number is free again at once (other failures keep it for the retry)
        await admission.release(p.to, callId);
        throw ApplicationFailure.nonRetryable(e.message, 'ConfigError');
      }
      throw e;
    }
  }

  async function placeCall(input: Parameters<TelephonyActivities['placeCall']>[0]): Promise<{ callSid: string }> {
    const existing = await store.calls.placement(input.callId);
    if (existing?.callSid) return { callSid: existing.callSid }; // a retry must not place a second call
    if (existing?.status === 'placing' && existing.startedAt) {
      // An earlier attempt got as far as Twilio and may have lost the answer: adopt that call. One
      // hotel is called by one call at a time, so a fresh call to its number from ours is this one.
      const calls = await telephony.recentCallsTo(input.hotel.phone, existing.startedAt);
      // Not one another of our calls (another hotel record with this number) placed and recorded.
      const earlier = (await Promise.all(calls.map(async (c) => ((await store.calls.callIdOfSid(c.callSid)) ? undefined : c)))).find(Boolean);
      if (earlier) {
        await store.calls.update(input.callId, { callSid: earlier.callSid, status: earlier.status });
        log.warn({ callId: input.callId, callSid: earlier.callSid }, 'adopted a call an earlier attempt placed');
        return { callSid: earlier.callSid };
      }
    }
    const base = config.PUBLIC_BASE_URL?.replace(/\/+$/, '');
    if (!base) throw ApplicationFailure.nonRetryable('PUBLIC_BASE_URL is required to place calls (Twilio must reach our webhooks)', 'ConfigError');
    const { refusal, clientIds } = await admission.refusal({ callId: input.callId, phone: input.hotel.phone, hotelId: input.hotel.hotelId, folioIds: input.guests.map((g) => g.folioId) });
    if (refusal) {
      log.warn({ callId: input.callId, hotelId: input.hotel.hotelId, refusal: refusal.type }, refusal.message);
      throw ApplicationFailure.nonRetryable(refusal.message, refusal.type);
    }
    if (!(await admission.takeSlot(input.callId))) {
      await admission.release(input.hotel.phone, input.callId); // the number is not held while we wait
      noteSlotWait();
      throw ApplicationFailure.retryable(`all ${config.MAX_CONCURRENT_CALLS} call slots are held: waiting for one`, CALL_CAP_REACHED);
    }
    // the agent asks the hotel to email the folios to a reply-token address registered as a thread
    const token = input.replyTo ? (/\+([^@]+)@/.exec(input.replyTo)?.[1] ?? replyToken(input.callId, config.MAIL_TOKEN_SECRET)) : replyToken(input.callId, config.MAIL_TOKEN_SECRET);
    const replyTo = input.replyTo ?? `${fromUser(config.MAIL_FROM)}+${token}@${config.MAIL_REPLY_DOMAIN}`;
    await store.emails.registerCallThread({
      callId: input.callId,
      hotelId: input.hotel.hotelId,
      token,
      hotelEmails: input.hotel.emails,
      guests: input.guests.map(({ folioId, workflowId, confirmationNumber, guestName }) => ({ folioId, workflowId, confirmationNumber, guestName })),
      domain: config.MAIL_REPLY_DOMAIN,
    });
    const ctx: CallContext = {
      hotel: input.hotel,
      guests: input.guests,
      replyTo,
      language: input.hotel.language,
      // From the number dialled, not from what the hotel record declares.
      country: numberCountry(input.hotel.phone),
      announceRecording: announceRecording(input.hotel.phone, config.RECORDING_CONSENT_COUNTRIES),
      ivrPath: input.hotel.ivrPath,
      overflowSeconds: input.overflowSeconds,
    };
    await store.calls.beginPlacing(input.callId, { hotelId: input.hotel.hotelId, folioIds: input.guests.map((g) => g.folioId), clientIds, to: input.hotel.phone, context: ctx });
    const u = { base, callId: input.callId };
    const { callSid, status } = await placeOrFail(input.callId, {
      to: input.hotel.phone,
      url: webhookUrl(u, 'voice'),
      statusCallback: webhookUrl(u, 'status'),
      amdCallback: webhookUrl(u, 'amd'),
      recordingCallback: webhookUrl(u, 'recording'),
      ringTimeoutSeconds: deps.ringTimeoutSeconds ?? config.CALL_RING_TIMEOUT_SECONDS,
      timeLimitSeconds: input.overflowSeconds + 120,
    });
    await store.calls.update(input.callId, { callSid, status });
    log.info({ callId: input.callId, callSid, hotelId: input.hotel.hotelId }, 'call placed');
    return { callSid };
  }

  return {
    async placeCall(input) {
      try {
        const placed = await placeCall(input);
        const waited = slotWait();
        return waited === undefined ? placed : { ...placed, slotWaitMs: waited };
      } catch (e) {
        const decided = e instanceof ApplicationFailure && (e.nonRetryable || e.type === CALL_CAP_REACHED);
        if (decided || attempt() < PLACE_CALL_ATTEMPTS) throw e;
        throw ApplicationFailure.nonRetryable(`placing the call failed ${PLACE_CALL_ATTEMPTS} times: ${e instanceof Error ? e.message : String(e)}`, 'PlaceCallFailed');
      }
    },

    async leaveVoicemail({ callId, callSid }) {
      const ctx = await context(callId);
      const live = await telephony.updateCall(callSid, { twiml: voicemailTwiml({ language: ctx.language, replyTo: ctx.replyTo, hotelName: ctx.hotel.name }) });
      if (!live) log.info({ callId, callSid }, 'voicemail not left: the call had already ended');
      else await store.calls.update(callId, { status: 'voicemail' });
    },

    async endCall({ callId, callSid, reason }) {
      let live: boolean;
      if (reason === 'overflow') {
        const ctx = await context(callId);
        // The wrap-up message plays, then the hang-up closes the media stream and with it the agent.
        live = await telephony.updateCall(callSid, { twiml: overflowTwiml({ language: ctx.language, replyTo: ctx.replyTo }) });
      } else {
        live = await telephony.updateCall(callSid, { status: 'completed' });
      }
      log.info({ callId, callSid, reason, live }, live ? 'call ended by us' : 'call was already over');
    },

    async storeRecording({ callId, recordingSid, recordingUrl, durationSeconds }) {
      let stored = await store.recordings.bySid(recordingSid);
      if (!stored) {
        let downloaded;
        try {
          downloaded = await telephony.downloadRecording(recordingUrl, config.RECORDING_MAX_MB * 1024 * 1024);
        } catch (e) {
          if (!(e instanceof RecordingRefusedError)) throw e;
          // Not the vendor's, or too large: nothing is fetched or kept, and the call's outcome stands.
          log.warn({ callId, recordingSid, reason: e.message }, 'recording refused');
          return;
        }
        const { bytes, contentType } = downloaded;
        stored = await store.recordings.save(bytes, { callId, recordingSid, durationSeconds, contentType, expiresAt: new Date(Date.now() + retentionDays * DAY_MS) });
      }
      // kept until expiresAt; the scheduled retention workflow purges it then (activities/retention.ts)
      await store.calls.update(callId, { recording: { fileId: stored.fileId, bucket: RECORDINGS_BUCKET, recordingSid, durationSeconds, size: stored.size, expiresAt: stored.expiresAt } });
    },

    async storeCallAnalysis({ callId, analysis }) {
      await store.calls.update(callId, {
        transcript: { conversationId: analysis.conversationId, summary: analysis.summary ?? null, callSuccessful: analysis.callSuccessful ?? null, turns: analysis.transcript ?? [] },
      });
    },

    async learnIvrPath({ hotelId, path }) {
      if (!/^[0-9*#wW]{1,32}$/.test(path)) throw ApplicationFailure.nonRetryable(`not a DTMF path: ${JSON.stringify(path)}`, 'InvalidIvrPath');
      if (!(await store.hotels.learnIvrPath(hotelId, path))) log.warn({ hotelId }, 'IVR path not learned: no such hotel');
      else log.info({ hotelId, path }, 'IVR path learned');
    },

    async finishCall({ callId, hotelId, result, startedAtHour, endedAt }) {
      // the number and the call's slot are free for the next call (also on a retry: releasing twice changes nothing)
      await admission.release((await store.calls.get(callId))?.to, callId);
      // Marked finished once: a retried activity must not count the attempt twice.
      if (!(await store.calls.finish(callId, hotelId, result))) return;
      await noteCallOnHotel(store, hotelId, result, startedAtHour, endedAt);
    },
  };
}

/**
 * What a finished call teaches about its hotel: one more attempt at that local hour and whether a person answered
 * (when to call), and whether a person agreed to send folios (its next dispatcher then writes for its next folios
 * instead of calling; a person who agreed to nothing ends an earlier agreement; a call nobody answered says nothing).
 */
export async function noteCallOnHotel(store: Pick<Store, 'hotels'>, hotelId: string, result: CallResult, startedAtHour: number | undefined, endedAt?: number): Promise<void> {
  await store.hotels.countCallAttempt(hotelId, startedAtHour, PERSON_ANSWERED.includes(result.disposition), agreementAfterCall(result, endedAt ?? Date.now()));
}

/** When this placement first found every call slot held (carried to its next attempts as heartbeat details). */
function slotWaitSince(): number | undefined {
  try {
    const since = (Context.current().info.heartbeatDetails as { slotWaitSince?: unknown } | undefined)?.slotWaitSince;
    return typeof since === 'number' ? since : undefined;
  } catch {
    return undefined; // outside a worker
  }
}

function noteSlotWait(): void {
  try {
    Context.current().heartbeat({ slotWaitSince: slotWaitSince() ?? Date.now() });
  } catch {
    // outside a worker: nothing carries it
  }
}

/** How long this placement waited for a call slot, if it did. */
function slotWait(): number | undefined {
  const since = slotWaitSince();
  return since === undefined ? undefined : Date.now() - since;
}

/** This activity's attempt (1 outside a worker). */
function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
