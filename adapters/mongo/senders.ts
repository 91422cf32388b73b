// Sender addresses learned per hotel (collection `learned_senders`): an authenticated address whose mail an
// operator assigned to one of the hotel's folios (its billing agency, a colleague on another domain). The
// inbox then accepts that address as the hotel's for automatic matches.
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, ensureIndexes, insertOnce } from './collections';

export interface LearnedSender {
  _id: string; // hotelId + address
  hotelId: string;
  address: string;
  by: string;
  learnedAt: Date;
}

export class LearnedSenderRepository {
  private readonly senders: Collection<LearnedSender>;

  constructor(db: Db) {
    this.senders = db.collection(COLLECTIONS.learnedSenders);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.senders, [{ key: { hotelId: 1 }, name: 'hotel' }]);
  }

  /** Learns an address for a hotel once (the first operator who vouched for it is kept). */
  async learn(hotelId: string, address: string, by: string): Promise<void> {
    const a = address.trim().toLowerCase();
    await insertOnce(this.senders, { _id: `${hotelId}|${a}`, hotelId, address: a, by, learnedAt: new Date() });
  }

  /** The learned addresses of these hotels, by hotel id. */
  async forHotels(hotelIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!hotelIds.length) return out;
    for (const s of await this.senders.find({ hotelId: { $in: [...new Set(hotelIds)] } }).limit(10_000).toArray()) out.set(s.hotelId, [...(out.get(s.hotelId) ?? []), s.address]);
    return out;
  }
}
