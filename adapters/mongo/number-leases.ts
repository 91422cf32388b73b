// One call at a time to a number (collection `number_leases`): a lease per dialled number, taken atomically
// before a call is placed, released when the call is finished, and expiring so a crashed call frees the number.
// Atomic on MongoDB and FerretDB alike: only an insert by `_id` decides, and an expired lease is removed by
// a delete that matches it only while it is expired.
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, insertOnce } from './collections';

interface NumberLease {
  _id: string; // the number, E.164
  callId: string;
  until: Date;
}

export class NumberLeaseRepository {
  private readonly leases: Collection<NumberLease>;

  constructor(db: Db) {
    this.leases = db.collection(COLLECTIONS.numberLeases);
  }

  /** Takes the number for this call until `until`; true when it holds it now (taken, its own already, or the last one expired). */
  async acquire(number: string, callId: string, until: Date, now = new Date()): Promise<boolean> {
    if (await insertOnce(this.leases, { _id: number, callId, until })) return true;
    // the same call again (a retried activity) keeps its lease
    if ((await this.leases.updateOne({ _id: number, callId }, { $set: { until } })).matchedCount > 0) return true;
    // another call's lease that has run out is removed; then the insert decides between whoever races for it
    await this.leases.deleteOne({ _id: number, until: { $lt: now } });
    return insertOnce(this.leases, { _id: number, callId, until });
  }

  /** Frees the number if this call holds it. */
  async release(number: string, callId: string): Promise<void> {
    await this.leases.deleteOne({ _id: number, callId });
  }

  /** The call holding the number, if any (expired or not). */
  async holder(number: string): Promise<{ callId: string; until: Date } | null> {
    return this.leases.findOne({ _id: number }, { projection: { _id: 0, callId: 1, until: 1 } });
  }
}
