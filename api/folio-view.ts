// A folio projection (the one shape in domain/projection.ts) as the API shows it: its fields under the same
// names, how fresh the read is, nothing internal — and to a client key only what domain/client-view.ts lets
// a client see (no vendor ids, no data from a document not yet checked to be its guest's).
import type { FolioListItem, FolioProjection } from '../domain/projection';
import type { FolioEvent } from '../domain/events';
import type { FolioState } from '../workflows/definitions';
import { clientEventView, clientSeesExtraction } from '../domain/client-view';
import type { Principal } from './auth';
import type { FolioListItem as FolioListItemView, FolioView } from './contract';

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

const isOperator = (viewer: Pick<Principal, 'role'>) => viewer.role === 'operator';

export function toFolioView(p: FolioProjection, viewer: Pick<Principal, 'role'>): FolioView {
  const shown = isOperator(viewer) || clientSeesExtraction(p.status);
  const { createdAt, freshness, ...item } = toFolioListView(p, viewer);
  return {
    ...item,
    document: p.document ? documentView(p.document) : null,
    extracted: shown ? (p.extracted as unknown as Record<string, unknown> | null) : null,
    request: p.request as unknown as Record<string, unknown> | null,
    createdAt,
    freshness,
  };
}

/** A folio in a listing: what one folio's page shows, less the request, the document and the extraction. */
export function toFolioListView(p: FolioListItem, viewer: Pick<Principal, 'role'>): FolioListItemView {
  const shown = isOperator(viewer) || clientSeesExtraction(p.status);
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
    reviewReasons: shown ? reviewReasons : null,
    createdAt: p.createdAt,
    freshness: { source: 'projection', updatedAt: p.updatedAt, seq: p.seq },
  };
}

/** A timeline event for this key: everything for operators, the client view otherwise. */
export function eventView(e: FolioEvent, viewer: Pick<Principal, 'role'>) {
  const { eventId, type, seq, at, data } = isOperator(viewer) ? e : clientEventView(e);
  return { eventId, type, seq, at, ...(data && { data }) };
}

/** The workflow's live state for this key: a client gets no Message-ID and no unchecked extraction. */
export function liveView(state: FolioState, viewer: Pick<Principal, 'role'>): Record<string, unknown> {
  if (isOperator(viewer)) return state as unknown as Record<string, unknown>;
  const shown = clientSeesExtraction(state.status);
  const { document, extracted, reviewReasons, ...rest } = state;
  return { ...rest, ...(document && { document: documentView(document) }), ...(shown && extracted && { extracted }), ...(shown && reviewReasons && { reviewReasons }) };
}
