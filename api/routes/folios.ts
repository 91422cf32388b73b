// /v1/folios: create (one or many), read from the projections, timeline, document, operator actions.
// A client sees only its own folios (another client's is 404), and of them only its own facts (api/folio-view.ts);
// operators see all.
import express, { type Router, type Response } from 'express';
import type { DocumentStore } from '../../domain/ports';
import type { FolioProjection } from '../../domain/projection';
import { cancelSignal, folioStateQuery, retryNowSignal, reviewDecisionUpdate, setCallbackUpdate, uploadAuthorizationUpdate, uploadDocumentUpdate } from '../../workflows/definitions';
import type { ApiDeps } from '../deps';
import { principalOf, requireOperator, type Principal } from '../auth';
import { ApiError, errorBody, forbidden, notFound, parse } from '../errors';
import { FolioStatus } from '../../domain/model';
import { BatchCreateRequest, DocumentQuery, FolioIdParams, GetFolioQuery, ListFoliosQuery, OperatorNote, ReviewBody, SetCallbackBody, TimelineQuery, UploadQuery, type FolioView } from '../contract';
import { createFolioRequest } from '../folio-requests';
import { documentView, eventView, liveView, toFolioListView, toFolioView } from '../folio-view';
import { sniffContentType } from '../../adapters/extraction/sniff';
import { queryFolio, signalFolio, updateFolio } from '../workflow-calls';

