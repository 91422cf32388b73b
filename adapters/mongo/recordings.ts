// Call recordings in GridFS (bucket `recordings`): stored once per Twilio recording sid, each with the
// date it expires; expired ones are purged in batches by the scheduled retention workflow. The audio is
// encrypted at rest (sealed-files.ts).
import { GridFSBucket, ObjectId, type Collection, type Db, type GridFSFile } from 'mongodb';
import { COLLECTIONS, ensureIndexes } from './collections';
import { FieldCrypto } from './field-crypto';
import { fileContext, openFile, readChunks, uploadSealed, type SealedFileMeta } from './sealed-files';

export const RECORDINGS_BUCKET = COLLECTIONS.recordings;

export interface RecordingMeta {
  callId: string;
  recordingSid: string;
  durationSeconds: number;
  contentType: string;
  expiresAt: Date;
}

export interface StoredRecording {
  fileId: unknown;
  size: number;
  expiresAt: Date;
}

const toStored = (f: GridFSFile): StoredRecording => ({ fileId: f._id, size: f.length, expiresAt: (f.metadata as RecordingMeta).expiresAt });

export class RecordingRepository {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<GridFSFile>;

  constructor(
    db: Db,
    private readonly crypto: FieldCrypto = FieldCrypto.sandbox(),
  ) {
    this.bucket = new GridFSBucket(db, { bucketName: RECORDINGS_BUCKET });
    this.files = db.collection(`${RECORDINGS_BUCKET}.files`);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.files, [
      { key: { 'metadata.recordingSid': 1 }, name: 'recording_sid' },
      { key: { 'metadata.expiresAt': 1 }, name: 'expires' },
      { key: { 'metadata.callId': 1 }, name: 'call' },
    ]);
  }

  async bySid(recordingSid: string): Promise<StoredRecording | null> {
    const f = await this.files.findOne({ 'metadata.recordingSid': recordingSid });
    return f && toStored(f);
  }

  /** Stores the bytes unless a recording with this sid is stored already; returns the stored one. */
  async save(bytes: Buffer, meta: RecordingMeta): Promise<StoredRecording> {
    const existing = await this.bySid(meta.recordingSid);
    if (existing) return existing;
    const fileId = new ObjectId();
    await uploadSealed(this.bucket, this.crypto, fileId, `${meta.recordingSid}.wav`, bytes, meta, RECORDINGS_BUCKET);
    const f = await this.files.findOne({ _id: fileId });
    if (!f) throw new Error(`recording ${meta.recordingSid} was not stored`);
    return toStored(f);
  }

  /** How many recordings are stored for a call. */
  countForCall(callId: string): Promise<number> {
    return this.files.countDocuments({ 'metadata.callId': callId });
  }

  /** A recording's audio, decrypted (a FieldDecryptError when it fails its integrity check). */
  async read(fileId: unknown): Promise<Buffer | null> {
    const f = await this.files.findOne({ _id: fileId as never });
    return f && openFile(this.crypto, await readChunks(this.bucket, f._id), f.metadata as SealedFileMeta, fileContext(RECORDINGS_BUCKET, f._id));
  }

  async exists(fileId: unknown): Promise<boolean> {
    return (await this.files.countDocuments({ _id: fileId as never })) > 0;
  }

  /** Deletes up to `limit` recordings past their retention date; returns the calls they belonged to. */
  async purgeExpired(now: Date, limit: number, onError: (err: unknown) => void): Promise<string[]> {
    const expired = await this.files
      .find({ 'metadata.expiresAt': { $lt: now } }, { projection: { _id: 1, 'metadata.callId': 1 } })
      .limit(limit)
      .toArray();
    for (const f of expired) await this.bucket.delete(f._id).catch(onError);
    return expired.map((f) => (f.metadata as RecordingMeta).callId);
  }
}
