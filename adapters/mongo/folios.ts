// Folios and their timelines (collections `folios` and `events`): the read side of every folio workflow.
// Writes are idempotent and ordered by the folio's seq, so a late or repeated write never moves a folio back.
import type { Collection, Db, Filter } from 'mongodb';
import type { FolioEvent, FolioEventType } from '../../domain/events';
import { FolioStatus, TERMINAL_STATUSES, type FolioRequest } from '../../domain/model';
import { NEEDS_A_PERSON, type FolioProjection, type FolioProjectionSet } from '../../domain/projection';
import { decodeCursor, toPage, type Page } from './cursor';
import { COLLECTIONS, countBy, ensureIndexes, insertOnce, isDuplicateKey } from './collections';

/** The stored form of the one projection shape: keyed by folio id, times as dates (queried by range), fields written by the workflow absent until then. */
export type FolioDoc = Pick<FolioProjection, 'workflowId' | 'clientId' | 'clientReference' | 'hotelId' | 'status' | 'checkOut' | 'seq'> &
  Partial<Pick<FolioProjection, 'nextAction' | 'attention' | 'attempts' | 'reviewReasons' | 'document' | 'extracted'>> & {
    _id: string;
    nextActionAt?: Date | null;
    request?: FolioRequest;
    /** What the request looked like, to tell a repeat from a different request under the same reference. */
    requestHash?: string;
    createdAt: Date;
    updatedAt: Date;
  };
type EventDoc = FolioEvent & { _id: string };

export interface FolioFilter {
  clientId?: string;
  status?: FolioStatus;
  hotelId?: string;
  clientReference?: string;
  checkOutFrom?: string;
  checkOutTo?: string;
  /** A status that waits for a person, or an attention note the workflow set (false: neither). */
  needsAttention?: boolean;
}

