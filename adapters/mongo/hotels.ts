// Hotels (collection `hotels`): the configuration operators give, plus what calls and emails teach us
// (the IVR path, answer rates by hour, addresses that bounced, addresses given on calls). A hotel a client gave inline carries
// `ownerClientId`: listings for a client hold the shared hotels and its own, never another client's.
import type { Collection, Db, Filter } from 'mongodb';
import { hotelAddresses, type Hotel } from '../../domain/model';
import type { PhoneAgreement } from '../../domain/batching';
import type { LearnedContact } from '../../domain/schemas';
import { decodeCursor, toPage, type Page } from './cursor';
import { COLLECTIONS, ensureIndexes } from './collections';

type HotelDoc = Hotel & { _id: string; updatedAt?: Date };
/** A hotel and when its record last changed (null for records written before that was kept). */
export type StoredHotel = Hotel & { updatedAt: string | null };

function toHotel(doc: HotelDoc): Hotel {
  const { _id: _ignored, updatedAt: _u, ...hotel } = doc;
  return hotel;
}
/** Without the fields that are undefined (the driver would store them as null). */
const defined = (hotel: Hotel) => Object.fromEntries(Object.entries(hotel).filter(([, v]) => v !== undefined)) as Hotel;
const toStored = (doc: HotelDoc): StoredHotel => ({ ...toHotel(doc), updatedAt: doc.updatedAt ? doc.updatedAt.toISOString() : null });

export class HotelRepository {
  private readonly hotels: Collection<HotelDoc>;

