// The folio's bookkeeping, in one place: timeline events, the search attributes operators filter by, and
// the projection the API reads. A passing state goes to the worker's projection sink (no activity, no
// history event); a state a person or client acts on (waiting for a person, ended) is written by an activity
// retried until it succeeds, carrying every event since the last such write. `FolioStatus` changes only when
// its coarse value does (domain/projection.ts `searchStatus`). Histories from before this (no patch marker)
// keep the earlier bookkeeping: an upsert and a projection activity at every status change.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { log, patched, proxyActivities, proxySinks, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { folioDetails } from '../../domain/operator-view';
import type { TimelineEvent } from '../../domain/call-events';
import type { FolioEvent, FolioEventType } from '../../domain/events';
import { FolioStatus, type DocumentRef, type FolioData, type FolioRequest } from '../../domain/model';
import { OPEN, searchStatus } from '../../domain/projection';
import type { LifecycleActivities } from '../activity-types';
import type { FolioState } from '../definitions';
import type { FolioProjectionUpdate, ProjectionSinks } from '../projection';
import type { FolioProjectionSet } from '../../domain/projection';
import { AttemptCountKey, CheckOutDateKey, ClientIdKey, FolioStatusKey, HotelIdKey, NextActionAtKey } from '../search-attributes';
import { projections } from './activities';
import { iso } from '../../domain/calendar';

/**
 * What the bookkeeping reads of the folio it keeps the books of: the folio (state.ts) satisfies it, so the
 * folio may own its bookkeeping without the two importing each other.
 */
export interface Booked {
  readonly folioId: string;
  readonly workflowId: string;
  readonly req: Pick<FolioRequest, 'hotelId' | 'clientId' | 'clientReference' | 'checkOut'>;
  readonly status: FolioStatus;
  readonly nextAction?: string;
  readonly nextActionAt?: number;
  readonly lastOutcome?: string;
  readonly attention?: string;
  readonly reviewReasons?: string[];
  readonly extracted?: FolioData;
  readonly document?: DocumentRef;
  attempts(): FolioState['attempts'];
}

/** The patch of every change of the lean lifecycle in the folio workflow (one marker, asked once at the start). */
export const LEAN_LIFECYCLE = 'lean-lifecycle';

/** Durable writes are retried until the store takes them. */
const durable = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { projection } = proxySinks<ProjectionSinks>();

export class Bookkeeping {
  /** Whether this run keeps the lean bookkeeping (false when replaying a history from before it). */
  readonly lean: boolean;
  /** Per-folio sequence of events and projection writes: the read side never moves backwards. */
  private seq = 0;
  /** Events not yet written durably (lean) or at all (earlier runs); a failed write leaves them for the next. */
  private unsent: FolioEvent[] = [];
  /** Of `unsent`, how many the sink has been given already (lean). */
  private handedOver = 0;
  /** The `FolioStatus` search attribute as set. */
  private shownStatus?: string;
  /** The document and extraction as last sent (they go again only when they change). */
  private sentDetails = JSON.stringify({ extracted: null, document: null });
  /** A terminal state waits for its durable write (which the delivery activity makes). */
  private owed = false;

  constructor(private readonly folio: Booked) {
    this.lean = patched(LEAN_LIFECYCLE);
    if (this.lean) this.shownStatus = workflowInfo().typedSearchAttributes.get(FolioStatusKey);
  }

  emit(type: FolioEventType, data?: Record<string, unknown>): void {
    this.seq++;
    const { folioId } = this.folio;
    this.unsent.push({ eventId: `${folioId}:${this.seq}`, folioId, type, seq: this.seq, at: new Date().toISOString(), data });
  }

  emitAll(events: TimelineEvent[]): void {
    for (const e of events) this.emit(e.type, e.data);
  }

