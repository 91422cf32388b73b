// Re-seals every personal field and file under the active key of the ring (after a key was added and made
// active), and encrypts what was stored before encryption. Bounded batches in id order; each write is guarded
// by the value it replaces, so a concurrent write by the service is never overwritten with older data.
import { GridFSBucket, type Collection, type Db, type Document, type GridFSChunk, type GridFSFile } from 'mongodb';
import { COLLECTIONS } from './collections';
import { SEALED_CALL_FIELDS } from './calls';
import { SEALED_FOLIO_FIELDS } from './folios';
import { isEnvelope, sealContext, type FieldCrypto } from './field-crypto';
import { rotateFile } from './sealed-files';

/** Where sealed values live: per collection, the dotted path of each field and the name its seal is bound to. */
const SEALED: { collection: string; fields: { path: string; name: string }[] }[] = [
  ...Object.entries(SEALED_FOLIO_FIELDS).map(([collection, fields]) => ({ collection, fields: fields.map((f) => ({ path: f, name: f })) })),
  { collection: COLLECTIONS.calls, fields: SEALED_CALL_FIELDS.map((f) => ({ path: f, name: f })) },
  { collection: `${COLLECTIONS.documents}.files`, fields: [{ path: 'metadata.filename', name: 'filename' }] },
];
/** The seal context of a field names the aggregate (documents), not the GridFS collection it sits in. */
const contextName = (collection: string) => collection.replace(/\.files$/, '');
const BUCKETS = [COLLECTIONS.documents, COLLECTIONS.recordings];

export interface RotationReport {
  /** Per collection (or bucket), how many values or files were re-sealed. */
  resealed: Record<string, number>;
  activeKeyId: string;
}

const at = (doc: Document, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Document | undefined)?.[k], doc);

export async function rotateFieldKeys(db: Db, crypto: FieldCrypto, opts: { batchSize?: number; onBatch?: (collection: string, done: number) => void } = {}): Promise<RotationReport> {
  const batchSize = opts.batchSize ?? 200;
  const resealed: Record<string, number> = {};
  for (const { collection, fields } of SEALED) {
    const coll = db.collection<Document>(collection);
    let n = 0;
    for await (const batch of batches(coll, batchSize, Object.fromEntries(fields.map((f) => [f.path, 1])))) {
      for (const doc of batch) {
        for (const { path, name } of fields) {
          const stored = at(doc, path);
          if (!crypto.isStale(stored)) continue;
          const context = sealContext(contextName(collection), name, String(doc._id));
          const fresh = crypto.seal(crypto.open(stored, context), context);
          const guard = isEnvelope(stored) ? { [`${path}.iv`]: stored.iv } : { [`${path}._enc`]: { $exists: false } };
          n += (await coll.updateOne({ _id: doc._id, ...guard }, { $set: { [path]: fresh } })).modifiedCount;
        }
      }
      opts.onBatch?.(collection, n);
    }
    resealed[collection] = n;
  }
  for (const bucketName of BUCKETS) {
    const files = db.collection<GridFSFile>(`${bucketName}.files`);
    const chunks = db.collection<GridFSChunk>(`${bucketName}.chunks`);
    const bucket = new GridFSBucket(db, { bucketName });
    let n = 0;
    for await (const batch of batches(files, batchSize, { metadata: 1, chunkSize: 1, length: 1 })) {
      for (const f of batch) if (await rotateFile(crypto, bucketName, files, chunks, bucket, f as GridFSFile)) n++;
      opts.onBatch?.(bucketName, n);
    }
    resealed[bucketName] = n;
  }
  return { resealed, activeKeyId: crypto.activeKeyId };
}

/** A collection in id order, `size` documents at a time (each batch one bounded query). */
async function* batches<T extends Document>(coll: Collection<T>, size: number, projection: Document): AsyncGenerator<T[]> {
  let after: unknown;
  for (;;) {
    const batch = (await coll
      .find((after === undefined ? {} : { _id: { $gt: after } }) as never, { projection })
      .sort({ _id: 1 })
      .limit(size)
      .toArray()) as T[];
    if (batch.length === 0) return;
    yield batch;
    after = batch.at(-1)!._id;
    if (batch.length < size) return;
  }
}
