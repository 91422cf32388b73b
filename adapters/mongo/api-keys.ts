// API key records (collection `api_keys`): only a hash of each key is stored; the keys themselves are
// made and checked in api/auth.ts.
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from './collections';

export type Role = 'client' | 'operator' | 'codec';

export interface ApiKeyRecord {
  _id: string; // keyId (public part of the key)
  hash: string;
  clientId: string;
  role: Role;
  name: string;
  createdAt: Date;
  revokedAt?: Date | null;
}

export class ApiKeyRepository {
  private readonly keys: Collection<ApiKeyRecord>;

  constructor(db: Db) {
    this.keys = db.collection(COLLECTIONS.apiKeys);
  }

  async insert(record: ApiKeyRecord): Promise<void> {
    await this.keys.insertOne(record);
  }

  get(keyId: string): Promise<ApiKeyRecord | null> {
    return this.keys.findOne({ _id: keyId });
  }

  /** Every key without its hash, oldest first. */
  list(): Promise<Omit<ApiKeyRecord, 'hash'>[]> {
    return this.keys.find({}, { projection: { hash: 0 } }).sort({ createdAt: 1 }).toArray();
  }

  /** False when there is no such key or it was revoked already. */
  async revoke(keyId: string): Promise<boolean> {
    const r = await this.keys.updateOne({ _id: keyId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    return r.modifiedCount > 0;
  }
}