export interface NewFolio {
  request: FolioRequest;
  workflowId: string;
  clientReference: string;
  requestHash: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function toProjection(d: FolioDoc): FolioProjection {
  return {
    folioId: d._id,
    workflowId: d.workflowId,
    clientId: d.clientId,
    clientReference: d.clientReference,
    hotelId: d.hotelId,
    status: d.status,
    checkOut: d.checkOut,
    nextAction: d.nextAction ?? null,
    nextActionAt: d.nextActionAt ? iso(d.nextActionAt) : null,
    attention: d.attention ?? null,
    attempts: d.attempts ?? null,
    reviewReasons: d.reviewReasons ?? null,
    document: d.document ?? null,
    extracted: d.extracted ?? null,
    request: d.request ?? null,
    seq: d.seq,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

function toQuery(f: FolioFilter): Filter<FolioDoc> {
  const q: Filter<FolioDoc> = {};
  if (f.clientId) q.clientId = f.clientId;
  if (f.status) q.status = f.status;
  if (f.hotelId) q.hotelId = f.hotelId;
  if (f.clientReference) q.clientReference = f.clientReference;
  if (f.checkOutFrom || f.checkOutTo) q.checkOut = { ...(f.checkOutFrom && { $gte: f.checkOutFrom }), ...(f.checkOutTo && { $lte: f.checkOutTo }) };
  if (f.needsAttention === true) q.$or = [{ status: { $in: [...NEEDS_A_PERSON] } }, { attention: { $type: 'string' } }];
  if (f.needsAttention === false) q.$and = [{ status: { $nin: [...NEEDS_A_PERSON] } }, { attention: null }];
  return q;
}

export class FolioRepository {
  private readonly folios: Collection<FolioDoc>;
  private readonly events: Collection<EventDoc>;

  constructor(db: Db) {
    this.folios = db.collection(COLLECTIONS.folios);
    this.events = db.collection(COLLECTIONS.events);
  }

  /** The indexes of the queries below: by reference, the listing filters in id order, the open folios of a hotel, the timeline. */
  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.folios, [
      { key: { clientId: 1, clientReference: 1 }, name: 'client_reference', unique: true },
      { key: { clientId: 1, status: 1, _id: 1 }, name: 'client_status' },
      { key: { hotelId: 1, status: 1 }, name: 'hotel_status' },
      { key: { status: 1, _id: 1 }, name: 'status' },
      { key: { checkOut: 1, _id: 1 }, name: 'checkout' },
      { key: { attention: 1 }, name: 'attention', sparse: true },
      { key: { status: 1, updatedAt: -1 }, name: 'status_updated' },
    ]);
    await ensureIndexes(this.events, [{ key: { folioId: 1, seq: 1 }, name: 'folio_timeline' }]);
  }

  /** Records an accepted request before its workflow runs (seq 0). Undefined when its reference is taken already. */
  async create(f: NewFolio): Promise<FolioProjection | undefined> {
    const now = new Date();
    const r = f.request;
    const doc: FolioDoc = {
      _id: r.folioId,
      workflowId: f.workflowId,
      clientId: r.clientId,
      clientReference: f.clientReference,
      hotelId: r.hotelId,
      status: FolioStatus.WaitingForCheckout,
      seq: 0,
      checkOut: r.checkOut,
      request: r,
      requestHash: f.requestHash,
      createdAt: now,
      updatedAt: now,
    };
    return (await insertOnce(this.folios, doc)) ? toProjection(doc) : undefined;
  }

  /** A client's folio by its own reference, with the hash of the request that created it. */
  async byReference(clientId: string, clientReference: string): Promise<{ folio: FolioProjection; requestHash?: string } | null> {
    const doc = await this.folios.findOne({ clientId, clientReference });
    return doc && { folio: toProjection(doc), requestHash: doc.requestHash };
  }

  /** One folio; with `clientId`, only if it belongs to that client. */
  async get(folioId: string, clientId?: string): Promise<FolioProjection | null> {
    const doc = await this.folios.findOne(clientId === undefined ? { _id: folioId } : { _id: folioId, clientId });
    return doc && toProjection(doc);
  }

  /** Applies a workflow's change unless a newer one (higher seq) is stored already. Returns whether it applied. */
  async project(folioId: string, seq: number, set: FolioProjectionSet): Promise<boolean> {
    const now = new Date();
    const { nextActionAt, ...rest } = set;
    try {
      const r = await this.folios.updateOne(
        { _id: folioId, $or: [{ seq: { $lt: seq } }, { seq: { $exists: false } }] },
        { $set: { ...rest, nextActionAt: nextActionAt ? new Date(nextActionAt) : null, seq, updatedAt: now }, $setOnInsert: { createdAt: now } },
        { upsert: true },
      );
      return r.modifiedCount + r.upsertedCount > 0;
    } catch (e) {
      if (isDuplicateKey(e)) return false; // a newer write is there already
      throw e;
    }
  }

  /** Appends a timeline event once: a repeat with the same id is ignored. */
  appendEvent(event: FolioEvent): Promise<boolean> {
    return insertOnce(this.events, { ...event, _id: event.eventId });
  }

  /** In id order (ids are time-ordered), `limit` at a time from the cursor `after`. */
  async list(filter: FolioFilter, page: { limit: number; after?: string }): Promise<Page<FolioProjection>> {
    const q = toQuery(filter);
    if (page.after) q._id = { $gt: decodeCursor(page.after, ['string'])[0] };
    const docs = await this.folios.find(q).sort({ _id: 1 }).limit(page.limit + 1).toArray();
    return toPage(docs.map(toProjection), page.limit, (last) => [last.folioId]);
  }

  async timeline(folioId: string, opts: { afterSeq?: number; limit?: number; type?: FolioEventType } = {}): Promise<FolioEvent[]> {
    const docs = await this.events
      .find({ folioId, ...(opts.afterSeq !== undefined && { seq: { $gt: opts.afterSeq } }), ...(opts.type && { type: opts.type }) })
      .sort({ seq: 1 })
      .limit(opts.limit ?? 0)
      .toArray();
    return docs.map(({ _id: _ignored, ...event }) => event);
  }

  /** The clients these folios belong to (folios without a projection are left out). */
  async clientIdsOf(folioIds: readonly string[]): Promise<string[]> {
    const docs = await this.folios.find({ _id: { $in: [...folioIds] } }, { projection: { clientId: 1 } }).toArray();
    return [...new Set(docs.map((d) => d.clientId))];
  }

  /** Workflow ids of the folios still being chased at a hotel. */
  async *openAtHotel(hotelId: string): AsyncGenerator<string> {
    for await (const f of this.folios.find({ hotelId, status: { $nin: [...TERMINAL_STATUSES] } }, { projection: { workflowId: 1 } })) yield f.workflowId;
  }

  /** Folios by status (only the given statuses, when given). */
  countByStatus(statuses?: readonly FolioStatus[]): Promise<Map<string, number>> {
    return countBy(this.folios, 'status', statuses ? { status: { $in: [...statuses] } } : {});
  }

  /** Field confidences of the latest extracted folios. */
  async recentConfidences(limit: number): Promise<Record<string, number>[]> {
    const docs = await this.folios.find({ 'extracted.confidence': { $exists: true } }, { projection: { 'extracted.confidence': 1 } }).sort({ updatedAt: -1 }).limit(limit).toArray();
    return docs.map((d) => d.extracted?.confidence ?? {});
  }

  /** How long the latest completed folios took, request to completion (ms). */
  async recentCompletionTimes(limit: number): Promise<number[]> {
    const docs = await this.folios.find({ status: FolioStatus.Completed }, { projection: { createdAt: 1, updatedAt: 1 } }).sort({ updatedAt: -1 }).limit(limit).toArray();
    return docs.map((d) => new Date(d.updatedAt).getTime() - new Date(d.createdAt).getTime());
  }

  /** The status of each of these folios, by folio id (drills and benchmarks follow a run). */
  async statuses(folioIds: readonly string[]): Promise<Map<string, FolioStatus>> {
    const docs = await this.folios.find({ _id: { $in: [...folioIds] } }, { projection: { status: 1 } }).toArray();
    return new Map(docs.map((d) => [String(d._id), d.status]));
  }

  /** Every folio (benchmarks and drills read a whole run back). */
  async all(): Promise<FolioProjection[]> {
    return (await this.folios.find({}).toArray()).map(toProjection);
  }

  /** Timeline events of some types across all folios (benchmarks). */
  async eventsOfType(types: readonly FolioEventType[]): Promise<FolioEvent[]> {
    const docs = await this.events.find({ type: { $in: [...types] } }).toArray();
    return docs.map(({ _id: _ignored, ...event }) => event);
  }
}
