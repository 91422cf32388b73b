// Folios and their timelines: the read side of every folio workflow. What lists read (`folios`) is kept
// apart from what only one folio's page reads (`folio_details`: the request, the extraction, the document),
// so a listing reads small documents; `folio_refs` makes a client's reference unique by id. Writes are
// idempotent and ordered by the folio's seq, so a late or repeated write never moves a folio back. The personal
// data (the request, the document reference, the extraction, event details) is stored sealed (field-crypto.ts).
import type { Collection, Db, Filter } from 'mongodb';
import type { FolioEvent, FolioEventType } from '../../domain/events';
import { FolioStatus, TERMINAL_STATUSES, type DocumentRef, type FolioData, type FolioRequest } from '../../domain/model';
import type { FolioLifecycle } from '../../domain/retention';
import { needsAPerson, type FolioListItem, type FolioProjection, type FolioProjectionSet } from '../../domain/projection';
import { decodeCursor, toPage, type Page } from './cursor';
import { COLLECTIONS, countBy, ensureIndexes, insertOnce } from './collections';
import type { GuardedWrites } from './guarded-writes';
import { FieldCrypto, sealContext } from './field-crypto';
import { FolioSeals, type EventDoc, type FolioDetailsDoc, type OpenDetails } from './folio-seals';

export { SEALED_FOLIO_FIELDS } from './folio-seals';

/** What a listing reads and filters by: small on purpose (FerretDB 1.x decodes every document of a filtered query). */
export type FolioDoc = Pick<FolioProjection, 'workflowId' | 'clientId' | 'clientReference' | 'hotelId' | 'status' | 'checkOut' | 'seq'> &
  Partial<Pick<FolioProjection, 'nextAction' | 'attention' | 'attempts' | 'reviewReasons'>> & {
    _id: string;
    nextActionAt?: Date | null;
    /** Stored, so "needs attention" is one equality (indexed on MongoDB, cheap to test on FerretDB). */
    needsAttention: boolean;
    createdAt: Date;
    updatedAt: Date;
  };

/** A client's reference, unique by id (an insert is atomic on every store; a unique secondary index is not on FerretDB). */
interface FolioRefDoc {
  _id: string;
  folioId: string;
  workflowId: string;
}

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

