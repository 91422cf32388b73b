// One outbound call to a hotel for a batch of guests: place it, follow Twilio's callbacks, let the
// voice agent collect an outcome per guest, wrap up at the overflow limit, and report per guest.
import {
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { localHour } from '../domain/business-hours';
import { MINUTE_MS } from '../domain/calendar';
import type { CallDisposition, CallResult, GuestOutcome } from '../domain/model';
import type { TelephonyActivities } from './activity-types';
import {
  agentToolSignal,
  callStateQuery,
  conversationEndedSignal,
  ivrStepSignal,
  postCallSignal,
  recordingReadySignal,
  twilioStatusSignal,
  type CallInput,
  type PostCallMessage,
  type RecordingMessage,
  type TwilioStatusMessage,
} from './definitions';

const telephony = proxyActivities<TelephonyActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 6 },
});
/**
 * placeCall takes a slot under the global call cap before it dials and fails retryably while every slot is
 * held: its retries are the wait for a slot, until this deadline (the activity gives up sooner on anything else).
 */
const placing = proxyActivities<TelephonyActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** How long a call may take to be answered (ring timeout plus Twilio's set-up) before we give up on callbacks. */
const ANSWER_WAIT_MS = 3 * MINUTE_MS;
/** After the conversation or a wrap-up, how long to wait for Twilio's final status. */
const HANGUP_WAIT_MS = MINUTE_MS;
/** After the call, how long to wait for the recording callback and the agent's post-call analysis. */
const RECORDING_WAIT_MS = 30_000;
const ANALYSIS_WAIT_MS = 10_000;
/** A conversation that ends this close to the overflow limit with guests uncovered was cut short by it. */
const NEAR_LIMIT_MS = 30_000;

const STATUS_RANK: Record<string, number> = { queued: 0, initiated: 1, ringing: 2, 'in-progress': 3, answered: 3 };
const TERMINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

export async function callWorkflow(input: CallInput): Promise<CallResult> {
  const { callId, hotel, guests } = input;
  let callSid: string | undefined;
  let status = 'placing';
  let rank = -1;
  let ringing = false;
  let answeredBy: string | undefined;
  let answeredAt: number | undefined;
  let durationSeconds = 0;
  const seenSequences = new Set<number>();
  const outcomes: Record<string, GuestOutcome> = {};
  const toolCalls = new Set<string>();
  const ivrDigits: string[] = [];
  let reachedPerson = false;
  let ivrGaveUp = false;
  let conversationEnded = false;
  const recordings: RecordingMessage[] = [];
  let analysis: PostCallMessage | undefined;

  const terminal = () => TERMINAL.has(status);
  const isMachine = () => !!answeredBy && (answeredBy.startsWith('machine') || answeredBy === 'fax');
  const allCovered = () => guests.every((g) => outcomes[g.folioId]);

  // Callbacks that arrive before placeCall has returned the call's sid wait for it; a callback for any
  // other call (a misrouted or replayed one, even validly signed) never changes this call.
  const early: TwilioStatusMessage[] = [];
  const applyStatus = (m: TwilioStatusMessage) => {
    if (seenSequences.has(m.sequence)) return; // Twilio retried this callback
    seenSequences.add(m.sequence);
    if (m.answeredBy && !answeredBy) answeredBy = m.answeredBy;
    if (m.durationSeconds !== undefined) durationSeconds = Math.max(durationSeconds, m.durationSeconds);
    if (terminal()) return; // a late ringing or answered after the end changes nothing
    const next = TERMINAL.has(m.status) ? 9 : (STATUS_RANK[m.status] ?? -1);
    if (next < rank) return;
    rank = next;
    status = m.status === 'answered' ? 'in-progress' : m.status;
    if (status === 'ringing') ringing = true;
    if (status === 'in-progress' && answeredAt === undefined) answeredAt = Date.now();
  };
  setHandler(twilioStatusSignal, (m) => {
    if (!callSid) early.push(m);
    else if (m.callSid === callSid) applyStatus(m);
  });
  setHandler(ivrStepSignal, (m) => {
    if (m.digits) ivrDigits[m.step] = m.digits;
    if (m.reachedPerson) reachedPerson = true;
    if (m.gaveUp) ivrGaveUp = true;
  });
  setHandler(agentToolSignal, (m) => {
    if (toolCalls.has(m.toolCallId)) return;
    toolCalls.add(m.toolCallId);
    const guest = guests.find((g) => g.folioId === m.folioId || (!!m.confirmationNumber && sameRef(g.confirmationNumber, m.confirmationNumber)));
    if (guest) outcomes[guest.folioId] = m.outcome;
    else if (m.outcome.kind === 'wrong_number') for (const g of guests) outcomes[g.folioId] ??= m.outcome;
  });
  setHandler(conversationEndedSignal, () => {
    conversationEnded = true;
  });
  setHandler(recordingReadySignal, (m) => {
    if (!recordings.some((r) => r.recordingSid === m.recordingSid)) recordings.push(m);
  });
  setHandler(postCallSignal, (m) => {
    analysis = m;
  });
  setHandler(callStateQuery, () => ({ callId, callSid, status, outcomes }));

  const startedAt = Date.now();
  let disposition: CallDisposition | undefined;
  let slotWaitMs: number | undefined;
  try {
    ({ callSid, slotWaitMs } = await placing.placeCall(input));
    const sid = callSid;
    for (const m of early.splice(0)) if (m.callSid === sid) applyStatus(m);

    // Ringing: wait for an answer or an end (busy, no-answer, failed…).
    const answeredOrEnded = await condition(() => status === 'in-progress' || terminal(), ANSWER_WAIT_MS);
    if (!answeredOrEnded) {
      await telephony.endCall({ callId, callSid: sid, reason: 'cancelled' });
      disposition = 'failed';
    } else if (!terminal()) {
      // Answered: a person, a machine (asynchronous AMD may say so a few seconds later) or an IVR.
      const overflowAt = (answeredAt ?? Date.now()) + input.overflowSeconds * 1000;
      await condition(() => terminal() || isMachine() || ivrGaveUp || allCovered() || conversationEnded, Math.max(0, overflowAt - Date.now()));
      // the agent wound down near the limit with guests uncovered: the rest goes by email
      const wrappedUpAtLimit = conversationEnded && !allCovered() && overflowAt - Date.now() < NEAR_LIMIT_MS;
      if (terminal()) {
        // the hotel hung up, or the call ended by itself; right after the agent wrapped up at the limit it is
        // still an overflow, whichever of the two ends was heard first
        if (wrappedUpAtLimit) disposition = 'overflow';
      } else if (answeredBy === 'fax') {
        disposition = 'fax';
        await telephony.endCall({ callId, callSid: sid, reason: 'fax' });
      } else if (isMachine()) {
        disposition = 'voicemail';
        // a hotel that never acts on voicemail is not left one: the line is simply ended (no message minutes)
        if (input.hotel.voicemail === 'hang-up') await telephony.endCall({ callId, callSid: sid, reason: 'voicemail' });
        else await telephony.leaveVoicemail({ callId, callSid: sid });
      } else if (ivrGaveUp) {
        disposition = 'ivr_dead_end';
        await telephony.endCall({ callId, callSid: sid, reason: 'cancelled' });
      } else if (!allCovered() && !conversationEnded) {
        disposition = 'overflow';
        await telephony.endCall({ callId, callSid: sid, reason: 'overflow' });
      } else if (wrappedUpAtLimit) {
        disposition = 'overflow';
      }
      if (!(await condition(terminal, HANGUP_WAIT_MS))) {
        await telephony.endCall({ callId, callSid: sid, reason: 'cancelled' });
      }
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The batch was withdrawn (e.g. every folio cancelled): hang up, report, and end as cancelled.
    if (callSid) await CancellationScope.nonCancellable(() => telephony.endCall({ callId, callSid: callSid!, reason: 'cancelled' }));
    throw err;
  }

  disposition ??= dispositionFromStatus(status, { isMachine: isMachine(), answeredBy, allCovered: allCovered() });

  // Keep what the call left behind: the recording and the agent's post-call analysis.
  if (answeredAt !== undefined) {
    await condition(() => recordings.length > 0, RECORDING_WAIT_MS);
    for (const r of recordings) await telephony.storeRecording({ callId, ...r });
    if (conversationEnded || Object.keys(outcomes).length > 0) await condition(() => analysis !== undefined, ANALYSIS_WAIT_MS);
    if (analysis) await telephony.storeCallAnalysis({ callId, analysis });
  }

  const ivrPath = ivrDigits.filter(Boolean).join('w');
  const ivrLearned = !hotel.ivrPath && !!ivrPath && reachedPerson;
  if (ivrLearned) await telephony.learnIvrPath({ hotelId: hotel.hotelId, path: ivrPath });

  const result: CallResult = {
    callId,
    callSid,
    disposition,
    answeredBy,
    durationSeconds: durationSeconds || Math.round((Date.now() - (answeredAt ?? startedAt)) / 1000),
    ivrPath: ivrPath || hotel.ivrPath,
    ivrLearned,
    // Twilio is not asked for its ringing status (no decision waits for it): an answered or unanswered call rang,
    // a busy or failed line did not
    ...(disposition === 'voicemail' && hotel.voicemail === 'hang-up' && { voicemailSkipped: true }),
    rang: ringing || answeredAt !== undefined || status === 'no-answer',
    slotWaitMs,
    recorded: recordings.length > 0,
    analysed: analysis !== undefined,
    outcomes,
  };
  await telephony.finishCall({ callId, hotelId: hotel.hotelId, result, startedAtHour: localHour(hotel.timeZone, startedAt), endedAt: Date.now() });
  return result;
}

function dispositionFromStatus(
  status: string,
  s: { isMachine: boolean; answeredBy?: string; allCovered: boolean },
): CallDisposition {
  switch (status) {
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no_answer';
    case 'canceled':
      return 'canceled';
    case 'failed':
      return 'failed';
    default:
      if (s.answeredBy === 'fax') return 'fax';
      if (s.isMachine) return 'voicemail';
      // answered by a person: either every guest was covered, or the line dropped before that
      return s.allCovered ? 'conversation' : 'dropped';
  }
}

function sameRef(a: string, b: string): boolean {
  const norm = (x: string) => x.replace(/[^0-9a-z]/gi, '').toUpperCase();
  return norm(a) === norm(b);
}
