// A folio projection as the API shows it: ids and status, how fresh the read is, nothing internal.
import type { FolioProjection } from '../adapters/mongo/store';
import type { FolioView } from './contract';

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

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
  const doc = p.document as DocumentView | null | undefined;
  return {
    folioId: p._id,
    clientId: p.clientId,
    clientReference: p.clientReference,
    workflowId: p.workflowId,
    hotelId: p.hotelId,
    status: p.status,
    checkOut: p.checkOut,
    nextAction: p.nextAction ?? null,
    nextActionAt: iso(p.nextActionAt),
    attention: p.attention ?? null,
    attempts: p.attempts ?? null,
    reviewReasons: p.reviewReasons ?? null,
    document: doc ? documentView(doc) : null,
    extracted: (p.extracted as Record<string, unknown> | null | undefined) ?? null,
    request: (p.request as Record<string, unknown> | undefined) ?? null,
    createdAt: iso(p.createdAt)!,
    freshness: { source: 'projection', updatedAt: iso(p.updatedAt)!, seq: p.seq },
  };
}
