// What the folio workflow tells the read side at each change (ids and facts; the projection is
// keyed by folio id and ordered by seq, so replays and retries never move it backwards).
import type { FolioEvent } from '../domain/events';
import type { FolioProjectionSet } from '../domain/projection';

export interface FolioProjectionUpdate {
  folioId: string;
  seq: number;
  /** The fields of the one projection shape (domain/projection.ts) the workflow owns. */
  set: FolioProjectionSet;
  events: FolioEvent[];
}
