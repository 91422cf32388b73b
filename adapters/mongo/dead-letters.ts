// Dead letters (collection `dead_letters`): what was received but could not be acted on after every retry —
// an inbox message whose handling kept failing, a callback no workflow could be told — kept with the reason
// for an operator to see (and, for a callback, replay). Nothing received is dropped silently.
import type { Collection, Db, Filter } from 'mongodb';
import { COLLECTIONS, countBy, ensureIndexes, insertOnce } from './collections';
import { decodeCursor, toPage, type Page } from './cursor';
import { BOUNDS, clip } from './bounds';

export const DEAD_LETTER_KINDS = ['mail', 'callback'] as const;
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

export interface DeadLetter {
  _id: string; // `${kind}:${key}`
  kind: DeadLetterKind;
  /** The key of what failed: the inbox ledger key of a message, the callback inbox id of a callback. */
  key: string;
  /** What it is, for a person: the message's Message-ID, sender and subject; the signal and its workflow. */
  subject: string;
  reason: string;
  attempts: number;
  failedAt: Date;
  replayed?: { by: string; at: Date };
}

export class DeadLetterRepository {
  private readonly letters: Collection<DeadLetter>;

  constructor(db: Db) {
    this.letters = db.collection(COLLECTIONS.deadLetters);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.letters, [{ key: { failedAt: -1, _id: 1 }, name: 'failed' }]);
  }

  /** Records a dead letter once per (kind, key); a later failure of the same thing after a replay records it again. */
  async add(letter: Omit<DeadLetter, '_id' | 'failedAt'>): Promise<DeadLetter> {
    const doc: DeadLetter = { ...letter, _id: `${letter.kind}:${letter.key}`, subject: clip(letter.subject, BOUNDS.reason), reason: clip(letter.reason, BOUNDS.reason), failedAt: new Date() };
    if (!(await insertOnce(this.letters, doc))) {
      await this.letters.updateOne({ _id: doc._id }, { $set: { reason: doc.reason, attempts: doc.attempts, failedAt: doc.failedAt }, $unset: { replayed: '' } });
    }
    return doc;
  }

  get(id: string): Promise<DeadLetter | null> {
    return this.letters.findOne({ _id: id });
  }

  /** Newest first; replayed ones only when asked for. */
  async list(page: { limit: number; after?: string; kind?: DeadLetterKind; includeReplayed?: boolean }): Promise<Page<DeadLetter>> {
    const filter: Filter<DeadLetter> = {};
    if (page.kind) filter.kind = page.kind;
    if (!page.includeReplayed) filter.replayed = { $exists: false };
    if (page.after) {
      const [ms, id] = decodeCursor(page.after, ['number', 'string']);
      filter.$or = [{ failedAt: { $lt: new Date(ms) } }, { failedAt: new Date(ms), _id: { $gt: id } }];
    }
    const docs = await this.letters.find(filter).sort({ failedAt: -1, _id: 1 }).limit(page.limit + 1).toArray();
    return toPage(docs, page.limit, (last) => [new Date(last.failedAt).getTime(), last._id]);
  }

  /** Marks it replayed unless it already is: true when this call did. */
  async markReplayed(id: string, by: string): Promise<boolean> {
    const r = await this.letters.updateOne({ _id: id, replayed: { $exists: false } }, { $set: { replayed: { by, at: new Date() } } });
    return r.modifiedCount > 0;
  }

  /** Retention: deletes up to `limit` dead letters that failed before `before`; returns what they were. */
  async purgeFailedBefore(before: Date, limit: number): Promise<Pick<DeadLetter, '_id' | 'kind' | 'key'>[]> {
    const due = await this.letters.find({ failedAt: { $lt: before } }, { projection: { _id: 1, kind: 1, key: 1 } }).limit(limit).toArray();
    if (due.length) await this.letters.deleteMany({ _id: { $in: due.map((d) => d._id) } });
    return due;
  }

  /** Dead letters waiting for a person, by kind. */
  countWaiting(): Promise<Map<string, number>> {
    return countBy(this.letters, 'kind', { replayed: { $exists: false } });
  }
}