  /** What never changes during the chase: the hotel, the client, the check-out date (unless the start set them). */
  identify(): void {
    const { req } = this.folio;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: HotelIdKey, value: req.hotelId },
      { key: ClientIdKey, value: req.clientId },
      { key: CheckOutDateKey, value: new Date(`${req.checkOut}T00:00:00Z`) },
    ];
    if (!this.lean) return upsertSearchAttributes(pairs);
    const given = workflowInfo().typedSearchAttributes;
    const missing = pairs.filter((p) => given.get(p.key) === undefined);
    if (this.shownStatus === undefined) {
      missing.push({ key: FolioStatusKey, value: OPEN });
      this.shownStatus = OPEN;
    }
    if (missing.length) upsertSearchAttributes(missing);
  }

  async statusChanged(): Promise<void> {
    if (!this.lean) return this.statusChangedBefore();
    const f = this.folio;
    const shown = searchStatus(f.status);
    if (shown !== this.shownStatus) {
      this.shownStatus = shown;
      upsertSearchAttributes(this.attributes(shown));
    }
    this.showDetails();
    if (shown === OPEN) return this.toSink();
    if (f.status === FolioStatus.Completed) {
      // the client is told by the delivery, which writes this state durably before it tells (deliverWith)
      this.owed = true;
      return this.toSink();
    }
    // a person acts on this state, or the chase ended without a folio: written durably
    await this.writeDurably();
  }

  /**
   * Runs the delivery of a completed folio with the durable write of its state, which the delivery makes before
   * it tells the client (so what the client then reads is what it was told). Earlier runs wrote it already.
   */
  async deliverWith<T>(deliver: (projection?: FolioProjectionUpdate) => Promise<T>): Promise<T> {
    if (!this.lean || !this.owed) return deliver();
    this.seq++;
    const update = this.update(this.unsent.slice(), true);
    const result = await deliver(update);
    this.written(update);
    return result;
  }

  /** Writes the full state and every unsent event: durably when a durable write is owed, else through the sink. */
  async flush(): Promise<void> {
    if (!this.lean) return this.flushBefore();
    if (this.owed) return this.writeDurably();
    this.toSink();
  }

  /** The workflow page in the Web UI (no command: replays of older histories are unaffected). */
  private showDetails(): void {
    const f = this.folio;
    setCurrentDetails(folioDetails({ status: f.status, nextAction: f.nextAction, nextActionAt: iso(f.nextActionAt), lastOutcome: f.lastOutcome, attention: f.attention }));
  }

  private attributes(shown: string): SearchAttributeUpdatePair[] {
    const f = this.folio;
    const a = f.attempts();
    return [
      { key: FolioStatusKey, value: shown },
      { key: AttemptCountKey, value: a.calls + a.emails + a.reminders },
      { key: NextActionAtKey, value: f.nextActionAt !== undefined ? new Date(f.nextActionAt) : null },
    ];
  }

  private toSink(): void {
    this.seq++;
    const update = this.update(this.unsent.slice(this.handedOver), false);
    this.handedOver = this.unsent.length;
    projection.write(update);
  }

  private async writeDurably(): Promise<void> {
    this.seq++;
    const update = this.update(this.unsent.slice(), true);
    await durable.projectFolio(update);
    this.written(update);
  }

  /** What a durable write carried is written; events emitted meanwhile wait for the next write. */
  private written(update: FolioProjectionUpdate): void {
    this.owed = false;
    const done = new Set(update.events.map((e) => e.eventId));
    this.unsent = this.unsent.filter((e) => !done.has(e.eventId));
    this.handedOver = 0;
  }

  private update(events: FolioEvent[], withDetails: boolean): FolioProjectionUpdate {
    const f = this.folio;
    const details = { extracted: f.extracted ?? null, document: f.document ?? null };
    const changed = JSON.stringify(details) !== this.sentDetails;
    if (changed) this.sentDetails = JSON.stringify(details);
    // details go when they change, and with every durable write once there are any
    const include = changed || (withDetails && (details.extracted !== null || details.document !== null));
    return {
      folioId: f.folioId,
      seq: this.seq,
      at: new Date().toISOString(),
      set: { ...stateOf(f), ...(include ? details : {}) },
      events,
    };
  }

  // ---- histories from before the lean lifecycle ---------------------------------------------------

  private async statusChangedBefore(): Promise<void> {
    upsertSearchAttributes(this.attributes(this.folio.status));
    this.showDetails();
    await this.flushBefore();
  }

  private async flushBefore(): Promise<void> {
    this.seq++;
    const update = projectionBefore(this.folio, this.seq, [...this.unsent]);
    try {
      await projections.projectFolio(update);
      // events a signal added while the write was on its way go with the next one
      this.unsent = this.unsent.slice(update.events.length);
    } catch (err) {
      log.warn('projection write failed; it will be carried by the next one', { folioId: update.folioId, seq: update.seq, error: String(err) });
    }
  }
}

function projectionBefore(f: Booked, seq: number, events: FolioEvent[]): FolioProjectionUpdate {
  return { folioId: f.folioId, seq, set: { ...stateOf(f), extracted: f.extracted ?? null, document: f.document ?? null }, events };
}

/** The folio's fields of the projection, without the document and the extraction. */
function stateOf(f: Booked): FolioProjectionSet {
  const { req } = f;
  return {
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
  };
}
