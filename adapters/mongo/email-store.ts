// The email side's MongoDB collections: sent requests (threads), the inbox checkpoint, the processed-
// message ledger (exactly-once) and the unmatched queue. Every write is an idempotent upsert.
import type { Collection } from 'mongodb';
import type { DocumentRef } from '../../domain/model';
import type { SentThread, ThreadGuest } from '../../domain/correlation';
import { COLLECTIONS, ensureIndexes, isDuplicateKey, type Store } from './store';

export interface SentEmailDoc {
  _id: string; // emailId
  hotelId: string;
  /** `call`: no email went out; the voice agent gave the hotel this thread's reply address. */
  kind: 'request' | 'reminder' | 'call';
  messageId: string;
  token: string;
  to: string;
  subject: string;
  threadMessageId?: string;
  /** The hotel's addresses when we wrote: their domains vouch for a reply's sender. */
  hotelEmails: string[];
  guests: ThreadGuest[];
  state: 'sending' | 'sent' | 'rejected';
  rejected?: string;
  sentAt?: Date;
  /** Set once a reply was matched: the thread no longer counts as open for sender-domain matching. */
  answeredAt?: Date;
  createdAt: Date;
}

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

export interface UnmatchedMessage {
  _id: string; // same key as the processed-message ledger
  messageId?: string;
  from: string;
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

export class EmailStore {
  readonly emails: Collection<SentEmailDoc>;
  readonly checkpoints: Collection<InboxCheckpoint>;
  readonly processed: Collection<ProcessedMessage>;
  readonly unmatched: Collection<UnmatchedMessage>;

  constructor(readonly store: Store) {
    this.emails = store.db.collection(COLLECTIONS.emails);
    this.checkpoints = store.db.collection(COLLECTIONS.inboxCheckpoints);
    this.processed = store.db.collection(COLLECTIONS.processedMessages);
    this.unmatched = store.db.collection(COLLECTIONS.unmatched);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.emails, [
      { key: { messageId: 1 }, name: 'message_id' },
      { key: { token: 1 }, name: 'token' },
      { key: { sentAt: -1 }, name: 'sent_at' },
    ]);
    await ensureIndexes(this.unmatched, [{ key: { receivedAt: -1, _id: 1 }, name: 'received' }]);
  }

  getEmail(emailId: string): Promise<SentEmailDoc | null> {
    return this.emails.findOne({ _id: emailId });
  }

  findByMessageId(messageId: string): Promise<SentEmailDoc | null> {
    return this.emails.findOne({ messageId });
  }

  /** Records the intent before sending; a retry finds the same document (and its Message-ID). */
  async beginSend(doc: Omit<SentEmailDoc, 'state' | 'createdAt'>): Promise<SentEmailDoc> {
    try {
      await this.emails.updateOne({ _id: doc._id }, { $setOnInsert: { ...doc, state: 'sending', createdAt: new Date() } }, { upsert: true });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    return (await this.getEmail(doc._id))!;
  }

  async markSent(emailId: string, sentAt: Date): Promise<void> {
    await this.emails.updateOne({ _id: emailId }, { $set: { state: 'sent', sentAt } });
  }

  async markRejected(emailId: string, reason: string): Promise<void> {
    await this.emails.updateOne({ _id: emailId }, { $set: { state: 'rejected', rejected: reason } });
  }

  async markAnswered(emailIds: string[]): Promise<void> {
    if (emailIds.length) await this.emails.updateMany({ _id: { $in: emailIds } }, { $set: { answeredAt: new Date() } });
  }

  /**
   * A call's reply thread: the agent asks the hotel to email folios to a plus-address carrying this
   * token, so a folio sent after a phone agreement correlates like a reply to an email. Idempotent.
   */
  async registerCallThread(t: { callId: string; hotelId: string; token: string; hotelEmails: string[]; guests: ThreadGuest[]; domain: string }): Promise<void> {
    const now = new Date();
    await this.emails.updateOne(
      { _id: t.callId },
      {
        $setOnInsert: {
          hotelId: t.hotelId,
          kind: 'call',
          messageId: `<call-${t.callId.replace(/[^A-Za-z0-9._=-]/g, '_')}@${t.domain}>`,
          token: t.token,
          to: t.hotelEmails[0] ?? '',
          subject: '',
          hotelEmails: t.hotelEmails,
          guests: t.guests,
          state: 'sent',
          sentAt: now,
          createdAt: now,
        },
      },
      { upsert: true },
    );
  }

  /** Sent threads of the last `days` days: what an incoming message is correlated against. */
  async recentThreads(days: number, now = new Date()): Promise<SentThread[]> {
    const since = new Date(now.getTime() - days * 86_400_000);
    const docs = await this.emails.find({ state: 'sent', sentAt: { $gte: since } }).toArray();
    return docs.map((d) => ({
      emailId: d._id,
      hotelId: d.hotelId,
      messageId: d.messageId,
      token: d.token,
      to: d.to,
      hotelEmails: d.hotelEmails,
      guests: d.guests,
      open: !d.answeredAt,
    }));
  }

  /** A refused or bounced address is not tried again (the hotel document keeps the list). */
  async markHotelAddressBad(hotelId: string, address: string): Promise<void> {
    await this.store.hotels.updateOne({ _id: hotelId }, { $addToSet: { badEmails: address.toLowerCase() } as never, $set: { updatedAt: new Date() } });
  }

  async badAddresses(hotelId: string): Promise<string[]> {
    const doc = (await this.store.hotels.findOne({ _id: hotelId }, { projection: { badEmails: 1 } })) as { badEmails?: string[] } | null;
    return doc?.badEmails ?? [];
  }

  getCheckpoint(key: string): Promise<InboxCheckpoint | null> {
    return this.checkpoints.findOne({ _id: key });
  }

  async saveCheckpoint(key: string, uidValidity: string, lastUid: number): Promise<void> {
    await this.checkpoints.updateOne({ _id: key }, { $set: { uidValidity, lastUid, updatedAt: new Date() } }, { upsert: true });
  }

  isProcessed(key: string): Promise<ProcessedMessage | null> {
    return this.processed.findOne({ _id: key });
  }

  async markProcessed(rec: ProcessedMessage): Promise<void> {
    await this.processed.updateOne({ _id: rec._id }, { $setOnInsert: rec }, { upsert: true });
  }

  async putUnmatched(doc: UnmatchedMessage): Promise<void> {
    await this.unmatched.updateOne({ _id: doc._id }, { $setOnInsert: doc }, { upsert: true });
  }
}
