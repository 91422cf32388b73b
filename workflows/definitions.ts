// Signals, updates, queries and workflow types of every workflow: the one place outside events map onto.
// Imported by the Temporal edge (temporal/edge.ts) and the activities as well as by workflows.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CallDisposition, DocumentRef, EmailRequestResult, FolioStatus, GuestOutcome, HotelSnapshot, BatchGuest, CallResult, FolioData, FolioRequest } from '../domain/model';
import type { BatchPolicy, DispatchItem, DispatchKind } from '../domain/batching';
import type { ChasePolicy } from '../domain/chase-policy';
import type { RetentionCategory } from '../domain/retention';

// ---- folio workflow --------------------------------------------------------------------------
export interface CallOutcomeMessage {
  callId: string;
  disposition: CallDisposition;
  outcome?: GuestOutcome;
  /** What the call went through, for the folio's timeline (absent from dispatchers of earlier versions). */
  call?: Pick<CallResult, 'callSid' | 'answeredBy' | 'durationSeconds' | 'ivrPath' | 'ivrLearned' | 'rang' | 'slotWaitMs' | 'recorded' | 'analysed' | 'voicemailSkipped'>;
}
export interface BatchStartedMessage {
  kind: DispatchKind;
  batchId: string;
  /** The batch waited for the hotel to open until this time (ms since epoch). */
  deferredUntil?: number;
  /** The batch waited this long for a call slot under the global cap. */
  slotWaitMs?: number;
}
export interface EmailSentMessage extends EmailRequestResult {
  kind: 'request' | 'reminder';
}
export interface HotelReplyMessage {
  messageId: string;
  outcome: GuestOutcome;
}
export interface OperatorAction {
  by: string;
  note?: string;
}
export interface FolioState {
  folioId: string;
  status: FolioStatus;
  hotelId: string;
  attempts: { calls: number; emails: number; reminders: number; callbacks: number };
  nextActionAt?: string;
  nextAction?: string;
  callbackAt?: string;
  attention?: string;
  reviewReasons?: string[];
  document?: DocumentRef;
  extracted?: FolioData;
  /** What the folio completed with that a reader should notice, e.g. `departure-differs` (accepted by the client's policy). */
  flags?: string[];
  lastOutcome?: string;
  history: { at: string; status: FolioStatus; note?: string }[];
}

export const callOutcomeSignal = defineSignal<[CallOutcomeMessage]>('callOutcome');
export const emailSentSignal = defineSignal<[EmailSentMessage]>('emailSent');
export const documentReceivedSignal = defineSignal<[DocumentRef]>('documentReceived');
export const hotelRepliedSignal = defineSignal<[HotelReplyMessage]>('hotelReplied');
export interface EmailBouncedMessage {
  emailId: string;
  messageId: string;
  address: string;
  reason: string;
}
/** Our email to the hotel bounced (DSN): the address is bad, the folio goes back to the phone. */
export const emailBouncedSignal = defineSignal<[EmailBouncedMessage]>('emailBounced');
export const cancelSignal = defineSignal<[OperatorAction]>('cancel');
export const retryNowSignal = defineSignal<[OperatorAction]>('retryNow');
export const setCallbackUpdate = defineUpdate<{ callbackAt: string }, [OperatorAction & { at?: string; phrase?: string }]>('setCallback');
export const reviewDecisionUpdate = defineUpdate<{ status: FolioStatus }, [OperatorAction & { approve: boolean }]>('reviewDecision');
export const uploadDocumentUpdate = defineUpdate<{ status: FolioStatus }, [OperatorAction & { document: DocumentRef }]>('uploadDocument');
/** The guest's signed form the hotel asked for, uploaded by the client: it goes to the hotel. */
export const uploadAuthorizationUpdate = defineUpdate<{ status: FolioStatus }, [OperatorAction & { document: DocumentRef }]>('uploadAuthorization');
/** The hotel dispatcher started working on a batch that includes this folio. */
export const batchStartedSignal = defineSignal<[BatchStartedMessage]>('batchStarted');
export const folioStateQuery = defineQuery<FolioState>('state');

// ---- hotel dispatch workflow ------------------------------------------------------------------
export type { DispatchItem, DispatchKind };
export interface DispatchState {
  hotelId: string;
  pending: DispatchItem[];
  activeCallId?: string;
  batchesRun: number;
  waitingFor?: string;
}
export const enqueueSignal = defineSignal<[DispatchItem]>('enqueue');
export const withdrawSignal = defineSignal<[{ folioId: string }]>('withdraw');
export const hotelUpdatedSignal = defineSignal<[HotelSnapshot]>('hotelUpdated');
export const callSlotGrantedSignal = defineSignal<[{ leaseId: string }]>('callSlotGranted');
export const dispatchStateQuery = defineQuery<DispatchState>('dispatchState');

// ---- call slots (global cap on concurrent calls) ---------------------------------------------
export const acquireCallSlotSignal = defineSignal<[{ leaseId: string; workflowId: string }]>('acquireCallSlot');
export const releaseCallSlotSignal = defineSignal<[{ leaseId: string }]>('releaseCallSlot');
export const callSlotsStateQuery = defineQuery<{ capacity: number; held: string[]; waiting: string[] }>('callSlotsState');
/** One semaphore per task queue: every worker deployment (and test run) caps its own calls. */
export function callSlotsWorkflowId(taskQueue: string): string {
  return `call-slots:${taskQueue}`;
}

