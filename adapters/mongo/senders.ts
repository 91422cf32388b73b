// Sender addresses learned per hotel (collection `learned_senders`): an authenticated address whose mail an
// operator assigned to one of the hotel's folios (its billing agency, a colleague on another domain), or that
// answered carrying the reference of our request to the hotel (a chain's accounting office the hotel passed it
// to). The inbox then accepts that address as the hotel's for automatic matches, and as every hotel's of the
// same chain when the hotel's configuration names one.
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, ensureIndexes, insertOnce } from './collections';

export interface LearnedSender {
  _id: string; // hotelId + address
  hotelId: string;
  address: string;
  /** The hotel's chain when it was learned: the address then counts for the chain's other hotels too. */
  chain?: string;
  /** Who vouched: an operator's name, or `reference:<rule>` when the message carried our request's reference. */
  by: string;
  learnedAt: Date;
}

/** A hotel whose learned senders are wanted, with its chain if its configuration names one. */
export interface SenderScope {
  hotelId: string;
  chain?: string;
}

export class LearnedSenderRepository {
  private readonly senders: Collection<LearnedSender>;

  constructor(db: Db) {
    this.senders = db.collection(COLLECTIONS.learnedSenders);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.senders, [
      { key: { hotelId: 1 }, name: 'hotel' },
      { key: { chain: 1 }, name: 'chain' },
    ]);
  }

  /** Learns an address for a hotel once (the first who vouched for it is kept). */
  async learn(hotelId: string, address: string, by: string, chain?: string): Promise<void> {
    const a = address.trim().toLowerCase();
    await insertOnce(this.senders, { _id: `${hotelId}|${a}`, hotelId, address: a, by, learnedAt: new Date(), ...(chain ? { chain } : {}) });
  }

  /** The learned addresses of these hotels, by hotel id: their own, and those learned at another hotel of their chain. */
  async forHotels(scopes: SenderScope[]): Promise<Map<string, string[]>> {
    const out = new Map<string, Set<string>>();
    if (!scopes.length) return new Map();
    const add = (hotelId: string, address: string) => out.set(hotelId, (out.get(hotelId) ?? new Set()).add(address));
    const hotelIds = [...new Set(scopes.map((s) => s.hotelId))];
    for (const s of await this.senders.find({ hotelId: { $in: hotelIds } }).limit(10_000).toArray()) add(s.hotelId, s.address);
    const chains = [...new Set(scopes.flatMap((s) => (s.chain ? [s.chain] : [])))];
    if (chains.length) {
      const byChain = await this.senders.find({ chain: { $in: chains } }).limit(10_000).toArray();
      for (const scope of scopes) for (const s of byChain) if (scope.chain && s.chain === scope.chain) add(scope.hotelId, s.address);
    }
    return new Map([...out].map(([k, v]) => [k, [...v]]));
  }
}
