// The unmatched queue (collection `unmatched_messages`): inbound messages no rule could tie to a folio,
// kept with their stored attachments until an operator assigns them.
import type { Collection, Db, Filter } from 'mongodb';
import type { DocumentRef } from '../../domain/model';
import { decodeCursor, toPage, type Page } from './cursor';
import { COLLECTIONS, ensureIndexes, insertOnce } from './collections';
import { BOUNDS, clip, firstOf } from './bounds';

export interface UnmatchedMessage {
  _id: string; // same key as the processed-message ledger
  messageId?: string;
  from: string;
  /** What the sender check said (absent on messages stored before it existed). */
  sender?: { authenticated: boolean; check: string };
  subject: string;
  receivedAt: Date;
  reason: string;
  /** Folios the message may belong to (e.g. several open threads at the sender's hotel). */
  candidates: string[];
  documents: DocumentRef[];
  rejectedAttachments: { filename?: string; reason: string }[];
  textExcerpt: string;
  assigned?: { folioId: string; workflowId: string; by: string; at: Date };
}

export class UnmatchedRepository {
  private readonly unmatched: Collection<UnmatchedMessage>;

  constructor(db: Db) {
    this.unmatched = db.collection(COLLECTIONS.unmatched);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.unmatched, [{ key: { receivedAt: -1, _id: 1 }, name: 'received' }]);
  }

  /** Queues a message once (its key is the ledger's), every field bounded whatever the message held. */
  async put(doc: UnmatchedMessage): Promise<void> {
    await insertOnce(this.unmatched, {
      ...doc,
      ...(doc.messageId !== undefined && { messageId: clip(doc.messageId, BOUNDS.address) }),
      from: clip(doc.from, BOUNDS.address),
      ...(doc.sender && { sender: { authenticated: doc.sender.authenticated, check: clip(doc.sender.check, BOUNDS.reason) } }),
      subject: clip(doc.subject, BOUNDS.subject),
      reason: clip(doc.reason, BOUNDS.reason),
      candidates: firstOf(doc.candidates, BOUNDS.items),
      documents: firstOf(doc.documents, BOUNDS.items),
      rejectedAttachments: firstOf(doc.rejectedAttachments, BOUNDS.items).map((r) => ({ ...(r.filename !== undefined && { filename: clip(r.filename, BOUNDS.filename) }), reason: clip(r.reason, BOUNDS.reason) })),
      textExcerpt: clip(doc.textExcerpt, BOUNDS.excerpt),
    });
  }

  get(id: string): Promise<UnmatchedMessage | null> {
    return this.unmatched.findOne({ _id: id });
  }

  /** Newest first; `after` is the cursor of the previous page; assigned ones only when asked for. */
  async list(page: { limit: number; after?: string; includeAssigned?: boolean }): Promise<Page<UnmatchedMessage>> {
    const filter: Filter<UnmatchedMessage> = page.includeAssigned ? {} : { assigned: { $exists: false } };
    if (page.after) {
      const [ms, id] = decodeCursor(page.after, ['number', 'string']);
      filter.$or = [{ receivedAt: { $lt: new Date(ms) } }, { receivedAt: new Date(ms), _id: { $gt: id } }];
    }
    const docs = await this.unmatched.find(filter).sort({ receivedAt: -1, _id: 1 }).limit(page.limit + 1).toArray();
    return toPage(docs, page.limit, (last) => [new Date(last.receivedAt).getTime() || 0, last._id]);
  }

  /** Marks it assigned unless it is already (the first assignment stands). */
  async markAssigned(id: string, assigned: NonNullable<UnmatchedMessage['assigned']>): Promise<void> {
    await this.unmatched.updateOne({ _id: id, assigned: { $exists: false } }, { $set: { assigned } });
  }

  /** Retention: deletes up to `limit` messages received before `before` (the time operators had to assign them). */
  async purgeReceivedBefore(before: Date, limit: number): Promise<number> {
    const due = await this.unmatched.find({ receivedAt: { $lt: before } }, { projection: { _id: 1 } }).limit(limit).toArray();
    if (due.length === 0) return 0;
    return (await this.unmatched.deleteMany({ _id: { $in: due.map((d) => d._id) } })).deletedCount;
  }

  /** Which of these documents an unassigned message still holds (an operator may still assign it). */
  async holding(documentIds: readonly string[]): Promise<Set<string>> {
    const wanted = new Set(documentIds);
    const held = new Set<string>();
    if (wanted.size === 0) return held;
    const docs = await this.unmatched.find({ assigned: { $exists: false }, 'documents.documentId': { $in: [...wanted] } }, { projection: { documents: 1 } }).toArray();
    for (const m of docs) for (const d of m.documents ?? []) if (wanted.has(d.documentId)) held.add(d.documentId);
    return held;
  }

  countWaiting(): Promise<number> {
    return this.unmatched.countDocuments({ assigned: { $exists: false } });
  }
}
