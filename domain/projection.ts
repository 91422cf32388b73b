// The folio as the read side knows it: one shape, written by the folio workflow (passing states through the
// worker's projection sink, states a person or client acts on by an activity), stored by the folio repository
// and shown by the API. Times are ISO strings here.
import { FolioStatus, TERMINAL_STATUSES, type DocumentRef, type FolioData, type FolioRequest } from './model';

export interface FolioAttempts {
  calls: number;
  emails: number;
  reminders: number;
  callbacks: number;
}

export interface FolioProjection {
  folioId: string;
  workflowId: string;
  clientId: string;
  clientReference: string;
  hotelId: string;
  status: FolioStatus;
  /** YYYY-MM-DD, the hotel's date. */
  checkOut: string;
  nextAction: string | null;
  nextActionAt: string | null;
  /** Why a person must act, while one must. */
  attention: string | null;
  /** Null until the workflow's first write. */
  attempts: FolioAttempts | null;
  reviewReasons: string[] | null;
  document: DocumentRef | null;
  extracted: FolioData | null;
  /** The request as accepted (null for folios written before it was kept). */
  request: FolioRequest | null;
  /** Per-folio sequence of the last write: 0 until the workflow's first. */
  seq: number;
  createdAt: string;
  updatedAt: string;
}

/** What the workflow sets at each change: the fields it owns (the document and extraction only once known). */
export type FolioProjectionSet = Pick<FolioProjection, 'status' | 'workflowId' | 'clientId' | 'clientReference' | 'hotelId' | 'checkOut' | 'nextActionAt' | 'nextAction' | 'attention' | 'reviewReasons'> & {
  attempts: FolioAttempts;
} & Partial<Pick<FolioProjection, 'extracted' | 'document'>>;

/** A folio as listings show it: without the request, the document and what was read from it (one folio's page has those). */
export type FolioListItem = Omit<FolioProjection, 'request' | 'document' | 'extracted'>;

/** Statuses in which the folio waits for a person (needs-attention listings include these). */
export const NEEDS_A_PERSON: readonly FolioStatus[] = [FolioStatus.NeedsAttention, FolioStatus.NeedsReview];

/** Whether a person must act: a status that waits for one, or an attention note the workflow set (an SLA breach, say). */
export function needsAPerson(status: FolioStatus, attention: string | null | undefined): boolean {
  return NEEDS_A_PERSON.includes(status) || typeof attention === 'string';
}

/** The `FolioStatus` search attribute of a folio being chased (or waiting for its check-out): one value for all of it. */
export const OPEN = 'Open';

/**
 * What Temporal's visibility holds as `FolioStatus`: a status a person acts on (waiting for one, or ended) by its
 * name, every other as `Open`. It changes only when this value does; the status itself is in the projection.
 */
export function searchStatus(status: FolioStatus): string {
  return NEEDS_A_PERSON.includes(status) || TERMINAL_STATUSES.includes(status) ? status : OPEN;
}
