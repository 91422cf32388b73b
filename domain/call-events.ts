// What a call, a batch and a hotel's answer put on a folio's timeline: pure mappings from what the
// dispatcher reports to events of the catalog (domain/events.ts), in the order they happened.
import type { FolioEventType } from './events';
import type { CallDisposition, CallResult, GuestOutcome } from './model';

export interface TimelineEvent {
  type: FolioEventType;
  data?: Record<string, unknown>;
}

/** One call's result as the dispatcher reports it to one folio. */
export interface CallReport {
  callId: string;
  disposition: CallDisposition;
  outcome?: GuestOutcome;
  /** What the call went through (absent from dispatchers of earlier versions). */
  call?: Pick<CallResult, 'callSid' | 'answeredBy' | 'ivrPath' | 'ivrLearned' | 'rang' | 'slotWaitMs' | 'recorded' | 'analysed' | 'voicemailSkipped'>;
}

/** A batch that included the folio started, after waiting for business hours or a call slot perhaps. */
export interface BatchStart {
  kind: string;
  batchId: string;
  deferredUntil?: number;
  slotWaitMs?: number;
}

const DISPOSITION_EVENT: Record<CallDisposition, FolioEventType> = {
  busy: 'CallBusy',
  no_answer: 'CallNoAnswer',
  failed: 'CallFailed',
  canceled: 'CallFailed',
  voicemail: 'VoicemailLeft',
  fax: 'FaxDetected',
  ivr_dead_end: 'IvrDeadEnd',
  dropped: 'CallDropped',
  overflow: 'CallOverflowed',
  conversation: 'CallCompleted',
};

const OUTCOME_EVENT: Record<GuestOutcome['kind'], FolioEventType> = {
  agreed: 'HotelAgreedToEmail',
  callback: 'CallbackRequested',
  written_request_only: 'WrittenRequestRequired',
  no_such_booking: 'NoSuchBooking',
  refused: 'HotelRefused',
  wrong_number: 'WrongNumber',
  authorization_required: 'AuthorizationRequired',
};

/** The event that names how a call ended (a machine left without a message, by the hotel's policy, says so). */
export function dispositionEvent(disposition: CallDisposition, call?: CallReport['call']): FolioEventType {
  if (disposition === 'voicemail' && call?.voicemailSkipped) return 'VoicemailSkipped';
  return DISPOSITION_EVENT[disposition] ?? 'CallCompleted';
}

/** The event type of what the hotel said about a guest. */
export function guestOutcomeEventType(kind: GuestOutcome['kind']): FolioEventType {
  return OUTCOME_EVENT[kind];
}

/**
 * What the hotel said, as a timeline event. A callback has none here: the folio records it
 * (`CallbackRequested`) once it has read the time the hotel gave.
 */
export function guestOutcomeEvents(outcome: GuestOutcome, data: Record<string, unknown>): TimelineEvent[] {
  return outcome.kind === 'callback' ? [] : [{ type: guestOutcomeEventType(outcome.kind), data }];
}

/** The call's course, from the result it reported: recorded when the call has ended. */
export function callCourseEvents({ callId, disposition, outcome, call }: CallReport): TimelineEvent[] {
  if (!call) return []; // reported by a dispatcher of an earlier version
  const events: TimelineEvent[] = [];
  const add = (type: FolioEventType, data: Record<string, unknown>) => events.push({ type, data });
  const machine = disposition === 'voicemail' || !!call.answeredBy?.startsWith('machine');
  const talked = !machine && (disposition === 'conversation' || disposition === 'dropped' || disposition === 'overflow');
  // the call waited for a slot under the global cap as it was placed (dispatchers of earlier versions said so as the batch started)
  if (call.slotWaitMs !== undefined && call.slotWaitMs >= 1000) add('CallSlotWaited', { waitedSeconds: Math.round(call.slotWaitMs / 1000) });
  if (call.callSid) add('CallPlaced', { callId, callSid: call.callSid });
  if (call.rang) add('CallRinging', { callId });
  if (machine) add('CallAnsweredByMachine', { callId, answeredBy: call.answeredBy });
  else if (call.answeredBy || talked || disposition === 'ivr_dead_end') add('CallAnswered', { callId, answeredBy: call.answeredBy });
  if (call.ivrPath) add(call.ivrLearned ? 'IvrPathLearned' : 'IvrPathSent', { callId, digits: call.ivrPath });
  if (talked) add('AgentConnected', { callId });
  if (outcome) add('AgentOutcomeRecorded', { callId, kind: outcome.kind });
  if (call.recorded) add('RecordingStored', { callId });
  if (call.analysed) add('TranscriptStored', { callId });
  return events;
}

/** Everything one call puts on the folio's timeline: its course, how it ended, what the hotel said. */
export function callEvents(report: CallReport): TimelineEvent[] {
  const { callId, disposition, outcome } = report;
  return [
    ...callCourseEvents(report),
    { type: dispositionEvent(disposition, report.call), data: { callId, disposition } },
    ...(outcome ? guestOutcomeEvents(outcome, { callId, via: 'phone' }) : []),
  ];
}

/** What a batch went through before it started, recorded as it starts. */
export function batchStartEvents(m: BatchStart): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  if (m.deferredUntil !== undefined) events.push({ type: 'OutsideBusinessHoursDeferred', data: { openAt: new Date(m.deferredUntil).toISOString() } });
  if (m.slotWaitMs !== undefined && m.slotWaitMs >= 1000) events.push({ type: 'CallSlotWaited', data: { waitedSeconds: Math.round(m.slotWaitMs / 1000) } });
  events.push({ type: 'FolioBatched', data: { batchId: m.batchId, kind: m.kind } });
  return events;
}
