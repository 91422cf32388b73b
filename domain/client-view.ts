// What a client key may see of its own folios and of hotels. Operators see everything; a client sees the
// facts of its own request and nothing that works as a credential elsewhere (Message-IDs, call SIDs, call,
// batch and email ids, operator key ids) or that came from a document not yet checked to be its guest's.
import type { FolioEvent, FolioEventType } from './events';
import { FolioStatus, type Hotel } from './model';

/** Per event type, the data fields a client is shown (anything not listed stays with operators). */
const CLIENT_EVENT_FIELDS: Partial<Record<FolioEventType, readonly string[]>> = {
  FolioRequestAccepted: ['hotelId', 'checkOut', 'priority'],
  CheckoutWaitStarted: ['dueAt'],
  FolioQueuedForEmail: ['kind'],
  FolioBatched: ['kind'],
  OutsideBusinessHoursDeferred: ['openAt'],
  CallSlotWaited: ['waitedSeconds'],
  RetryScheduled: ['at', 'reason'],
  CallAnswered: ['answeredBy'],
  CallAnsweredByMachine: ['answeredBy'],
  CallBusy: ['disposition'],
  CallNoAnswer: ['disposition'],
  CallFailed: ['disposition'],
  CallCompleted: ['disposition'],
  CallDropped: ['disposition'],
  CallOverflowed: ['disposition'],
  AgentOutcomeRecorded: ['kind'],
  HotelAgreedToEmail: ['via'],
  WrittenRequestRequired: ['via'],
  NoSuchBooking: ['via'],
  HotelRefused: ['via'],
  WrongNumber: ['via'],
  CallbackRequested: ['at', 'understood'],
  CallbackMoved: ['at', 'clamped', 'by'],
  DocumentStored: ['source', 'contentType', 'size'],
  ExtractionCompleted: ['extractor'],
  NeedsAttention: ['reason'],
  OperatorRetried: ['by'],
  OperatorUploadedDocument: ['by'],
  ReviewApproved: ['by'],
  ReviewRejected: ['by'],
  HotelContactChanged: ['hotelId'],
  FolioCompleted: ['how'],
  FolioUnobtainable: ['reason'],
  FolioCancelled: ['reason', 'by'],
  ResultDelivered: ['status'],
  DeliveryFailed: ['status', 'error'],
};

/** `operator:ops:3f9a…` → `operator`: who acted, without naming a key. */
const actor = (by: unknown) => (typeof by === 'string' ? by.split(':')[0] : by);

/** A timeline event as a client sees it: its type, order and time, and only the listed data fields. */
export function clientEventView<E extends Pick<FolioEvent, 'type' | 'data'>>(event: E): E {
  const allowed = CLIENT_EVENT_FIELDS[event.type] ?? [];
  const data: Record<string, unknown> = {};
  for (const k of allowed) {
    const v = event.data?.[k];
    if (v !== undefined) data[k] = k === 'by' ? actor(v) : v;
  }
  const { data: _all, ...rest } = event;
  return (Object.keys(data).length ? { ...rest, data } : rest) as E;
}

/**
 * Extracted data and review reasons come from a document; until the folio is completed (checked against the
 * request, or approved by an operator) it may be another guest's, so a client sees neither before then.
 */
export function clientSeesExtraction(status: FolioStatus): boolean {
  return status === FolioStatus.Completed;
}

/** Inline hotels made before they were per client carry ids `h-…` and no owner: their contact data is any client's say. */
export const isUnvettedInlineHotel = (h: Pick<Hotel, 'hotelId' | 'ownerClientId'>) => !h.ownerClientId && h.hotelId.startsWith('h-');

/** Whether a client may see a hotel and name it in a request: the operators' shared hotels and its own inline ones. */
export function hotelVisibleTo(h: Pick<Hotel, 'hotelId' | 'ownerClientId'>, clientId: string): boolean {
  return h.ownerClientId ? h.ownerClientId === clientId : !isUnvettedInlineHotel(h);
}
