// What every repository shares: the collection names, index creation that works on MongoDB and
// FerretDB alike, and the duplicate-key check idempotent writes rely on.
import { MongoServerError, type Collection, type Document, type Filter, type IndexDescription, type OptionalUnlessRequiredId } from 'mongodb';

export const COLLECTIONS = {
  folios: 'folios',
  /** What only one folio's page reads (the request, the document, the extraction). */
  folioDetails: 'folio_details',
  /** A client's references, unique by id. */
  folioRefs: 'folio_refs',
  events: 'events',
  calls: 'calls',
  hotels: 'hotels',
  emails: 'emails',
  unmatched: 'unmatched_messages',
  inboxCheckpoints: 'inbox_checkpoints',
  processedMessages: 'processed_messages',
  apiKeys: 'api_keys',
  clients: 'clients',
  webhookReplays: 'webhook_replays',
  learnedSenders: 'learned_senders',
  inboxFailures: 'inbox_failures',
  deadLetters: 'dead_letters',
  callbackInbox: 'callback_inbox',
  callStreams: 'call_streams',
  numberLeases: 'number_leases',
  callSlots: 'call_slots',
  /** GridFS buckets. */
  documents: 'documents',
  recordings: 'recordings',
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

/**
 * Inserts a document unless one with its id exists; true when this call stored it. (An upsert with
 * $setOnInsert would do the same on MongoDB, but FerretDB 1.x drops empty arrays from it.)
 */
export async function insertOnce<T extends Document>(collection: Collection<T>, doc: OptionalUnlessRequiredId<T>): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (e) {
    if (isDuplicateKey(e)) return false;
    throw e;
  }
}

/** Who holds each wanted key, from (key, holders) pairs (e.g. the folios holding each document). */
export function holdersByKey(pairs: Iterable<readonly [string | undefined, readonly string[]]>, wanted: readonly string[]): Map<string, string[]> {
  const keys = new Set(wanted);
  const out = new Map<string, string[]>();
  for (const [key, holders] of pairs) if (key !== undefined && keys.has(key)) out.set(key, [...(out.get(key) ?? []), ...holders]);
  return out;
}

/** How many documents (matching `match`) have each value of `field`. */
export async function countBy<T extends Document>(collection: Collection<T>, field: keyof T & string, match: Filter<T> = {}): Promise<Map<string, number>> {
  const rows = await collection.aggregate<{ _id: unknown; n: number }>([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }]).toArray();
  return new Map(rows.map((r) => [String(r._id), r.n]));
}
