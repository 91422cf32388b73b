// What the folio workflow tells the read side at each change (ids and facts; the projection is keyed by
// folio id and ordered by seq, so replays and retries never move it backwards), and the sink that carries
// passing states to the worker's projection writer without an activity.
import type { Sinks } from '@temporalio/workflow';
import type { FolioEvent } from '../domain/events';
import type { FolioProjectionSet } from '../domain/projection';

export interface FolioProjectionUpdate {
  folioId: string;
  seq: number;
  /** The fields of the one projection shape (domain/projection.ts) the workflow owns. */
  set: FolioProjectionSet;
  events: FolioEvent[];
  /** When the state changed in the workflow (ISO): the writer measures its lag from here. Absent from earlier workflows. */
  at?: string;
}

/**
 * Passing states go to the worker's writer after the workflow task that made them (not during replay): no
 * activity, no history event. Not durable by itself: a state a person or client acts on is also written by
 * an activity, which carries every event since the last durable write.
 */
export interface ProjectionSinks extends Sinks {
  projection: {
    write(update: FolioProjectionUpdate): void;
  };
}