export function createFoliosRouter(deps: ApiDeps & { documents?: DocumentStore }): Router {
  const router = express.Router();
  const by = (p: Principal) => `${p.role}:${p.clientId}:${p.keyId}`;

  /** The folio if this key may see it; otherwise 404 (never a hint that it exists). */
  async function visibleFolio(res: Response, id: unknown): Promise<FolioProjection> {
    const { id: folioId } = parse(FolioIdParams, { id }, 'params');
    const p = principalOf(res);
    const folio = await deps.store.folios.get(folioId, p.role === 'operator' ? undefined : p.clientId);
    if (!folio) throw notFound(`folio ${folioId}`);
    return folio;
  }

  router.post('/', async (req, res) => {
    const { status, folio } = await createFolioRequest(deps, principalOf(res), req.body, String(res.locals.requestId));
    res.status(status).location(`/v1/folios/${folio.folioId}`).json(folio);
  });

  router.post('/batch', async (req, res) => {
    const { requests } = parse(BatchCreateRequest, req.body);
    const principal = principalOf(res);
    const results = [];
    // One at a time: each item is independent, and the order of results matches the request.
    for (const [index, item] of requests.entries()) {
      try {
        const { status, folio } = await createFolioRequest(deps, principal, item, String(res.locals.requestId));
        results.push({ index, status, folio });
      } catch (e) {
        if (!(e instanceof ApiError) || e.status >= 500) throw e;
        results.push({ index, status: e.status, error: errorBody(e).error });
      }
    }
    res.status(200).json({ results });
  });

  router.get('/', async (req, res) => {
    const q = parse(ListFoliosQuery, req.query, 'query');
    const p = principalOf(res);
    if (p.role !== 'operator' && q.clientId && q.clientId !== p.clientId) {
      throw new ApiError(403, 'forbidden', 'query.clientId: a client key lists only its own folios', [{ field: 'query.clientId', problem: 'operators only' }]);
    }
    const { limit, cursor, ...filter } = q;
    const page = await deps.store.folios.list({ ...filter, clientId: p.role === 'operator' ? q.clientId : p.clientId }, { limit, after: cursor });
    // list items carry no request, document or extraction: what a listing reads stays small (docs/api.md)
    res.json({ items: page.items.map((f) => toFolioListView(f, p)), nextCursor: page.next ?? null });
  });

  router.get('/:id', async (req, res) => {
    const q = parse(GetFolioQuery, req.query, 'query');
    const folio = await visibleFolio(res, req.params.id);
    const viewer = principalOf(res);
    const view: FolioView = toFolioView(folio, viewer);
    if (q.live) {
      try {
        view.live = liveView(await queryFolio(deps.temporal, folio.workflowId, folioStateQuery), viewer);
      } catch (e) {
        // The projection is still a valid answer; say why the live view is missing.
        view.live = null;
        view.liveError = e instanceof ApiError ? e.message : 'the workflow could not be queried';
      }
    }
    res.json(view);
  });

  router.get('/:id/events', async (req, res) => {
    const q = parse(TimelineQuery, req.query, 'query');
    const folio = await visibleFolio(res, req.params.id);
    const events = await deps.store.folios.timeline(folio.folioId, { afterSeq: q.afterSeq, limit: q.limit });
    const viewer = principalOf(res);
    res.json({ folioId: folio.folioId, items: events.map((e) => eventView(e, viewer)) });
  });

  router.get('/:id/document', async (req, res) => {
    const folio = await visibleFolio(res, req.params.id);
    const q = parse(DocumentQuery, req.query, 'query');
    const operator = principalOf(res).role === 'operator';
    const ref = folio.document;
    if (!ref?.documentId) throw notFound(`document of folio ${folio.folioId}`);
    if (q.original && !operator) throw forbidden('query.original: the original a document was cut from is for operators');
    // A client gets only a document that passed the checks for its own folio (a wrong guest's is never shown).
    if (!operator && folio.status !== FolioStatus.Completed) throw new ApiError(404, 'not_found', `the document of folio ${folio.folioId} has not passed the checks (yet)`);
    const documentId = q.original ? (ref.derivedFrom?.documentId ?? ref.documentId) : ref.documentId;
    if (!deps.documents) throw new ApiError(503, 'documents_unavailable', 'the document store is not configured on this API instance');
    let stored, bytes;
    try {
      ({ bytes, ref: stored } = await deps.documents.read(documentId));
    } catch (e) {
      if ((e as Error).name === 'DocumentNotFoundError') throw notFound(`document of folio ${folio.folioId}`);
      throw e;
    }
    res.setHeader('Content-Type', stored.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${(stored.filename ?? `folio-${folio.folioId}`).replace(/[^\w.-]/g, '_')}"`);
    res.setHeader('ETag', `"${stored.sha256}"`);
    // operators see where a part came from: its pages in the original the hotel sent
    if (operator && ref.derivedFrom && !q.original) res.setHeader('Folio-Document-Pages', `${ref.derivedFrom.pages.from}-${ref.derivedFrom.pages.to} of ${ref.derivedFrom.documentId}`);
    res.send(bytes);
  });

  // ---- actions: every one goes to the workflow as a signal or an update ----
  router.post('/:id/cancel', async (req, res) => {
    const folio = await visibleFolio(res, req.params.id);
    const body = parse(OperatorNote, req.body ?? {});
    await signalFolio(deps.temporal, folio.workflowId, cancelSignal, { by: by(principalOf(res)), note: body.note });
    res.status(202).json({ folioId: folio.folioId, action: 'cancel' });
  });

  router.post('/:id/retry', requireOperator, async (req, res) => {
    const folio = await visibleFolio(res, req.params.id);
    const body = parse(OperatorNote, req.body ?? {});
    await signalFolio(deps.temporal, folio.workflowId, retryNowSignal, { by: by(principalOf(res)), note: body.note });
    res.status(202).json({ folioId: folio.folioId, action: 'retry' });
  });

  router.put('/:id/callback', requireOperator, async (req, res) => {
    const folio = await visibleFolio(res, req.params.id);
    const body = parse(SetCallbackBody, req.body);
    const r = await updateFolio(deps.temporal, folio.workflowId, setCallbackUpdate, { by: by(principalOf(res)), ...body });
    res.json({ folioId: folio.folioId, callbackAt: r.callbackAt });
  });

  router.post('/:id/review', requireOperator, async (req, res) => {
    const folio = await visibleFolio(res, req.params.id);
    const body = parse(ReviewBody, req.body);
    const r = await updateFolio(deps.temporal, folio.workflowId, reviewDecisionUpdate, { by: by(principalOf(res)), ...body });
    res.json({ folioId: folio.folioId, status: r.status });
  });

  const rawDocument = express.raw({ type: ['application/pdf', 'image/*', 'application/octet-stream'], limit: deps.config.MAX_DOCUMENT_MB * 1024 * 1024 });

  /** The raw body as a stored document: a PDF or an image by its bytes, not by its header. */
  async function storeUpload(body: unknown, filename: string | undefined) {
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new ApiError(415, 'unsupported_media_type', 'send the document as the raw body with Content-Type application/pdf, image/* or application/octet-stream', [{ field: 'body', problem: 'missing or not a document' }]);
    }
    const sniffed = sniffContentType(body);
    if (!/^(application\/pdf|image\/)/.test(sniffed)) {
      throw new ApiError(415, 'unsupported_media_type', `the body is ${sniffed}, not a PDF or an image`, [{ field: 'body', problem: `content is ${sniffed}` }]);
    }
    if (!deps.documents) throw new ApiError(503, 'documents_unavailable', 'the document store is not configured on this API instance');
    try {
      return await deps.documents.save(body, { filename, source: 'upload' });
    } catch (e) {
      if ((e as Error).name === 'DocumentTooLargeError') throw new ApiError(413, 'payload_too_large', (e as Error).message, [{ field: 'body', problem: 'too large' }]);
      throw e;
    }
  }

  router.post('/:id/document', requireOperator, rawDocument, async (req, res) => {
    const folio = await visibleFolio(res, req.params.id);
    const q = parse(UploadQuery, req.query, 'query');
    const document = await storeUpload(req.body, q.filename);
    const r = await updateFolio(deps.temporal, folio.workflowId, uploadDocumentUpdate, { by: by(principalOf(res)), note: q.note, document });
    res.json({ folioId: folio.folioId, status: r.status, document: documentView(document) });
  });

  // The guest's signed form the hotel asked for (folio.authorization_required): the client uploads it, we send it to the hotel.
  router.post('/:id/authorization', rawDocument, async (req, res) => {
    const folio = await visibleFolio(res, req.params.id);
    const q = parse(UploadQuery, req.query, 'query');
    const document = await storeUpload(req.body, q.filename);
    const r = await updateFolio(deps.temporal, folio.workflowId, uploadAuthorizationUpdate, { by: by(principalOf(res)), note: q.note, document });
    res.json({ folioId: folio.folioId, status: r.status, document: documentView(document) });
  });

  return router;
}