// ---- call workflow (one outbound call for a hotel batch) --------------------------------------
export interface CallInput {
  callId: string;
  hotel: HotelSnapshot;
  guests: BatchGuest[];
  /** Where the hotel should email folios; by default a reply-token address derived from the call id. */
  replyTo?: string;
  overflowSeconds: number;
}
export interface TwilioStatusMessage {
  callSid: string;
  /** queued | initiated | ringing | in-progress | completed | busy | failed | no-answer | canceled */
  status: string;
  answeredBy?: string;
  durationSeconds?: number;
  /** Twilio's SequenceNumber (per call) or the event time in ms: used to drop late or repeated callbacks. */
  sequence: number;
}
export interface IvrStepMessage {
  step: number;
  digits?: string;
  heard?: string;
  reachedPerson?: boolean;
  gaveUp?: boolean;
}
export interface AgentToolMessage {
  /** The tool call id: repeats are applied once. */
  toolCallId: string;
  folioId?: string;
  confirmationNumber?: string;
  outcome: GuestOutcome;
}
export interface RecordingMessage {
  recordingSid: string;
  recordingUrl: string;
  durationSeconds: number;
}
export interface PostCallMessage {
  conversationId: string;
  summary?: string;
  callSuccessful?: string;
  transcript?: { role: string; message: string }[];
  /** The agent's data-collection results (e.g. an email address the hotel gave). */
  dataCollection?: Record<string, unknown>;
}
export const twilioStatusSignal = defineSignal<[TwilioStatusMessage]>('twilioStatus');
export const ivrStepSignal = defineSignal<[IvrStepMessage]>('ivrStep');
export const agentToolSignal = defineSignal<[AgentToolMessage]>('agentTool');
export const conversationEndedSignal = defineSignal<[{ conversationId?: string; reason?: string }]>('conversationEnded');
export const recordingReadySignal = defineSignal<[RecordingMessage]>('recordingReady');
export const postCallSignal = defineSignal<[PostCallMessage]>('postCall');
export const callStateQuery = defineQuery<{ callId: string; callSid?: string; status: string; outcomes: CallResult['outcomes'] }>('callState');

// ---- email request workflow (one written request or reminder for a hotel batch) --------------
export interface EmailRequestInput {
  emailId: string;
  kind: 'request' | 'reminder';
  hotel: HotelSnapshot;
  guests: BatchGuest[];
  threadMessageId?: string;
  /** The hotel agreed on this call to send folios: the request refers to it (call once, email the rest). */
  followsCall?: { callId: string; at: string };
}
export type { EmailRequestResult };

// ---- workflow types: what the outside starts, and with which arguments -----------------------
/** A workflow type as the outside sees it: the name the worker registers it under, a start's arguments, its result. */
export interface WorkflowType<A extends unknown[], R = unknown> {
  readonly name: string;
  /** Never set: carries the argument types to the Temporal edge. */
  readonly args?: A;
  /** Never set: carries the result type to the Temporal edge. */
  readonly result?: R;
}
export const workflowType = <A extends unknown[], R = unknown>(name: string): WorkflowType<A, R> => Object.freeze({ name });

/** How a folio's chase ended. */
export interface FolioResult {
  folioId: string;
  status: FolioStatus;
  reason?: string;
}

export interface FolioStartOptions {
  checkoutGraceHours?: number;
  chasePolicy?: Partial<ChasePolicy>;
  /** The task queue reading documents runs on (a worker of few slots, EXTRACTION_TASK_QUEUE); else the folio's own. */
  extractionTaskQueue?: string;
}
/** What a signal-with-start gives a hotel's dispatcher (continue-as-new carries the rest of its input). */
export interface HotelDispatchStart {
  hotelId: string;
  /** The hotel as configured when the dispatcher is started (else it loads it). */
  hotel?: HotelSnapshot;
  overflowSeconds?: number;
  batchPolicy?: BatchPolicy;
}
export interface CallSlotsStart {
  capacity: number;
}
/** What one retention run did, per category. */
export interface RetentionReport {
  purged: Record<RetentionCategory, number>;
  kept: Record<RetentionCategory, number>;
  /** Categories with more to purge than this run's budget allowed. */
  unfinished: RetentionCategory[];
}

/** What the retention schedule starts its workflow with: how much one run purges at most. */
export interface RetentionStart {
  /** Items per activity call. */
  batchSize: number;
  /** Activity calls per category in one run; what is left waits for the next run. */
  maxBatches: number;
}

export const folioWorkflowType = workflowType<[FolioRequest, FolioStartOptions?], FolioResult>('folioWorkflow');
export const hotelDispatchWorkflowType = workflowType<[HotelDispatchStart], void>('hotelDispatchWorkflow');
export const callSlotsWorkflowType = workflowType<[CallSlotsStart], void>('callSlotsWorkflow');
/** Started as children by the dispatcher; named here for benches and drills that start them alone. */
export const callWorkflowType = workflowType<[CallInput], CallResult>('callWorkflow');
export const emailRequestWorkflowType = workflowType<[EmailRequestInput], EmailRequestResult>('emailRequestWorkflow');
export const retentionWorkflowType = workflowType<[RetentionStart], RetentionReport>('retentionWorkflow');
/** The retention schedule of a task queue, and the id its runs get (one at a time). */
export const retentionScheduleId = (taskQueue: string) => `retention:${taskQueue}`;
export const WORKFLOW_TYPES = {
  folio: folioWorkflowType,
  hotelDispatch: hotelDispatchWorkflowType,
  callSlots: callSlotsWorkflowType,
  call: callWorkflowType,
  emailRequest: emailRequestWorkflowType,
  retention: retentionWorkflowType,
} as const;
