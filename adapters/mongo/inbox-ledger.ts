// The inbox monitor's memory (collections `inbox_checkpoints`, `processed_messages`, `inbox_failures`): where
// it is in the mailbox (UIDVALIDITY, last UID), which messages it has handled, so each is acted on exactly
// once, and how often handling a message has failed, so a message that always fails is given up on.
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, countBy, ensureIndexes, holdersByKey, insertOnce } from './collections';
import { BOUNDS, clip, firstOf } from './bounds';

export interface InboxCheckpoint {
  _id: string; // account + mailbox
  uidValidity: string;
  lastUid: number;
  /** When the oldest message the monitor has seen but not yet handled arrived (null: caught up). */
  oldestUnhandledAt?: Date | null;
  updatedAt: Date;
}

export type MessageOutcome = 'signalled' | 'auto-reply' | 'bounce' | 'no-such-booking' | 'form-required' | 'unmatched' | 'rejected' | 'folio-closed' | 'failed';

export interface ProcessedMessage {
  _id: string; // Message-ID, or sha256 of the source when a message has none
  uid: number;
  uidValidity: string;
  outcome: MessageOutcome;
  detail?: string;
  folioIds: string[];
  documentIds: string[];
  processedAt: Date;
}

/** Failed attempts at one message, by its place in the mailbox. */
export interface MessageFailures {
  _id: string; // uidValidity:uid
  attempts: number;
  lastError: string;
  lastAt: Date;
}

export class InboxLedger {
  private readonly checkpoints: Collection<InboxCheckpoint>;
  private readonly processed: Collection<ProcessedMessage>;
  private readonly failures: Collection<MessageFailures>;

  constructor(db: Db) {
    this.checkpoints = db.collection(COLLECTIONS.inboxCheckpoints);
    this.processed = db.collection(COLLECTIONS.processedMessages);
    this.failures = db.collection(COLLECTIONS.inboxFailures);
  }

  /** Counts one more failed attempt at the message in this place; returns how many there have been. */
  async recordFailure(position: { uidValidity: string; uid: number }, error: string): Promise<number> {
    const _id = `${position.uidValidity}:${position.uid}`;
    await this.failures.updateOne({ _id }, { $inc: { attempts: 1 }, $set: { lastError: clip(error, BOUNDS.reason), lastAt: new Date() } }, { upsert: true });
    return (await this.failures.findOne({ _id }))?.attempts ?? 1;
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.processed, [{ key: { folioIds: 1 }, name: 'folios' }]);
  }

  checkpoint(key: string): Promise<InboxCheckpoint | null> {
    return this.checkpoints.findOne({ _id: key });
  }

  /** Moves the checkpoint; `oldestUnhandledAt` (when given) is the arrival of the oldest message still waiting. */
  async saveCheckpoint(key: string, uidValidity: string, lastUid: number, oldestUnhandledAt?: Date | null): Promise<void> {
    const set = { uidValidity, lastUid, updatedAt: new Date(), ...(oldestUnhandledAt !== undefined && { oldestUnhandledAt }) };
    await this.checkpoints.updateOne({ _id: key }, { $set: set }, { upsert: true });
  }

  /** Seconds the oldest message seen and not yet handled has waited, over every mailbox (0 when caught up). */
  async lagSeconds(now = Date.now()): Promise<number> {
    const waiting = await this.checkpoints.find({ oldestUnhandledAt: { $type: 'date' } }).toArray();
    return Math.max(0, ...waiting.map((c) => (now - c.oldestUnhandledAt!.getTime()) / 1000));
  }

  /** The record of a message handled before, or null. */
  processedMessage(key: string): Promise<ProcessedMessage | null> {
    return this.processed.findOne({ _id: key });
  }

  async markProcessed(rec: ProcessedMessage): Promise<void> {
    await insertOnce(this.processed, { ...rec, ...(rec.detail !== undefined && { detail: clip(rec.detail, BOUNDS.reason) }), folioIds: firstOf(rec.folioIds, BOUNDS.ids), documentIds: firstOf(rec.documentIds, BOUNDS.ids) });
  }

  /** Handled messages that concern a folio. */
  forFolio(folioId: string): Promise<ProcessedMessage[]> {
    return this.processed.find({ folioIds: folioId }).toArray();
  }

  /** Handled messages with this outcome (newest first). */
  withOutcome(outcome: MessageOutcome): Promise<ProcessedMessage[]> {
    return this.processed.find({ outcome }).sort({ processedAt: -1 }).toArray();
  }

  /** Retention: up to `limit` handled messages processed before `before`, in key order after `after`. */
  handledBefore(before: Date, limit: number, after?: string): Promise<Pick<ProcessedMessage, '_id' | 'folioIds' | 'documentIds'>[]> {
    return this.processed
      .find({ processedAt: { $lt: before }, ...(after !== undefined && { _id: { $gt: after } }) }, { projection: { _id: 1, folioIds: 1, documentIds: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }

  /** Retention: forgets these handled messages. */
  async forget(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return (await this.processed.deleteMany({ _id: { $in: [...keys] } })).deletedCount;
  }

  /** The folios of the handled messages that hold each of these documents. */
  async foliosHolding(documentIds: readonly string[]): Promise<Map<string, string[]>> {
    if (documentIds.length === 0) return new Map();
    const messages = await this.processed.find({ documentIds: { $in: [...documentIds] } }, { projection: { folioIds: 1, documentIds: 1 } }).toArray();
    return holdersByKey(
      messages.flatMap((m) => m.documentIds.map((d) => [d, m.folioIds] as const)),
      documentIds,
    );
  }

  all(): Promise<ProcessedMessage[]> {
    return this.processed.find({}).toArray();
  }

  countByOutcome(): Promise<Map<string, number>> {
    return countBy(this.processed, 'outcome');
  }
}
