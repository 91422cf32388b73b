// Webhook signatures already accepted (collection `webhook_replays`), shared by every API instance, so a
// captured request cannot be played again. Kept as long as a signature could still pass the age check.
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, ensureIndexes, insertOnce } from './collections';
import { MINUTE_MS } from '../../domain/calendar';

/** How long a signed webhook stays acceptable, and so how long its signature is remembered. */
export const REPLAY_WINDOW_MS = 30 * MINUTE_MS;

export class ReplayGuard {
  private readonly seen: Collection<{ _id: string; at: Date }>;

  constructor(db: Db) {
    this.seen = db.collection(COLLECTIONS.webhookReplays);
  }

  /** A TTL index drops old signatures where the store supports it; firstTime sweeps them where not. */
  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.seen, [{ key: { at: 1 }, name: 'expires', expireAfterSeconds: REPLAY_WINDOW_MS / 1000 }]).catch(() => undefined);
  }

  /** True the first time a signature is presented within the window; false for a replay. */
  async firstTime(signature: string, now = new Date()): Promise<boolean> {
    await this.seen.deleteMany({ at: { $lt: new Date(now.getTime() - REPLAY_WINDOW_MS) } });
    return insertOnce(this.seen, { _id: signature, at: now });
  }
}
