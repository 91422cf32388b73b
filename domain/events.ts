// The domain-event catalog: every state change and outside event a folio lifecycle knows.
// Temporal history is the source of truth; these events are appended (idempotently, by id) to the
// MongoDB `events` collection for timelines and audit. docs/events.md describes each one.

export const FOLIO_EVENT_TYPES = [
  // request
  'FolioRequestAccepted',
  'CheckoutWaitStarted',
  'FolioDue',
  // scheduling and batching
  'FolioQueuedForCall',
  'FolioQueuedForEmail',
  'FolioBatched',
  'OutsideBusinessHoursDeferred',
  'CallSlotWaited',
  // calls
  'CallPlaced',
  'CallRinging',
  'CallAnswered',
  'CallAnsweredByMachine',
  'VoicemailLeft',
  'VoicemailSkipped',
  'CallBusy',
  'CallNoAnswer',
  'CallFailed',
  'CallDropped',
  'CallCompleted',
  'CallOverflowed',
  'FaxDetected',
  'IvrPathSent',
  'IvrPathLearned',
  'IvrDeadEnd',
  'AgentConnected',
  'AgentOutcomeRecorded',
  'HotelAgreedToEmail',
  'WrittenRequestRequired',
  'NoSuchBooking',
  'HotelRefused',
  'WrongNumber',
  'AuthorizationRequired',
  'RecordingStored',
  'TranscriptStored',
  'RetryScheduled',
  // callbacks
  'CallbackRequested',
  'CallbackMoved',
  'CallbackDue',
  // email
  'EmailRequestSent',
  'EmailReminderSent',
  'EmailRejected',
  'EmailNotSent',
  'EmailBounced',
  'EmailReceived',
  // closing the loop
  'FolioReasked',
  'DepartureMismatchAccepted',
  'ChannelSwitched',
  'CallReplacedByEmail',
  'HotelContactLearned',
  'ClientNotified',
  'ClientNotificationFailed',
  'AuthorizationReceived',
  'AuthorizationSentToHotel',
  // documents
  'DocumentStored',
  'ExtractionCompleted',
  'ExtractionFailed',
  'ValidationPassed',
  'ValidationFailed',
  // people
  'ReviewRequested',
  'ReviewApproved',
  'ReviewRejected',
  'NeedsAttention',
  'SlaBreached',
  'OperatorRetried',
  'OperatorUploadedDocument',
  'HotelContactChanged',
  // endings and delivery
  'FolioCompleted',
  'FolioUnobtainable',
  'FolioCancelled',
  'ResultDelivered',
  'DeliveryFailed',
] as const;

export type FolioEventType = (typeof FOLIO_EVENT_TYPES)[number];

export interface FolioEvent {
  /** Unique and stable across retries: `${folioId}:${seq}` for lifecycle events, a vendor id otherwise. */
  eventId: string;
  folioId: string;
  type: FolioEventType;
  /** Per-folio sequence number: projections never move backwards. */
  seq: number;
  at: string;
  /** Ids and facts only: no guest names, phone numbers or document contents. */
  data?: Record<string, unknown>;
}
