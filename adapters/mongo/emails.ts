// Sent emails (collection `emails`): each request or reminder we wrote, and each call's reply thread; what
// incoming mail is correlated against. Every write is an idempotent upsert.
import type { Collection, Db } from 'mongodb';
import type { SentThread, ThreadGuest } from '../../domain/correlation';
import { DAY_MS } from '../../domain/calendar';
import { COLLECTIONS, ensureIndexes, isDuplicateKey } from './collections';

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

export class EmailRepository {
  private readonly emails: Collection<SentEmailDoc>;

  constructor(db: Db) {
    this.emails = db.collection(COLLECTIONS.emails);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.emails, [
      { key: { messageId: 1 }, name: 'message_id' },
      { key: { token: 1 }, name: 'token' },
      { key: { sentAt: -1 }, name: 'sent_at' },
    ]);
  }

  get(emailId: string): Promise<SentEmailDoc | null> {
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
    return (await this.get(doc._id))!;
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
    const since = new Date(now.getTime() - days * DAY_MS);
    const docs = await this.emails.find({ state: 'sent', sentAt: { $gte: since } }).toArray();
    return docs.map((d) => ({
      emailId: d._id,
      hotelId: d.hotelId,
      messageId: d.messageId,
      token: d.token,
      to: d.to,
      // FerretDB drops an empty array written by $setOnInsert: a thread at a hotel with no address reads back without one
      hotelEmails: d.hotelEmails ?? [],
      guests: d.guests ?? [],
      open: !d.answeredAt,
    }));
  }

  /** Every email and thread (drills read a whole run back). */
  all(): Promise<SentEmailDoc[]> {
    return this.emails.find({}).toArray();
  }
}
