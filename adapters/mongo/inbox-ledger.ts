// The inbox monitor's memory (collections `inbox_checkpoints` and `processed_messages`): where it is in
// the mailbox (UIDVALIDITY, last UID) and which messages it has handled, so each is acted on exactly once.
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, countBy, ensureIndexes, insertOnce } from './collections';

export interface InboxCheckpoint {
  _id: string; // account + mailbox
  uidValidity: string;
  lastUid: number;
  updatedAt: Date;
}

export type MessageOutcome = 'signalled' | 'auto-reply' | 'bounce' | 'no-such-booking' | 'unmatched' | 'rejected' | 'folio-closed';

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

export class InboxLedger {
  private readonly checkpoints: Collection<InboxCheckpoint>;
  private readonly processed: Collection<ProcessedMessage>;

  constructor(db: Db) {
    this.checkpoints = db.collection(COLLECTIONS.inboxCheckpoints);
    this.processed = db.collection(COLLECTIONS.processedMessages);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.processed, [{ key: { folioIds: 1 }, name: 'folios' }]);
  }

  checkpoint(key: string): Promise<InboxCheckpoint | null> {
    return this.checkpoints.findOne({ _id: key });
  }

  async saveCheckpoint(key: string, uidValidity: string, lastUid: number): Promise<void> {
    await this.checkpoints.updateOne({ _id: key }, { $set: { uidValidity, lastUid, updatedAt: new Date() } }, { upsert: true });
  }

  /** The record of a message handled before, or null. */
  processedMessage(key: string): Promise<ProcessedMessage | null> {
    return this.processed.findOne({ _id: key });
  }

  async markProcessed(rec: ProcessedMessage): Promise<void> {
    await insertOnce(this.processed, rec);
  }

  /** Handled messages that concern a folio. */
  forFolio(folioId: string): Promise<ProcessedMessage[]> {
    return this.processed.find({ folioIds: folioId }).toArray();
  }

  /** Handled messages with this outcome (newest first). */
  withOutcome(outcome: MessageOutcome): Promise<ProcessedMessage[]> {
    return this.processed.find({ outcome }).sort({ processedAt: -1 }).toArray();
  }

  all(): Promise<ProcessedMessage[]> {
    return this.processed.find({}).toArray();
  }

  countByOutcome(): Promise<Map<string, number>> {
    return countBy(this.processed, 'outcome');
  }
}
