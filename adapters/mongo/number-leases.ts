// One call at a time to a number (collection `number_leases`): a lease per dialled number, taken atomically
// before a call is placed, released when the call is finished, and expiring so a crashed call frees the number.
// The global call cap's slots are leases of the same kind, each slot a key (call-slots.ts, collection `call_slots`).
// Only an insert by `_id` is atomic on FerretDB 1.x (its deletes and updates read, then write by id), so the
// leases of a number are generations, `<number>#<n>`: the newest decides, and taking over an expired or
// released one is the insert of the next generation, which exactly one of those racing for it wins.
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, ensureIndexes, insertOnce } from './collections';

interface NumberLease {
  _id: string; // `${number}#${generation}`
  number: string; // E.164 (or the key of a call slot)
  generation: number;
  callId: string;
  until: Date;
}

export class NumberLeaseRepository {
  private readonly leases: Collection<NumberLease>;

  constructor(db: Db, collection: string = COLLECTIONS.numberLeases) {
    this.leases = db.collection(collection);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.leases, [{ key: { number: 1, generation: -1 }, name: 'number_generation' }]);
  }

  /** Takes the number for this call until `until`; true when it holds it now (taken, its own already, or the last one expired). */
  async acquire(number: string, callId: string, until: Date, now = new Date()): Promise<boolean> {
    const latest = await this.latest(number);
    // the same call again (a retried activity) keeps its lease; only this call ever writes its own lease
    if (latest?.callId === callId) {
      await this.leases.updateOne({ _id: latest._id }, { $set: { until } });
      return true;
    }
    if (latest && latest.until.getTime() >= now.getTime()) return false;
    const generation = (latest?.generation ?? -1) + 1;
    const id = `${number}#${generation}`;
    if (!(await insertOnce(this.leases, { _id: id, number, generation, callId, until }))) return false;
    // a taker that read the number long ago may have filled a generation already cleared away: only the newest holds
    if ((await this.latest(number))?._id !== id) return false;
    // older generations decide nothing any more
    await this.leases.deleteMany({ number, generation: { $lt: generation - 1 } });
    return true;
  }

  /** Frees the number if this call holds it (its lease ends now; the next call takes the next generation). */
  async release(number: string, callId: string): Promise<void> {
    await this.leases.updateMany({ number, callId }, { $set: { until: new Date(0) } });
  }

  /** Frees whatever this call holds (the call has ended, whichever keys it took). */
  async releaseAll(callId: string): Promise<void> {
    await this.leases.updateMany({ callId }, { $set: { until: new Date(0) } });
  }

  /** The key this call holds now (an unexpired lease), if any. */
  async heldBy(callId: string, now = new Date()): Promise<string | undefined> {
    return (await this.leases.findOne({ callId, until: { $gt: now } }))?.number;
  }

  /** The keys held now by calls (unexpired leases), at most one per key. */
  async heldNow(now = new Date()): Promise<string[]> {
    const live = await this.leases.find({ until: { $gt: now } }).toArray();
    return [...new Set(live.map((l) => l.number))];
  }

  /** The call holding the number, if any (expired or not). */
  async holder(number: string): Promise<{ callId: string; until: Date } | null> {
    const latest = await this.latest(number);
    return latest && { callId: latest.callId, until: latest.until };
  }

  private latest(number: string): Promise<NumberLease | null> {
    return this.leases.find({ number }).sort({ generation: -1 }).limit(1).next();
  }
}