/** One workflow write: the folio's fields at `seq`. */
export interface FolioWrite {
  folioId: string;
  seq: number;
  set: FolioProjectionSet;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const refId = (clientId: string, clientReference: string) => `${clientId}\n${clientReference}`;

function toListItem(d: FolioDoc): FolioListItem {
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
    seq: d.seq,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

function toProjection(d: FolioDoc, details: OpenDetails | null): FolioProjection {
  return { ...toListItem(d), document: details?.document ?? null, extracted: details?.extracted ?? null, request: details?.request ?? null };
}

function toQuery(f: FolioFilter): Filter<FolioDoc> {
  const q: Filter<FolioDoc> = {};
  if (f.clientId) q.clientId = f.clientId;
  if (f.status) q.status = f.status;
  if (f.hotelId) q.hotelId = f.hotelId;
  if (f.clientReference) q.clientReference = f.clientReference;
  if (f.checkOutFrom || f.checkOutTo) q.checkOut = { ...(f.checkOutFrom && { $gte: f.checkOutFrom }), ...(f.checkOutTo && { $lte: f.checkOutTo }) };
  if (f.needsAttention !== undefined) q.needsAttention = f.needsAttention;
  return q;
}

/** The list fields of a workflow write, and the details it carries (only when they changed). */
function split(set: FolioProjectionSet): { list: Omit<FolioDoc, '_id' | 'seq' | 'createdAt' | 'updatedAt'>; details?: Pick<OpenDetails, 'document' | 'extracted'> } {
  const { nextActionAt, extracted, document, ...rest } = set;
  const list = { ...rest, nextActionAt: nextActionAt ? new Date(nextActionAt) : null, needsAttention: needsAPerson(set.status, set.attention) };
  const details = extracted !== undefined || document !== undefined ? { ...(extracted !== undefined && { extracted }), ...(document !== undefined && { document }) } : undefined;
  return { list, details };
}

export class FolioRepository {
  private readonly folios: Collection<FolioDoc>;
  private readonly details: Collection<FolioDetailsDoc>;
  private readonly refs: Collection<FolioRefDoc>;
  private readonly events: Collection<EventDoc>;
  private readonly seals: FolioSeals;

  constructor(
    db: Db,
    private readonly guards: GuardedWrites,
    private readonly crypto: FieldCrypto = FieldCrypto.sandbox(),
  ) {
    this.folios = db.collection(COLLECTIONS.folios);
    this.details = db.collection(COLLECTIONS.folioDetails);
    this.refs = db.collection(COLLECTIONS.folioRefs);
    this.events = db.collection(COLLECTIONS.events);
    this.seals = new FolioSeals(crypto);
  }

  private async openDetails(folioId: string): Promise<OpenDetails | null> {
    const d = await this.details.findOne({ _id: folioId });
    return d && this.seals.opened(d);
  }

  /**
   * One index per list shape, each ending in `_id` (the listing's order): all, by client, by hotel, by status,
   * needing attention (and by client within each); the open folios of a hotel; the timeline.
   */
  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.folios, [
      { key: { clientId: 1, clientReference: 1 }, name: 'client_reference' },
      { key: { clientId: 1, _id: 1 }, name: 'client' },
      { key: { clientId: 1, status: 1, _id: 1 }, name: 'client_status' },
      { key: { clientId: 1, needsAttention: 1, _id: 1 }, name: 'client_attention' },
      { key: { hotelId: 1, _id: 1 }, name: 'hotel' },
      { key: { hotelId: 1, status: 1 }, name: 'hotel_status' },
      { key: { status: 1, _id: 1 }, name: 'status' },
      { key: { needsAttention: 1, _id: 1 }, name: 'attention_flag' },
      { key: { checkOut: 1, _id: 1 }, name: 'checkout' },
      { key: { status: 1, updatedAt: -1 }, name: 'status_updated' },
    ]);
    await ensureIndexes(this.details, [{ key: { updatedAt: -1 }, name: 'updated' }]);
    await ensureIndexes(this.events, [{ key: { folioId: 1, seq: 1 }, name: 'folio_timeline' }]);
  }

  /** Records an accepted request before its workflow runs (seq 0). Undefined when its reference is taken already. */
  async create(f: NewFolio): Promise<FolioProjection | undefined> {
    const now = new Date();
    const r = f.request;
    if (!(await insertOnce(this.refs, { _id: refId(r.clientId, f.clientReference), folioId: r.folioId, workflowId: f.workflowId }))) return undefined;
    const details: FolioDetailsDoc = { _id: r.folioId, request: this.seals.detail(r.folioId, 'request', r)!, requestHash: f.requestHash, seq: 0, updatedAt: now };
    const doc: FolioDoc = {
      _id: r.folioId,
      workflowId: f.workflowId,
      clientId: r.clientId,
      clientReference: f.clientReference,
      hotelId: r.hotelId,
      status: FolioStatus.WaitingForCheckout,
      needsAttention: false,
      seq: 0,
      checkOut: r.checkOut,
      createdAt: now,
      updatedAt: now,
    };
    await insertOnce(this.details, details);
    await insertOnce(this.folios, doc);
    return toProjection(doc, { request: r, requestHash: f.requestHash });
  }

  /** A client's folio by its own reference, with the hash of the request that created it. */
  async byReference(clientId: string, clientReference: string): Promise<{ folio: FolioProjection; requestHash?: string } | null> {
    const ref = await this.refs.findOne({ _id: refId(clientId, clientReference) });
    if (!ref) return null;
    const [doc, details] = await Promise.all([this.folios.findOne({ _id: ref.folioId }), this.openDetails(ref.folioId)]);
    // the reference is written first: until the folio is, it reads as the request alone
    if (!doc) return details?.request ? { folio: toProjection(pendingDoc(details.request, ref), details), requestHash: details.requestHash } : null;
    return { folio: toProjection(doc, details), requestHash: details?.requestHash };
  }

