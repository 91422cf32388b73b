// Callbacks received and not yet told to their workflow (collection `callback_inbox`): each accepted Twilio,
// ElevenLabs, media-stream or inbox signal is written here, under a unique key, before it is answered; the
// relay claims it (a lease, so a relay that dies gives it back), sends it, and records the outcome. Kept a
// while after delivery so a repeat of the same callback is recognised.
import type { Collection, Db } from 'mongodb';
import type { EncodedPayload } from '../../temporal/edge';
import { COLLECTIONS, countBy, ensureIndexes, insertOnce } from './collections';
import { BOUNDS, clip } from './bounds';

export type CallbackSource = 'twilio' | 'elevenlabs' | 'media-stream' | 'inbox';

export interface InboxCallback {
  _id: string; // the callback's key: the same callback always has the same one
  source: CallbackSource;
  workflowId: string;
  signal: string;
  /** The signal's arguments, encoded (and encrypted) by the Temporal data converter. */
  payloads: EncodedPayload[];
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  receivedAt: Date;
  /** Arrival order (µs-ish: milliseconds × 1000 + a counter), so one workflow's callbacks are sent in the order they came. */
  order: number;
  nextAttemptAt: Date;
  lease?: { owner: string; until: Date };
  deliveredAt?: Date;
  /** `sent`, or `gone` when the workflow had already ended (a late or repeated callback). */
  outcome?: 'sent' | 'gone';
  lastError?: string;
}

export class CallbackInboxRepository {
  private readonly callbacks: Collection<InboxCallback>;
  private arrivals = 0;

  constructor(db: Db) {
    this.callbacks = db.collection(COLLECTIONS.callbackInbox);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.callbacks, [
      { key: { state: 1, order: 1 }, name: 'due' },
      { key: { deliveredAt: 1 }, name: 'delivered', sparse: true },
      { key: { workflowId: 1 }, name: 'workflow' },
    ]);
  }

  /** Writes a callback down once ('duplicate' when one with its key is already here), leased already when the writer sends it itself. */
  async accept(c: Pick<InboxCallback, '_id' | 'source' | 'workflowId' | 'signal' | 'payloads'>, now = new Date(), lease?: InboxCallback['lease']): Promise<'accepted' | 'duplicate'> {
    const order = now.getTime() * 1000 + (this.arrivals++ % 1000);
    return (await insertOnce(this.callbacks, { ...c, state: 'pending', attempts: 0, receivedAt: now, order, nextAttemptAt: now, ...(lease && { lease }) })) ? 'accepted' : 'duplicate';
  }

  /** Claims up to `limit` due callbacks for `owner` (in arrival order) until the lease ends. */
  async claim(owner: string, limit: number, leaseMs: number, now = new Date()): Promise<InboxCallback[]> {
    const out: InboxCallback[] = [];
    while (out.length < limit) {
      const c = await this.callbacks.findOneAndUpdate(
        { state: 'pending', nextAttemptAt: { $lte: now }, $or: [{ lease: { $exists: false } }, { 'lease.until': { $lt: now } }] },
        { $set: { lease: { owner, until: new Date(now.getTime() + leaseMs) } } },
        { sort: { order: 1 }, returnDocument: 'after' },
      );
      if (!c) break;
      out.push(c);
    }
    return out;
  }

  /** Records the delivery (only the lease holder can). */
  async delivered(id: string, owner: string, outcome: 'sent' | 'gone'): Promise<void> {
    await this.callbacks.updateOne({ _id: id, 'lease.owner': owner }, { $set: { state: 'delivered', outcome, deliveredAt: new Date() }, $unset: { lease: '' } });
  }

  /** One more failed attempt; tried again at `at`. Returns the number of attempts so far. */
  async retryLater(id: string, owner: string, error: string, at: Date): Promise<void> {
    await this.callbacks.updateOne({ _id: id, 'lease.owner': owner }, { $inc: { attempts: 1 }, $set: { nextAttemptAt: at, lastError: clip(error, BOUNDS.reason) }, $unset: { lease: '' } });
  }

  /** Given up on: a dead letter now (kept, not sent again until an operator replays it). */
  async dead(id: string, owner: string, error: string): Promise<void> {
    await this.callbacks.updateOne({ _id: id, 'lease.owner': owner }, { $inc: { attempts: 1 }, $set: { state: 'dead', lastError: clip(error, BOUNDS.reason) }, $unset: { lease: '' } });
  }

  /** Puts a dead callback back in line (an operator's replay): false when it is not dead. */
  async requeue(id: string, now = new Date()): Promise<boolean> {
    const r = await this.callbacks.updateOne({ _id: id, state: 'dead' }, { $set: { state: 'pending', attempts: 0, receivedAt: now, nextAttemptAt: now }, $unset: { lastError: '' } });
    return r.modifiedCount > 0;
  }

  get(id: string): Promise<InboxCallback | null> {
    return this.callbacks.findOne({ _id: id });
  }

  /** What was accepted for one workflow (oldest first). */
  forWorkflow(workflowId: string, limit = 500): Promise<InboxCallback[]> {
    return this.callbacks.find({ workflowId }).sort({ receivedAt: 1 }).limit(limit).toArray();
  }

  /** Forgets callbacks delivered before `before` (their repeats are long over). */
  async purgeDelivered(before: Date): Promise<number> {
    return (await this.callbacks.deleteMany({ state: 'delivered', deliveredAt: { $lt: before } })).deletedCount;
  }

  /** Retention: forgets up to `limit` callbacks delivered before `before`. */
  async purgeDeliveredBatch(before: Date, limit: number): Promise<number> {
    const due = await this.callbacks.find({ state: 'delivered', deliveredAt: { $lt: before } }, { projection: { _id: 1 } }).limit(limit).toArray();
    if (due.length === 0) return 0;
    return (await this.callbacks.deleteMany({ _id: { $in: due.map((c) => c._id) }, state: 'delivered' })).deletedCount;
  }

  /** Retention: forgets these callbacks if they are (still) dead letters, with their encrypted arguments. */
  async purgeDead(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.callbacks.deleteMany({ _id: { $in: [...ids] }, state: 'dead' })).deletedCount;
  }

  countByState(): Promise<Map<string, number>> {
    return countBy(this.callbacks, 'state');
  }
}
