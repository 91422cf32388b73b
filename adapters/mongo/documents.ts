// Folio documents in GridFS (bucket `documents`): stored once per content (sha256), typed from the
// bytes, bounded in size, encrypted at rest (sealed-files.ts; the filename sealed too, as it may name the
// guest). Workflows only ever see the DocumentRef.
import { createHash } from 'node:crypto';
import { GridFSBucket, type Collection, type Db, type GridFSChunk, type GridFSFile } from 'mongodb';
import type { DocumentStore } from '../../domain/ports';
import type { DocumentRef } from '../../domain/model';
import { sniffContentType } from '../extraction/sniff';
import { COLLECTIONS, isDuplicateKey } from './collections';
import { FieldCrypto, sealContext, type Envelope } from './field-crypto';
import { fileContext, openFile, readChunks, uploadSealed, type SealedFileMeta } from './sealed-files';

export const DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export class DocumentTooLargeError extends Error {
  override name = 'DocumentTooLargeError';
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`document of ${(size / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit`);
  }
}

export class DocumentNotFoundError extends Error {
  override name = 'DocumentNotFoundError';
}

interface FileMeta extends SealedFileMeta {
  sha256: string;
  contentType: string;
  source: DocumentRef['source'];
  /** Sealed (plaintext in files stored before encryption). */
  filename?: string | Envelope;
  messageId?: string;
  derivedFrom?: DocumentRef['derivedFrom'];
}

export function documentIdOf(sha256: string): string {
  return `doc-${sha256.slice(0, 32)}`;
}

export class GridFsDocumentStore implements DocumentStore {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<GridFSFile>;
  private readonly chunks: Collection<GridFSChunk>;
  private readonly maxBytes: number;
  private readonly crypto: FieldCrypto;

  constructor(db: Db, opts: { maxBytes?: number; crypto?: FieldCrypto } = {}) {
    this.bucket = new GridFSBucket(db, { bucketName: COLLECTIONS.documents });
    this.files = db.collection(`${COLLECTIONS.documents}.files`);
    this.chunks = db.collection(`${COLLECTIONS.documents}.chunks`);
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
    this.crypto = opts.crypto ?? FieldCrypto.sandbox();
  }

  async save(bytes: Buffer, meta: { filename?: string; source: DocumentRef['source']; messageId?: string; derivedFrom?: DocumentRef['derivedFrom'] }): Promise<DocumentRef> {
    if (bytes.length > this.maxBytes) throw new DocumentTooLargeError(bytes.length, this.maxBytes);
    if (bytes.length === 0) throw new Error('document is empty');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const documentId = documentIdOf(sha256);
    const existing = await this.find(documentId);
    if (existing) return existing;

    // Chunks left by an upload that died half-way would collide with ours on (files_id, n).
    await this.chunks.deleteMany({ files_id: documentId as never });
    const filename = meta.filename === undefined ? undefined : this.crypto.seal(meta.filename, sealContext(COLLECTIONS.documents, 'filename', documentId));
    const metadata: FileMeta = { sha256, contentType: sniffContentType(bytes), source: meta.source, filename, messageId: meta.messageId, ...(meta.derivedFrom && { derivedFrom: meta.derivedFrom }) };
    try {
      // GridFS's own filename field is the id: the real name is in the sealed metadata
      await uploadSealed(this.bucket, this.crypto, documentId, documentId, bytes, metadata, COLLECTIONS.documents);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e; // the same bytes arrived concurrently: theirs is ours
    }
    const ref = await this.find(documentId);
    if (!ref) throw new Error(`document ${documentId} was not stored`);
    return ref;
  }

  async read(documentId: string): Promise<{ bytes: Buffer; ref: DocumentRef }> {
    const f = await this.files.findOne({ _id: documentId as never });
    if (!f) throw new DocumentNotFoundError(`no document ${documentId}`);
    const bytes = openFile(this.crypto, await readChunks(this.bucket, documentId), f.metadata as FileMeta, fileContext(COLLECTIONS.documents, documentId));
    return { bytes, ref: this.refOf(documentId, f) };
  }

  /** Retention: up to `limit` documents stored before `before`, in id order after `after`. */
  async storedBefore(before: Date, limit: number, after?: string): Promise<string[]> {
    const files = await this.files
      .find({ uploadDate: { $lt: before }, ...(after !== undefined && { _id: { $gt: after as never } }) }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return files.map((f) => String(f._id));
  }

  /** Deletes a stored document (its file and chunks); false when there was none. */
  async delete(documentId: string): Promise<boolean> {
    try {
      await this.bucket.delete(documentId as never);
      return true;
    } catch (e) {
      if (/file not found/i.test(String((e as Error).message))) return false;
      throw e;
    }
  }

  /** The reference of a stored document, or null. */
  async find(documentId: string): Promise<DocumentRef | null> {
    const f = await this.files.findOne({ _id: documentId as never });
    return f && this.refOf(documentId, f);
  }

  private refOf(documentId: string, f: GridFSFile): DocumentRef {
    const m = f.metadata as FileMeta;
    return {
      documentId,
      sha256: m.sha256,
      contentType: m.contentType,
      size: f.length,
      filename: this.crypto.open<string | undefined>(m.filename, sealContext(COLLECTIONS.documents, 'filename', documentId)),
      source: m.source,
      messageId: m.messageId,
      ...(m.derivedFrom && { derivedFrom: m.derivedFrom }),
    };
  }
}
