// GridFS files stored encrypted (documents, recordings): the bytes under a data key of their own, the wrapped
// key and the IV/tag in the file's metadata (`enc`), so a key rotation re-wraps one small record and never
// rewrites the bytes. Files stored before encryption read as they are until the rotation encrypts them.
import { createHash } from 'node:crypto';
import type { Collection, GridFSBucket, GridFSChunk, GridFSFile } from 'mongodb';
import type { FieldCrypto, FileHeader } from './field-crypto';

/** What an encrypted file's metadata carries beside its own fields. */
export interface SealedFileMeta {
  enc?: FileHeader;
  /**
   * Set while a file stored in plaintext is being encrypted in place (rotation): the header the new chunks are
   * sealed with and the plaintext's sha256, by which a reader tells which chunks it finds.
   */
  encPending?: { header: FileHeader; plainSha256: string };
}

/** The context a file's bytes are bound to: its bucket and id. */
export const fileContext = (bucket: string, fileId: unknown) => `${bucket}:${String(fileId)}`;

export async function readChunks(bucket: GridFSBucket, fileId: unknown): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of bucket.openDownloadStream(fileId as never)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The plaintext of a stored file (a FieldDecryptError when it fails its integrity check). */
export function openFile(crypto: FieldCrypto, stored: Buffer, meta: SealedFileMeta | undefined, context: string): Buffer {
  if (meta?.enc) return crypto.openBytes(stored, meta.enc, context);
  const pending = meta?.encPending;
  // an in-place encryption that stopped half-way: the plaintext's hash tells which bytes these are
  if (pending && createHash('sha256').update(stored).digest('hex') !== pending.plainSha256) return crypto.openBytes(stored, pending.header, context);
  return stored;
}

/** Uploads bytes encrypted; the metadata gets the header. */
export function uploadSealed(bucket: GridFSBucket, crypto: FieldCrypto, fileId: unknown, filename: string, bytes: Buffer, metadata: object, bucketName: string): Promise<void> {
  const { header, ct } = crypto.sealBytes(bytes, fileContext(bucketName, fileId));
  return new Promise<void>((resolve, reject) => {
    const up = bucket.openUploadStreamWithId(fileId as never, filename, { metadata: { ...metadata, enc: header } });
    up.once('finish', () => resolve());
    up.once('error', reject);
    up.end(ct);
  });
}

/**
 * Brings one file under the active key: an encrypted one has its data key re-wrapped (one update); a plaintext
 * one is encrypted in place (pending header first, then the chunks, then the header), readable at every step.
 * Returns whether anything changed.
 */
export async function rotateFile(
  crypto: FieldCrypto,
  bucketName: string,
  files: Collection<GridFSFile>,
  chunks: Collection<GridFSChunk>,
  bucket: GridFSBucket,
  file: GridFSFile,
): Promise<boolean> {
  const meta = (file.metadata ?? {}) as SealedFileMeta;
  const context = fileContext(bucketName, file._id);
  if (meta.enc) {
    if (meta.enc.dek.k === crypto.activeKeyId) return false;
    const r = await files.updateOne({ _id: file._id, 'metadata.enc.dek.iv': meta.enc.dek.iv } as never, { $set: { 'metadata.enc': crypto.rewrapHeader(meta.enc, context) } });
    return r.modifiedCount > 0;
  }
  const plain = openFile(crypto, await readChunks(bucket, file._id), meta, context);
  const { header, ct } = crypto.sealBytes(plain, context);
  await files.updateOne({ _id: file._id }, { $set: { 'metadata.encPending': { header, plainSha256: createHash('sha256').update(plain).digest('hex') } } });
  const size = file.chunkSize;
  const parts = Array.from({ length: Math.ceil(ct.length / size) }, (_, n) => ({ files_id: file._id, n, data: ct.subarray(n * size, (n + 1) * size) }));
  await chunks.deleteMany({ files_id: file._id });
  if (parts.length) await chunks.insertMany(parts as never);
  // GridFS's own filename field may name the guest (the sealed metadata keeps what is shown): the id stands in
  await files.updateOne({ _id: file._id }, { $set: { 'metadata.enc': header, filename: String(file._id) }, $unset: { 'metadata.encPending': '' } });
  return true;
}
