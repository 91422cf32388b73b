// Client settings (collection `clients`): per client, its policy, call quotas, the countries it may have
// called, and the secrets its delivery webhooks are signed with (sealed: only ciphertext is stored).
// A client without a record has the defaults.
import type { Collection, Db } from 'mongodb';
import type { ClientPolicy } from '../../domain/model';
import { COLLECTIONS, isDuplicateKey } from './collections';

export interface ClientQuotas {
  /** Calls placed for this client's folios at once. */
  concurrentCalls?: number;
  /** Calls placed for this client's folios in any 24 hours. */
  callsPerDay?: number;
}

/** A delivery signing secret, sealed with the payload key ring (`keyId` names the key). */
export interface SealedSecret {
  secretId: string;
  keyId: string;
  sealed: string;
  createdAt: Date;
  /** Null while it is the current secret; set when a newer one replaced it (the end of the overlap). */
  expiresAt: Date | null;
}

export interface ClientRecord {
  _id: string; // clientId
  policy?: Partial<ClientPolicy>;
  quotas?: ClientQuotas;
  /** Operators narrow the countries this client's inline hotels may be called in (null: the deployment's list). */
  allowedCountries?: string[] | null;
  deliverySecrets?: SealedSecret[];
  /** Bumped on every secrets change, so two concurrent rotations cannot both win. */
  version?: number;
  updatedAt: Date;
}

export type ClientSettingsChange = Partial<Pick<ClientRecord, 'policy' | 'quotas' | 'allowedCountries'>>;

export class ClientRepository {
  private readonly clients: Collection<ClientRecord>;

  constructor(db: Db) {
    this.clients = db.collection(COLLECTIONS.clients);
  }

  get(clientId: string): Promise<ClientRecord | null> {
    return this.clients.findOne({ _id: clientId });
  }

  /** Sets the given settings (fields not given are kept). */
  async change(clientId: string, change: ClientSettingsChange): Promise<ClientRecord> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    for (const [k, v] of Object.entries(change.policy ?? {})) if (v !== undefined) set[`policy.${k}`] = v;
    for (const [k, v] of Object.entries(change.quotas ?? {})) if (v !== undefined) set[`quotas.${k}`] = v;
    if (change.allowedCountries !== undefined) set.allowedCountries = change.allowedCountries;
    await this.clients.updateOne({ _id: clientId }, { $set: set }, { upsert: true });
    return (await this.get(clientId))!;
  }

  /**
   * Replaces the secret list by what `next` makes of the current one, unless another change came first
   * (then reads again and retries). Returns the stored list.
   */
  async changeSecrets(clientId: string, next: (current: SealedSecret[]) => SealedSecret[]): Promise<SealedSecret[]> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.get(clientId);
      const version = doc?.version ?? 0;
      const secrets = next(doc?.deliverySecrets ?? []);
      const set = { deliverySecrets: secrets, version: version + 1, updatedAt: new Date() };
      if (!doc) {
        try {
          await this.clients.insertOne({ _id: clientId, ...set });
          return secrets;
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
          continue; // created meanwhile: read it and apply the change to it
        }
      }
      const r = await this.clients.updateOne({ _id: clientId, ...(doc.version === undefined ? { version: { $exists: false } } : { version }) }, { $set: set });
      if (r.modifiedCount === 1) return secrets;
    }
    throw new Error(`delivery secrets of client ${clientId} kept changing under us`);
  }
}
