// The folio's bookkeeping, in one place: timeline events, the search attributes operators filter
// by, and the projection the API reads. Every status change writes all three.
import { log, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { folioDetails } from '../../domain/operator-view';
import type { TimelineEvent } from '../../domain/call-events';
import type { FolioEvent, FolioEventType } from '../../domain/events';
import type { FolioProjectionUpdate } from '../projection';
import { AttemptCountKey, CheckOutDateKey, ClientIdKey, FolioStatusKey, HotelIdKey, NextActionAtKey } from '../search-attributes';
import { projections } from './activities';
import { iso, type Folio } from './state';

export class Bookkeeping {
  /** Per-folio sequence of events and projection writes: the read side never moves backwards. */
  private seq = 0;
  /** Events not yet written; a failed write leaves them for the next. */
  private unsent: FolioEvent[] = [];

  constructor(private readonly folio: Folio) {}

  emit(type: FolioEventType, data?: Record<string, unknown>): void {
    this.seq++;
    const { folioId } = this.folio;
    this.unsent.push({ eventId: `${folioId}:${this.seq}`, folioId, type, seq: this.seq, at: new Date().toISOString(), data });
  }

  emitAll(events: TimelineEvent[]): void {
    for (const e of events) this.emit(e.type, e.data);
  }

  /** What never changes during the chase: the hotel, the client, the check-out date. */
  identify(): void {
    const { req } = this.folio;
    upsertSearchAttributes([
      { key: HotelIdKey, value: req.hotelId },
      { key: ClientIdKey, value: req.clientId },
      { key: CheckOutDateKey, value: new Date(`${req.checkOut}T00:00:00Z`) },
    ]);
  }

  async statusChanged(): Promise<void> {
    const f = this.folio;
    const attempts = f.attempts();
    upsertSearchAttributes([
      { key: FolioStatusKey, value: f.status },
      { key: AttemptCountKey, value: attempts.calls + attempts.emails + attempts.reminders },
      { key: NextActionAtKey, value: f.nextActionAt !== undefined ? new Date(f.nextActionAt) : null },
    ]);
    // the workflow page in the Web UI (no command: replays of older histories are unaffected)
    setCurrentDetails(folioDetails({ status: f.status, nextAction: f.nextAction, nextActionAt: iso(f.nextActionAt), lastOutcome: f.lastOutcome, attention: f.attention }));
    await this.flush();
  }

  /** Writes the full state and every unsent event; a failure is logged and carried by the next write. */
  async flush(): Promise<void> {
    this.seq++;
    const update = projectionOf(this.folio, this.seq, [...this.unsent]);
    try {
      await projections.projectFolio(update);
      // events a signal added while the write was on its way go with the next one
      this.unsent = this.unsent.slice(update.events.length);
    } catch (err) {
      log.warn('projection write failed; it will be carried by the next one', { folioId: update.folioId, seq: update.seq, error: String(err) });
    }
  }
}

function projectionOf(f: Folio, seq: number, events: FolioEvent[]): FolioProjectionUpdate {
  const { req } = f;
  return {
    folioId: f.folioId,
    seq,
    set: {
      status: f.status,
      workflowId: f.workflowId,
      clientId: req.clientId,
      clientReference: req.clientReference,
      hotelId: req.hotelId,
      checkOut: req.checkOut,
      nextActionAt: iso(f.nextActionAt) ?? null,
      nextAction: f.nextAction ?? null,
      attention: f.attention ?? null,
      attempts: f.attempts(),
      reviewReasons: f.reviewReasons ?? null,
      extracted: f.extracted ?? null,
      document: f.document ?? null,
    },
    events,
  };
}
