// Call recordings in GridFS (bucket `recordings`): stored once per Twilio recording sid, each with the
// date it expires; expired ones are purged in batches by the scheduled retention workflow.
import { GridFSBucket, type Collection, type Db, type GridFSFile } from 'mongodb';
import { COLLECTIONS, ensureIndexes } from './collections';

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

  constructor(db: Db) {
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
    const upload = this.bucket.openUploadStream(`${meta.recordingSid}.wav`, { metadata: meta });
    await new Promise<void>((resolve, reject) => upload.once('finish', () => resolve()).once('error', reject).end(bytes));
    const f = await this.files.findOne({ _id: upload.id });
    if (!f) throw new Error(`recording ${meta.recordingSid} was not stored`);
    return toStored(f);
  }

  /** How many recordings are stored for a call. */
  countForCall(callId: string): Promise<number> {
    return this.files.countDocuments({ 'metadata.callId': callId });
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
