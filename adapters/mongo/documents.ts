// Folio documents in GridFS (bucket `documents`): stored once per content (sha256), typed from the
// bytes, bounded in size. Workflows only ever see the DocumentRef.
import { createHash } from 'node:crypto';
import { GridFSBucket, type Collection, type Db, type GridFSChunk, type GridFSFile } from 'mongodb';
import type { DocumentStore } from '../../domain/ports';
import type { DocumentRef } from '../../domain/model';
import { sniffContentType } from '../extraction/sniff';
import { COLLECTIONS, isDuplicateKey } from './collections';

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

interface FileMeta {
  sha256: string;
  contentType: string;
  source: DocumentRef['source'];
  filename?: string;
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

  constructor(db: Db, opts: { maxBytes?: number } = {}) {
    this.bucket = new GridFSBucket(db, { bucketName: COLLECTIONS.documents });
    this.files = db.collection(`${COLLECTIONS.documents}.files`);
    this.chunks = db.collection(`${COLLECTIONS.documents}.chunks`);
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
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
    const metadata: FileMeta = { sha256, contentType: sniffContentType(bytes), source: meta.source, filename: meta.filename, messageId: meta.messageId, ...(meta.derivedFrom && { derivedFrom: meta.derivedFrom }) };
    try {
      await new Promise<void>((resolve, reject) => {
        const up = this.bucket.openUploadStreamWithId(documentId as never, meta.filename ?? documentId, { metadata });
        up.once('finish', () => resolve());
        up.once('error', reject);
        up.end(bytes);
      });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e; // the same bytes arrived concurrently: theirs is ours
    }
    const ref = await this.find(documentId);
    if (!ref) throw new Error(`document ${documentId} was not stored`);
    return ref;
  }

  async read(documentId: string): Promise<{ bytes: Buffer; ref: DocumentRef }> {
    const ref = await this.find(documentId);
    if (!ref) throw new DocumentNotFoundError(`no document ${documentId}`);
    const chunks: Buffer[] = [];
    for await (const c of this.bucket.openDownloadStream(documentId as never)) chunks.push(c as Buffer);
    return { bytes: Buffer.concat(chunks), ref };
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
    if (!f) return null;
    const m = f.metadata as FileMeta;
    return {
      documentId,
      sha256: m.sha256,
      contentType: m.contentType,
      size: f.length,
      filename: m.filename,
      source: m.source,
      messageId: m.messageId,
      ...(m.derivedFrom && { derivedFrom: m.derivedFrom }),
    };
  }
}