  /** One folio; with `clientId`, only if it belongs to that client. */
  async get(folioId: string, clientId?: string): Promise<FolioProjection | null> {
    // by id alone (the one query every store answers from its primary key), the owner checked here
    const doc = await this.folios.findOne({ _id: folioId });
    if (!doc || (clientId !== undefined && doc.clientId !== clientId)) return null;
    return toProjection(doc, await this.openDetails(folioId));
  }

  /** Applies a workflow's change unless a newer one (higher seq) is stored already. Returns whether it applied. */
  async project(folioId: string, seq: number, set: FolioProjectionSet): Promise<boolean> {
    return (await this.projectMany([{ folioId, seq, set }]))[0]!;
  }

  /** Applies several workflows' changes in one round trip where the store allows it; per write, whether it applied. */
  async projectMany(writes: readonly FolioWrite[]): Promise<boolean[]> {
    if (writes.length === 0) return [];
    const now = new Date();
    const parts = writes.map((w) => ({ w, ...split(w.set) }));
    const applied = await this.guards.apply(
      this.folios,
      parts.map(({ w, list }) => ({ _id: w.folioId, seq: w.seq, set: { ...list, seq: w.seq, updatedAt: now }, setOnInsert: { createdAt: now } })),
    );
    const withDetails = parts.filter((p, i) => p.details && applied[i]);
    if (withDetails.length) {
      await this.guards.apply(
        this.details,
        withDetails.map(({ w, details }) => ({ _id: w.folioId, seq: w.seq, set: { ...this.seals.details(w.folioId, details!), seq: w.seq, updatedAt: now }, setOnInsert: {} })),
      );
    }
    return applied;
  }

  /** Appends a timeline event once: a repeat with the same id is ignored. */
  appendEvent(event: FolioEvent): Promise<boolean> {
    return insertOnce(this.events, this.seals.event(event));
  }

  /** Appends timeline events in one round trip; repeats (same id) are ignored. Returns how many were new. */
  async appendEvents(events: readonly FolioEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    try {
      return (await this.events.insertMany(events.map((e) => this.seals.event(e)), { ordered: false })).insertedCount;
    } catch (e) {
      const bulk = e as { writeErrors?: { code?: number }[] | { code?: number }; result?: { insertedCount?: number } };
      const errors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : bulk.writeErrors ? [bulk.writeErrors] : [];
      if (errors.length === 0 || !errors.every((w) => w.code === 11000)) throw e;
      return bulk.result?.insertedCount ?? events.length - errors.length;
    }
  }

  /** In id order (ids are time-ordered), `limit` at a time from the cursor `after`; list items carry no request, document or extraction. */
  async list(filter: FolioFilter, page: { limit: number; after?: string }): Promise<Page<FolioListItem>> {
    const q = toQuery(filter);
    if (page.after) q._id = { $gt: decodeCursor(page.after, ['string'])[0] };
    const docs = await this.folios.find(q).sort({ _id: 1 }).limit(page.limit + 1).toArray();
    return toPage(docs.map(toListItem), page.limit, (last) => [last.folioId]);
  }

  async timeline(folioId: string, opts: { afterSeq?: number; limit?: number; type?: FolioEventType } = {}): Promise<FolioEvent[]> {
    const docs = await this.events
      .find({ folioId, ...(opts.afterSeq !== undefined && { seq: { $gt: opts.afterSeq } }), ...(opts.type && { type: opts.type }) })
      .sort({ seq: 1 })
      .limit(opts.limit ?? 0)
      .toArray();
    return docs.map((d) => this.seals.openEvent(d));
  }

