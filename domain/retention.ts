// Retention: what is purged, after how long, and when something old is still needed. Pure rules; the purge
// itself runs as activities (activities/retention.ts) of the scheduled retention workflow.
import { DAY_MS } from './calendar';
import { TERMINAL_STATUSES, type FolioStatus } from './model';

/**
 * Every category the retention workflow purges, in the order it runs them: what holds documents (inbox records,
 * unmatched messages) before the documents, so a document they alone held goes in the same run.
 */
export const RETENTION_CATEGORIES = ['callContext', 'transcripts', 'recordings', 'inboxMessages', 'unmatchedMessages', 'deadLetters', 'callbackDeliveries', 'folioEvents', 'documents'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/** Days each category is kept. */
export type RetentionPeriods = Record<RetentionCategory, number>;

/** Where a purge pass stopped: the id to continue after, when there may be more. */
export interface PurgeBatchResult {
  category: RetentionCategory;
  purged: number;
  /** Looked at, old enough, and kept because it is still needed. */
  kept: number;
  next?: string;
}

/** The instant before which a category's items are past their period. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

export interface FolioLifecycle {
  status: FolioStatus;
  updatedAt: Date;
}

/**
 * Whether what belongs to a folio must stay: while the folio is chased, waits for a person (review, attention)
 * or has ended less than the period ago (a client downloads its completed document during that time).
 * A folio with no record (never projected) holds nothing back.
 */
export function folioStillNeeded(folio: FolioLifecycle | undefined, cutoff: Date): boolean {
  if (!folio) return false;
  if (!TERMINAL_STATUSES.includes(folio.status)) return true;
  return new Date(folio.updatedAt).getTime() >= cutoff.getTime();
}
