// /v1/unmatched: inbound messages no rule could tie to a folio request; an operator lists them and assigns
// one to a folio (its attachments go to that folio's workflow as documentReceived signals).
import express, { type Router } from 'express';
import { z } from 'zod';
import { assignUnmatched, FolioClosedError, UnmatchedConflictError, UnmatchedNotFoundError } from '../../adapters/email/unmatched';
import type { UnmatchedMessage } from '../../adapters/mongo/unmatched';
import type { DocumentRef } from '../../domain/model';
import type { ApiDeps } from '../deps';
import { principalOf } from '../auth';
import { ApiError, notFound, parse } from '../errors';
import { folioNotActive, viaEdge } from '../workflow-calls';
import { documentView } from '../folio-view';

export const ListUnmatchedQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(300).optional() }).strict();
export const UnmatchedIdParams = z.object({ id: z.string().min(1).max(300) });
export const AssignBody = z.object({ folioId: z.string().min(1).max(64) }).strict();

const DocumentRefView = z.object({ documentId: z.string(), sha256: z.string(), contentType: z.string(), size: z.number(), filename: z.string().optional(), source: z.enum(['email', 'upload']) });
export const UnmatchedView = z.object({
  unmatchedId: z.string(),
  messageId: z.string().nullable(),
  from: z.string(),
  /** Whether the From domain vouched for the message (DKIM/SPF/DMARC), and what the checks said; null when not checked. */
  sender: z.object({ authenticated: z.boolean(), check: z.string() }).nullable(),
  subject: z.string(),
  receivedAt: z.string(),
  reason: z.string(),
  candidates: z.array(z.string()),
  documents: z.array(DocumentRefView),
  rejectedAttachments: z.array(z.object({ filename: z.string().optional(), reason: z.string() })),
  textExcerpt: z.string(),
  assigned: z.object({ folioId: z.string(), by: z.string(), at: z.string() }).nullable(),
});
export const UnmatchedList = z.object({ items: z.array(UnmatchedView), nextCursor: z.string().nullable() });
export const AssignResult = z.object({ unmatchedId: z.string(), folioId: z.string(), documents: z.number(), alreadyAssigned: z.boolean() });

/** Any stored shape reads: records written by older versions, or from a message little could be parsed of, may lack fields. */
const listOf = <T>(x: unknown): T[] => (Array.isArray(x) ? (x as T[]) : []);
const textOf = (x: unknown): string => (typeof x === 'string' ? x : '');
const isoOf = (x: unknown): string => {
  const t = x instanceof Date || typeof x === 'string' || typeof x === 'number' ? new Date(x).getTime() : NaN;
  return new Date(Number.isFinite(t) ? t : 0).toISOString();
};

const view = (m: UnmatchedMessage): z.infer<typeof UnmatchedView> => ({
  unmatchedId: String(m._id),
  messageId: typeof m.messageId === 'string' ? m.messageId : null,
  from: textOf(m.from),
  sender: m.sender && typeof m.sender.authenticated === 'boolean' ? { authenticated: m.sender.authenticated, check: textOf(m.sender.check) } : null,
  subject: textOf(m.subject),
  receivedAt: isoOf(m.receivedAt),
  reason: textOf(m.reason),
  candidates: listOf<unknown>(m.candidates).filter((c): c is string => typeof c === 'string'),
  documents: listOf<DocumentRef>(m.documents)
    .filter((d) => typeof d?.documentId === 'string' && typeof d.sha256 === 'string' && typeof d.contentType === 'string' && typeof d.size === 'number')
    .map((d) => documentView({ ...d, source: d.source === 'upload' ? 'upload' : 'email' })),
  rejectedAttachments: listOf<{ filename?: unknown; reason?: unknown }>(m.rejectedAttachments).map((r) => ({ ...(typeof r?.filename === 'string' && { filename: r.filename }), reason: textOf(r?.reason) })),
  textExcerpt: textOf(m.textExcerpt),
  assigned: m.assigned ? { folioId: textOf(m.assigned.folioId), by: textOf(m.assigned.by), at: isoOf(m.assigned.at) } : null,
});

export function createUnmatchedRouter(deps: ApiDeps): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const q = parse(ListUnmatchedQuery, req.query, 'query');
    const page = await deps.store.unmatched.list({ limit: q.limit, after: q.cursor });
    res.json({ items: page.items.map(view), nextCursor: page.next ?? null });
  });

  router.post('/:id/assign', async (req, res) => {
    const { id } = parse(UnmatchedIdParams, req.params, 'params');
    const { folioId } = parse(AssignBody, req.body);
    const folio = await deps.store.folios.get(folioId);
    if (!folio) throw new ApiError(404, 'not_found', `folio ${folioId} not found`, [{ field: 'body.folioId', problem: 'unknown folio' }]);
    const p = principalOf(res);
    try {
      const r = await viaEdge('assign unmatched message', () => assignUnmatched({ store: deps.store, signaler: deps.temporal }, { unmatchedId: id, folioId, workflowId: folio.workflowId, hotelId: folio.hotelId, by: `${p.role}:${p.clientId}:${p.keyId}` }));
      deps.logger.info({ unmatchedId: id, folioId, workflowId: folio.workflowId }, 'unmatched message assigned');
      res.json(r);
    } catch (e) {
      if (e instanceof UnmatchedNotFoundError) throw notFound(`unmatched message ${id}`);
      if (e instanceof UnmatchedConflictError) throw new ApiError(409, 'conflict', e.message);
      if (e instanceof FolioClosedError) throw folioNotActive('assign unmatched message');
      throw e;
    }
  });
  return router;
}
