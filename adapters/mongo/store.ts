// MongoDB read projections and reference data. Temporal history is the source of truth; every write
// here is an idempotent upsert, ordered by a per-folio sequence number so a late write never wins.
import { MongoClient, MongoServerError, type Collection, type Db, type Document, type IndexDescription } from 'mongodb';
import type { FolioEvent } from '../../domain/events';
import type { FolioStatus, Hotel } from '../../domain/model';

export interface FolioProjection {
  _id: string; // folioId
  workflowId: string;
  clientId: string;
  clientReference: string;
  hotelId: string;
  status: FolioStatus;
  seq: number;
  checkOut: string;
  nextActionAt?: Date | null;
  nextAction?: string | null;
  attention?: string | null;
  attempts?: { calls: number; emails: number; reminders: number; callbacks: number };
  request?: Document;
  extracted?: Document | null;
  document?: Document | null;
  reviewReasons?: string[] | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CallProjection {
  _id: string; // callId
  hotelId: string;
  folioIds: string[];
  callSid?: string;
  status: string;
  disposition?: string;
  outcomes?: Record<string, unknown>;
  /** What the webhook and media bridge need to answer without waiting on the workflow. */
  context?: Document;
  ivrPath?: string;
  recording?: Document;
  transcript?: Document;
  startedAt?: Date;
  endedAt?: Date;
  durationSeconds?: number;
  updatedAt: Date;
}

export const COLLECTIONS = {
  folios: 'folios',
  events: 'events',
  calls: 'calls',
  hotels: 'hotels',
  emails: 'emails',
  unmatched: 'unmatched_messages',
  inboxCheckpoints: 'inbox_checkpoints',
  processedMessages: 'processed_messages',
  apiKeys: 'api_keys',
} as const;

/**
 * Creates the indexes a collection lacks (by name). Idempotent on every store; FerretDB 1.x also needs
 * it: re-declaring an index that already exists makes its createIndexes handler panic.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, specs: (IndexDescription & { name: string })[]): Promise<void> {
  const existing = new Set(
    await collection
      .listIndexes()
      .toArray()
      .then((list) => list.map((i) => String(i.name)))
      .catch((e: unknown) => {
        if (e instanceof MongoServerError && e.code === 26) return [] as string[]; // the collection does not exist yet
        throw e;
      }),
  );
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length) await collection.createIndexes(missing);
}

export function isDuplicateKey(e: unknown): boolean {
  return e instanceof MongoServerError && e.code === 11000;
}

export class Store {
  readonly folios: Collection<FolioProjection>;
  readonly events: Collection<FolioEvent & { _id: string }>;
  readonly calls: Collection<CallProjection>;
  readonly hotels: Collection<Hotel & { _id: string; updatedAt?: Date }>;

  constructor(
    readonly db: Db,
    readonly client?: MongoClient,
  ) {
    this.folios = db.collection(COLLECTIONS.folios);
    this.events = db.collection(COLLECTIONS.events);
    this.calls = db.collection(COLLECTIONS.calls);
    this.hotels = db.collection(COLLECTIONS.hotels);
  }

  static async connect(uri: string, dbName: string): Promise<Store> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, appName: 'folio' });
    await client.connect();
    return new Store(client.db(dbName), client);
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  /** Indexes for every API query; safe to call at every start. */
  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.folios, [
      { key: { clientId: 1, clientReference: 1 }, name: 'client_reference', unique: true },
      { key: { clientId: 1, status: 1, _id: 1 }, name: 'client_status' },
      { key: { hotelId: 1, status: 1 }, name: 'hotel_status' },
      { key: { status: 1, _id: 1 }, name: 'status' },
      { key: { checkOut: 1, _id: 1 }, name: 'checkout' },
      { key: { attention: 1 }, name: 'attention', sparse: true },
    ]);
    await ensureIndexes(this.events, [{ key: { folioId: 1, seq: 1 }, name: 'folio_timeline' }]);
    await ensureIndexes(this.calls, [
      { key: { callSid: 1 }, name: 'call_sid', sparse: true },
      { key: { hotelId: 1, startedAt: -1 }, name: 'hotel_calls' },
      { key: { folioIds: 1 }, name: 'folio_calls' },
    ]);
  }

  /** Applies a projection change unless a newer one (higher seq) is already stored. Returns whether it applied. */
  async projectFolio(folioId: string, seq: number, set: Partial<Omit<FolioProjection, '_id' | 'seq'>>, insertOnly: Partial<FolioProjection> = {}): Promise<boolean> {
    const now = new Date();
    try {
      const r = await this.folios.updateOne(
        { _id: folioId, $or: [{ seq: { $lt: seq } }, { seq: { $exists: false } }] },
        { $set: { ...set, seq, updatedAt: now }, $setOnInsert: { ...insertOnly, createdAt: now } as Partial<FolioProjection> },
        { upsert: true },
      );
      return r.modifiedCount + r.upsertedCount > 0;
    } catch (e) {
      if (isDuplicateKey(e)) return false; // a newer write is there already
      throw e;
    }
  }

  /** Appends an event once: a repeat with the same id is ignored. */
  async appendEvent(event: FolioEvent): Promise<boolean> {
    try {
      await this.events.insertOne({ _id: event.eventId, ...event });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async getHotel(hotelId: string): Promise<Hotel | null> {
    const doc = await this.hotels.findOne({ _id: hotelId });
    if (!doc) return null;
    const { _id: _ignored, updatedAt: _u, ...hotel } = doc;
    return hotel as Hotel;
  }

  async upsertHotel(hotel: Hotel): Promise<void> {
    await this.hotels.updateOne({ _id: hotel.hotelId }, { $set: { ...hotel, updatedAt: new Date() } }, { upsert: true });
  }

  async upsertCall(callId: string, set: Partial<Omit<CallProjection, '_id'>>): Promise<void> {
    await this.calls.updateOne({ _id: callId }, { $set: { ...set, updatedAt: new Date() } }, { upsert: true });
  }
}