  constructor(db: Db) {
    this.hotels = db.collection(COLLECTIONS.hotels);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.hotels, [{ key: { phone: 1 }, name: 'phone' }]);
  }

  async get(hotelId: string): Promise<Hotel | null> {
    const doc = await this.hotels.findOne({ _id: hotelId });
    return doc && toHotel(doc);
  }

  async getStored(hotelId: string): Promise<StoredHotel | null> {
    const doc = await this.hotels.findOne({ _id: hotelId });
    return doc && toStored(doc);
  }

  /** The hotel with this phone number (the sandbox's simulated hotels answer by number). */
  async byPhone(phone: string): Promise<Hotel | null> {
    const doc = await this.hotels.findOne({ phone });
    return doc && toHotel(doc);
  }

  /**
   * Whose vouched-for senders count for each of these hotels: the hotel and every hotel of its chain (when its
   * configuration names one), and the folio senders configured on any of them. A hotel not on file stands alone.
   */
  async senderScopes(hotelIds: string[]): Promise<Map<string, { hotelIds: string[]; folioSenders: string[] }>> {
    const ids = [...new Set(hotelIds)];
    const projection = { chain: 1, folioSenders: 1 };
    const own = ids.length ? await this.hotels.find({ _id: { $in: ids } }, { projection }).toArray() : [];
    const chains = [...new Set(own.flatMap((h) => (h.chain ? [h.chain] : [])))];
    const mates = chains.length ? await this.hotels.find({ chain: { $in: chains } }, { projection }).limit(10_000).toArray() : [];
    const byId = new Map(own.map((h) => [h._id, h]));
    return new Map(
      ids.map((id) => {
        const h = byId.get(id);
        const group = h?.chain ? mates.filter((m) => m.chain === h.chain) : h ? [h] : [];
        return [id, { hotelIds: [...new Set([id, ...group.map((m) => m._id)])], folioSenders: [...new Set(group.flatMap((m) => m.folioSenders ?? []))] }];
      }),
    );
  }

  /** Hotels a sandbox profile plays. */
  async simulated(): Promise<Hotel[]> {
    return (await this.hotels.find({ sandboxProfile: { $exists: true } }).toArray()).map(toHotel);
  }

  /** In id order; with `visibleTo`, only the hotels that client may see (domain/client-view.ts `hotelVisibleTo`). */
  async list(page: { limit: number; after?: string }, visibleTo?: string): Promise<Page<StoredHotel>> {
    const after = page.after ? decodeCursor(page.after, ['string'])[0] : undefined;
    const q: Filter<HotelDoc> = after ? { _id: { $gt: after } } : {};
    // Shared (no owner, and not an unvetted inline record `h-…` from before inline hotels were per client) or its own.
    if (visibleTo !== undefined) q.$or = [{ ownerClientId: visibleTo }, { ownerClientId: { $exists: false }, _id: { $not: /^h-/ } }];
    const docs = await this.hotels
      .find(q)
      .sort({ _id: 1 })
      .limit(page.limit + 1)
      .toArray();
    return toPage(docs.map(toStored), page.limit, (last) => [last.hotelId]);
  }

  /** Creates or updates the given fields; fields not given are kept. */
  async upsert(hotel: Hotel): Promise<void> {
    await this.hotels.updateOne({ _id: hotel.hotelId }, { $set: { ...defined(hotel), updatedAt: new Date() } }, { upsert: true });
  }

  /** A full replacement: a field left out (e.g. ivrPath) is removed, not kept from before. */
  async replace(hotel: Hotel): Promise<void> {
    await this.hotels.replaceOne({ _id: hotel.hotelId }, { ...defined(hotel), updatedAt: new Date() });
  }

  /** A refused or bounced address is not tried again (the hotel keeps the list). */
  async markAddressBad(hotelId: string, address: string): Promise<void> {
    await this.hotels.updateOne({ _id: hotelId }, { $addToSet: { badEmails: address.toLowerCase() }, $set: { updatedAt: new Date() } });
  }

  async badAddresses(hotelId: string): Promise<string[]> {
    const doc = await this.hotels.findOne({ _id: hotelId }, { projection: { badEmails: 1 } });
    return doc?.badEmails ?? [];
  }

  /**
   * An address the hotel gave us on a call, kept with where it came from (the folio's next email and every later
   * folio's go there first). False when it is known already, when the hotel keeps 20 learned addresses, or when
   * there is no such hotel.
   */
  async learnContactFromCall(hotelId: string, contact: LearnedContact): Promise<boolean> {
    const email = contact.email.toLowerCase();
    const doc = await this.hotels.findOne({ _id: hotelId }, { projection: { emails: 1, learnedContacts: 1 } });
    const learned = doc?.learnedContacts ?? [];
    if (!doc || learned.length >= 20 || learned.some((c) => c.email === email) || doc.emails.some((e) => e.toLowerCase() === email)) return false;
    // two calls learning the same address at once may both add it: readers de-duplicate (domain/model.ts hotelAddresses)
    await this.hotels.updateOne({ _id: hotelId }, { $push: { learnedContacts: { ...contact, email } }, $set: { updatedAt: new Date() } });
    return true;
  }

  /** Learned addresses, newest first, without those that bounced since. */
  async learnedAddresses(hotelId: string): Promise<string[]> {
    const doc = await this.hotels.findOne({ _id: hotelId }, { projection: { learnedContacts: 1, badEmails: 1 } });
    return hotelAddresses({ emails: [], badEmails: doc?.badEmails ?? [], learnedContacts: doc?.learnedContacts ?? [] });
  }

  /** The DTMF path that reached a person; false when there is no such hotel. */
  async learnIvrPath(hotelId: string, path: string): Promise<boolean> {
    const r = await this.hotels.updateOne({ _id: hotelId }, { $set: { ivrPath: path, 'stats.lastSuccessfulIvrPath': path, updatedAt: new Date() } });
    return r.matchedCount > 0;
  }

  /**
   * One more call attempt at this hotel-local hour (when known), and whether a person answered it; with `agreement`,
   * the call on which a person agreed to send folios (a later dispatcher of the hotel starts from it); `null`: a
   * person spoke and agreed to nothing, so an earlier agreement no longer holds.
   */
  async countCallAttempt(hotelId: string, hour: number | undefined, answered: boolean, agreement?: PhoneAgreement | null): Promise<void> {
    if (hour === undefined && agreement === undefined) return;
    const at = `stats.callsByHour.${hour}`;
    const inc = hour === undefined ? undefined : { [`${at}.attempts`]: 1, [`${at}.answered`]: answered ? 1 : 0 };
    const lastPhoneAgreement = agreement && { callId: agreement.callId, at: new Date(agreement.at).toISOString(), ...(agreement.email && { email: agreement.email }) };
    await this.hotels.updateOne(
      { _id: hotelId },
      {
        ...(inc && { $inc: inc }),
        $set: { updatedAt: new Date(), ...(lastPhoneAgreement && { 'stats.lastPhoneAgreement': lastPhoneAgreement }) },
        ...(agreement === null && { $unset: { 'stats.lastPhoneAgreement': '' } }),
      },
    );
  }
}
