// Writes ordered by a sequence number ("apply unless a newer one is stored"), in the form each store runs
// well. MongoDB, and the embedded store's patched FerretDB (its `--test-sqlite-pushdown` finds the `_id` of an
// update's filter through SQL; buildInfo says so): one conditional upsert per document, atomic, batched into one
// bulk write. A FerretDB 1.x without it runs an update's query from its primary key only when the filter is the
// id alone (any other filter decodes the whole collection, ~0.3 s per write at 10,000 folios), so there the seq is
// read by id and the write goes by id: not atomic, but a folio's writes come in order from its workflow, and the
// next one mends a lost race. Stock FerretDB 1.24 also never answered an update command of 100 updates or more
// (each update's query held one of its 100 SQLite connections until the command ended); there the writes go in
// bulks of FERRET_BULK_MAX, one after the other, and other writers get their turn between bulks.
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Db, type Document, type Filter, type UpdateFilter } from 'mongodb';

const DUPLICATE_KEY = 11000;

/** Updates per bulk write on a FerretDB without the patch: well below the 100 at which it stalls, leaving room for other writers. */
export const FERRET_BULK_MAX = 25;

export interface GuardedWrite {
  _id: string;
  seq: number;
  /** Fields set by this write (its seq among them). */
  set: Document;
  /** Fields set only when the document is created. */
  setOnInsert: Document;
}

/** Whether a stored seq makes a write stale: only a newer one does (the same seq again rewrites the same state). */
export function writeIsStale(storedSeq: number | undefined, seq: number): boolean {
  return storedSeq !== undefined && storedSeq > seq;
}

/** How a store takes guarded writes: conditional upserts, or (a FerretDB that scans for them) read the seq, write by id. */
export type GuardedWriteMode = 'conditional' | 'by-id';

/** From a store's buildInfo: FerretDB names itself, and the embedded store's patch says it pushes `_id` down. */
export function guardedWriteMode(buildInfo: Document): GuardedWriteMode {
  if (!('ferretdbVersion' in buildInfo)) return 'conditional';
  const features = buildInfo.ferretdbFeatures as Document | undefined;
  return features?.sqlitePushdown === true ? 'conditional' : 'by-id';
}

export class GuardedWrites {
  private mode?: Promise<GuardedWriteMode>;

  constructor(private readonly db: Db) {}

  /** Asked once per store. */
  private writeMode(): Promise<GuardedWriteMode> {
    this.mode ??= this.db
      .command({ buildInfo: 1 })
      .then(guardedWriteMode)
      .catch(() => {
        this.mode = undefined; // ask again next time
        return 'conditional' as const;
      });
    return this.mode;
  }

  /** Applies each write unless its document holds a newer seq; per write, whether it applied. */
  async apply<T extends Document & { _id: string }>(collection: Collection<T>, writes: readonly GuardedWrite[]): Promise<boolean[]> {
    if (writes.length === 0) return [];
    if ((await this.writeMode()) === 'conditional') return this.conditional(collection, writes);
    const applied: boolean[] = [];
    for (let i = 0; i < writes.length; i += FERRET_BULK_MAX) applied.push(...(await this.byId(collection, writes.slice(i, i + FERRET_BULK_MAX))));
    return applied;
  }

  private async conditional<T extends Document & { _id: string }>(collection: Collection<T>, writes: readonly GuardedWrite[]): Promise<boolean[]> {
    const ops = writes.map(
      (w): AnyBulkWriteOperation<T> => ({
        updateOne: {
          filter: { _id: w._id, $or: [{ seq: { $lte: w.seq } }, { seq: { $exists: false } }] } as Filter<T>,
          update: { $set: w.set, ...(Object.keys(w.setOnInsert).length && { $setOnInsert: w.setOnInsert }) } as UpdateFilter<T>,
          upsert: true,
        },
      }),
    );
    const applied = writes.map(() => true);
    try {
      await collection.bulkWrite(ops, { ordered: false });
    } catch (e) {
      // a newer write is there already: the upsert found no match and its insert met the id
      const stale = duplicateKeyIndexes(e);
      if (!stale) throw e;
      for (const i of stale) applied[i] = false;
    }
    return applied;
  }

  private async byId<T extends Document & { _id: string }>(collection: Collection<T>, writes: readonly GuardedWrite[], retried = false): Promise<boolean[]> {
    const stored = await Promise.all(writes.map((w) => collection.findOne({ _id: w._id } as Filter<T>, { projection: { seq: 1 } })));
    const fresh = writes.map((w, i) => !writeIsStale(stored[i]?.seq as number | undefined, w.seq));
    const sent = writes.filter((_w, i) => fresh[i]);
    const ops = sent.map((w): AnyBulkWriteOperation<T> => {
      const update = stored[writes.indexOf(w)] ? { $set: w.set } : { $set: { ...w.setOnInsert, ...w.set } };
      return { updateOne: { filter: { _id: w._id } as Filter<T>, update: update as UpdateFilter<T>, upsert: true } };
    });
    try {
      if (ops.length) await collection.bulkWrite(ops, { ordered: false });
    } catch (e) {
      // another writer created the document between our read and our upsert: weigh these writes against what it stored
      const lost = duplicateKeyIndexes(e);
      if (!lost || retried) throw e;
      const again = await this.byId(collection, lost.map((i) => sent[i]!), true);
      lost.forEach((i, k) => (fresh[writes.indexOf(sent[i]!)] = again[k]!));
    }
    return fresh;
  }
}

/** The indexes of a bulk write's operations that met an existing id, when that is all that failed. */
function duplicateKeyIndexes(e: unknown): number[] | undefined {
  if (!(e instanceof MongoBulkWriteError)) return undefined;
  const errors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  return errors.every((w) => w.code === DUPLICATE_KEY) ? errors.map((w) => w.index) : undefined;
}
