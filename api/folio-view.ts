// A folio projection (the one shape in domain/projection.ts) as the API shows it: its fields under the same
// names, how fresh the read is, nothing internal.
import type { FolioProjection } from '../domain/projection';
import type { FolioView } from './contract';

type DocumentView = NonNullable<FolioView['document']>;
/** A stored document reference as the API shows it (absent fields omitted, never null). */
export function documentView(doc: Partial<DocumentView> & { filename?: string | null }): DocumentView {
  return {
    documentId: doc.documentId!,
    sha256: doc.sha256!,
    contentType: doc.contentType!,
    size: doc.size!,
    ...(doc.filename ? { filename: doc.filename } : {}),
    source: doc.source!,
  };
}

export function toFolioView(p: FolioProjection): FolioView {
  const { folioId, clientId, clientReference, workflowId, hotelId, status, checkOut, nextAction, nextActionAt, attention, attempts, reviewReasons } = p;
  return {
    folioId,
    clientId,
    clientReference,
    workflowId,
    hotelId,
    status,
    checkOut,
    nextAction,
    nextActionAt,
    attention,
    attempts,
    reviewReasons,
    document: p.document ? documentView(p.document) : null,
    extracted: p.extracted as unknown as Record<string, unknown> | null,
    request: p.request as unknown as Record<string, unknown> | null,
    createdAt: p.createdAt,
    freshness: { source: 'projection', updatedAt: p.updatedAt, seq: p.seq },
  };
}
