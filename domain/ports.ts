// Narrow ports in front of each vendor. Adapters implement them; the sandbox implements the vendors'
// protocols (not these ports), so the real adapters are what run in tests.
import type { DocumentRef, FolioData } from './model';

export interface DocumentStore {
  /** Stores bytes (content type sniffed from the bytes, size-limited) and returns a reference. */
  save(bytes: Buffer, meta: { filename?: string; source: DocumentRef['source']; messageId?: string; derivedFrom?: DocumentRef['derivedFrom'] }): Promise<DocumentRef>;
  read(documentId: string): Promise<{ bytes: Buffer; ref: DocumentRef }>;
}

export interface Extractor {
  readonly name: FolioData['extractor'];
  extract(bytes: Buffer, contentType: string): Promise<FolioData>;
}
