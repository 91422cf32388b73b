// What the folio workflow tells the read side at each change (ids and facts; the projection is
// keyed by folio id and ordered by seq, so replays and retries never move it backwards).
import type { FolioEvent } from '../domain/events';
import type { DocumentRef, FolioData, FolioStatus } from '../domain/model';

export interface FolioProjectionUpdate {
  folioId: string;
  seq: number;
  set: {
    status: FolioStatus;
    workflowId: string;
    clientId: string;
    clientReference: string;
    hotelId: string;
    checkOut: string;
    nextActionAt: string | null;
    nextAction: string | null;
    attention: string | null;
    attempts: { calls: number; emails: number; reminders: number; callbacks: number };
    reviewReasons: string[] | null;
    extracted?: FolioData | null;
    document?: DocumentRef | null;
  };
  events: FolioEvent[];
}
