// The folio as the read side knows it: one shape, written by the folio workflow (through the projectFolio
// activity), stored by the folio repository and shown by the API. Times are ISO strings here.
import { FolioStatus, type DocumentRef, type FolioData, type FolioRequest } from './model';

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

/** Statuses in which the folio waits for a person (needs-attention listings include these). */
export const NEEDS_A_PERSON: readonly FolioStatus[] = [FolioStatus.NeedsAttention, FolioStatus.NeedsReview];