  /** The clients these folios belong to (folios without a projection are left out); one lookup by id each. */
  async clientIdsOf(folioIds: readonly string[]): Promise<string[]> {
    const docs = await Promise.all([...new Set(folioIds)].map((_id) => this.folios.findOne({ _id }, { projection: { clientId: 1 } })));
    return [...new Set(docs.flatMap((d) => (d ? [d.clientId] : [])))];
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
    // the extraction is sealed: the latest ones are read whole and opened
    const docs = await this.details.find({ extracted: { $exists: true, $ne: null } }, { projection: { extracted: 1 } }).sort({ updatedAt: -1 }).limit(limit).toArray();
    return docs.flatMap((d) => {
      const confidence = this.crypto.open<FolioData | null>(d.extracted, sealContext(COLLECTIONS.folioDetails, 'extracted', d._id))?.confidence;
      return confidence ? [confidence] : [];
    });
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
    const [docs, details] = await Promise.all([this.folios.find({}).toArray(), this.details.find({}).toArray()]);
    const byId = new Map(details.map((d) => [d._id, this.seals.opened(d)]));
    return docs.map((d) => toProjection(d, byId.get(d._id) ?? null));
  }

  /** Retention: each of these folios' status and last change (folios without a record are left out). */
  async lifecycles(folioIds: readonly string[]): Promise<Map<string, FolioLifecycle>> {
    if (folioIds.length === 0) return new Map();
    const docs = await this.folios.find({ _id: { $in: [...new Set(folioIds)] } }, { projection: { status: 1, updatedAt: 1 } }).toArray();
    return new Map(docs.map((d) => [String(d._id), { status: d.status, updatedAt: d.updatedAt }]));
  }

  /** Retention: up to `limit` distinct folios (after `after`, in id order) with timeline events from before `before`. */
  async foliosWithEventsBefore(before: Date, limit: number, after?: string): Promise<string[]> {
    const ids = new Set<string>();
    const cursor = this.events
      .find({ at: { $lt: before.toISOString() }, ...(after !== undefined && { folioId: { $gt: after } }) }, { projection: { folioId: 1 } })
      .sort({ folioId: 1 });
    for await (const e of cursor) {
      if (!ids.has(e.folioId) && ids.size === limit) break;
      ids.add(e.folioId);
    }
    await cursor.close();
    return [...ids];
  }

  /** Retention: deletes the whole timeline of these folios. */
  async purgeTimelines(folioIds: readonly string[]): Promise<number> {
    if (folioIds.length === 0) return 0;
    return (await this.events.deleteMany({ folioId: { $in: [...folioIds] } })).deletedCount;
  }

  /**
   * Retention: the folios that still need what they hold (domain/retention.ts `folioStillNeeded`, as a query):
   * not ended, or ended at or after `cutoff`.
   */
  async stillNeeded(cutoff: Date): Promise<string[]> {
    const docs = await this.folios.find({ $or: [{ status: { $nin: [...TERMINAL_STATUSES] } }, { updatedAt: { $gte: cutoff } }] }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => String(d._id));
  }

  /** Retention: the documents these folios hold, as theirs or as the original their part was cut from (sealed references opened). */
  async documentsHeldBy(folioIds: readonly string[]): Promise<Set<string>> {
    const held = new Set<string>();
    for (let i = 0; i < folioIds.length; i += 500) {
      const docs = await this.details.find({ _id: { $in: folioIds.slice(i, i + 500) }, document: { $type: 'object' } }, { projection: { document: 1 } }).toArray();
      for (const d of docs) {
        const ref = this.crypto.open<DocumentRef | null | undefined>(d.document, sealContext(COLLECTIONS.folioDetails, 'document', d._id));
        for (const id of [ref?.documentId, ref?.derivedFrom?.documentId]) if (id) held.add(id);
      }
    }
    return held;
  }

  /** Timeline events of some types across all folios (benchmarks). */
  async eventsOfType(types: readonly FolioEventType[]): Promise<FolioEvent[]> {
    const docs = await this.events.find({ type: { $in: [...types] } }).toArray();
    return docs.map((d) => this.seals.openEvent(d));
  }
}

/** A folio whose reference and request are recorded and whose list entry is not yet: as it will be written. */
function pendingDoc(r: FolioRequest, ref: FolioRefDoc): FolioDoc {
  const at = new Date(r.receivedAt);
  return { _id: r.folioId, workflowId: ref.workflowId, clientId: r.clientId, clientReference: r.clientReference, hotelId: r.hotelId, status: FolioStatus.WaitingForCheckout, needsAttention: false, seq: 0, checkOut: r.checkOut, createdAt: at, updatedAt: at };
}

