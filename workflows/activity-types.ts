// The activities workflows call, as one contract. The worker type-checks every activity factory
// against these signatures, so a drift between a workflow and its activities fails the build.
import type { FolioEvent } from '../domain/events';
import type { CallResult, DocumentRef, FolioData, HotelSnapshot } from '../domain/model';
import type { LearnedContact } from '../domain/schemas';
import type { PurgeBatchResult, RetentionCategory } from '../domain/retention';
import type { CallInput, DispatchItem, EmailRequestInput, EmailRequestResult, PostCallMessage } from './definitions';
import type { FolioProjectionUpdate } from './projection';

export interface TelephonyActivities {
  /** `slotWaitMs`: how long it waited for a slot under the global call cap (absent when it did not). */
  placeCall(input: CallInput): Promise<{ callSid: string; slotWaitMs?: number }>;
  leaveVoicemail(input: { callId: string; callSid: string }): Promise<void>;
  endCall(input: { callId: string; callSid: string; reason: 'overflow' | 'fax' | 'cancelled' | 'voicemail' }): Promise<void>;
  storeRecording(input: { callId: string; recordingSid: string; recordingUrl: string; durationSeconds: number }): Promise<void>;
  storeCallAnalysis(input: { callId: string; analysis: PostCallMessage }): Promise<void>;
  learnIvrPath(input: { hotelId: string; path: string }): Promise<void>;
  /** `endedAt`: the workflow's time at the call's end (ms), the time of any agreement the call brought. */
  finishCall(input: { callId: string; hotelId: string; result: CallResult; startedAtHour?: number; endedAt?: number }): Promise<void>;
}

export interface EmailActivities {
  sendEmailRequest(input: EmailRequestInput): Promise<EmailRequestResult>;
}

export interface ExtractionActivities {
  /** `guest` picks that guest's folio out of a PDF holding a whole batch. */
  extractFolio(input: { document: DocumentRef; guest?: { firstName: string; lastName: string; additionalNames?: string[] } }): Promise<FolioData>;
}

/** What the client is told while the chase goes on (besides the result): kinds of the signed delivery webhook. */
export type ClientNotificationKind = 'folio.no_such_booking' | 'folio.authorization_required';
export interface ClientNotification {
  folioId: string;
  kind: ClientNotificationKind;
  /** What happened and what we do next, in a sentence. */
  message: string;
  /** What the client can do about it (e.g. upload the signed form). */
  action?: { method: 'POST'; path: string; description: string };
  /** For `folio.authorization_required`: the form as the hotel called it. */
  form?: string;
}

export interface DeliveryActivities {
  /** `flags`: what the folio completed with that the client should notice (e.g. `departure-differs`). With `projection`, writes that (completed) state first, so the client reads what it is told. */
  deliverResult(input: { folioId: string; flags?: string[]; projection?: FolioProjectionUpdate }): Promise<{ delivered: boolean; status?: number }>;
  notifyClient(input: ClientNotification): Promise<{ delivered: boolean; status?: number }>;
}

export interface LifecycleActivities {
  /** Applies a projection change and appends its events (both idempotent, ordered by seq). */
  projectFolio(update: FolioProjectionUpdate): Promise<void>;
  appendEvents(events: FolioEvent[]): Promise<void>;
  loadHotel(input: { hotelId: string }): Promise<HotelSnapshot>;
  /** Signal-with-start of the hotel's dispatch workflow (workflows cannot signal-with-start). */
  enqueueAtHotel(input: { hotelId: string; item: DispatchItem }): Promise<void>;
  withdrawFromHotel(input: { hotelId: string; folioId: string }): Promise<void>;
  /** Keeps an address the hotel gave on a call on the hotel, with where it came from; false when it was known. */
  learnHotelContact(input: { hotelId: string; contact: Omit<LearnedContact, 'learnedAt'> }): Promise<boolean>;
  /** Signal-with-start of the global call-slot workflow. */
  requestCallSlot(input: { leaseId: string; workflowId: string }): Promise<void>;
  releaseCallSlot(input: { leaseId: string }): Promise<void>;
}

export interface RetentionActivities {
  /** Purges up to `limit` items of one category that are past their period and no longer needed; `next` continues the pass. */
  purgeRetained(input: { category: RetentionCategory; limit: number; after?: string }): Promise<PurgeBatchResult>;
}

/** What the folio lifecycle's workflows call. */
export type AllActivities = TelephonyActivities & EmailActivities & ExtractionActivities & DeliveryActivities & LifecycleActivities;
/** Everything the worker process registers: the lifecycle's activities and the scheduled retention's. */
export type WorkerActivities = AllActivities & RetentionActivities;
