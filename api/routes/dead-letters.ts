// /v1/dead-letters: what was received but could not be acted on after every retry (an inbox message whose
// handling kept failing, a callback no workflow could be told), with the reason; operators list them here,
// and replay a callback once the cause is fixed (it goes back to the relay, and is applied once).
import express, { type Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { DEAD_LETTER_KINDS, type DeadLetter } from '../../adapters/mongo/dead-letters';
import { ApiError, notFound, parse } from '../errors';
import { principalOf } from '../auth';
import { relayOf } from '../../adapters/callbacks/relay';

export const ListDeadLettersQuery = z
  .object({ kind: z.enum(DEAD_LETTER_KINDS).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(400).optional(), includeReplayed: z.enum(['true', 'false']).optional() })
  .strict();

export const DeadLetterView = z.object({
  deadLetterId: z.string(),
  kind: z.enum(DEAD_LETTER_KINDS),
  subject: z.string(),
  reason: z.string(),
  attempts: z.number(),
  failedAt: z.string(),
  replayed: z.object({ by: z.string(), at: z.string() }).nullable(),
});
export const DeadLetterList = z.object({ items: z.array(DeadLetterView), nextCursor: z.string().nullable() });
export const DeadLetterIdParams = z.object({ id: z.string().min(1).max(200) });
export const ReplayResult = z.object({ deadLetterId: z.string(), replayed: z.literal(true) });

export const deadLetterView = (d: DeadLetter): z.infer<typeof DeadLetterView> => ({
  deadLetterId: d._id,
  kind: d.kind,
  subject: d.subject,
  reason: d.reason,
  attempts: d.attempts,
  failedAt: new Date(d.failedAt).toISOString(),
  replayed: d.replayed ? { by: d.replayed.by, at: new Date(d.replayed.at).toISOString() } : null,
});

export function createDeadLettersRouter(deps: ApiDeps): Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    const q = parse(ListDeadLettersQuery, req.query, 'query');
    const page = await deps.store.deadLetters.list({ limit: q.limit, after: q.cursor, kind: q.kind, includeReplayed: q.includeReplayed === 'true' });
    res.json({ items: page.items.map(deadLetterView), nextCursor: page.next ?? null });
  });

  router.post('/:id/replay', async (req, res) => {
    const { id } = parse(DeadLetterIdParams, req.params, 'params');
    const letter = await deps.store.deadLetters.get(id);
    if (!letter) throw notFound(`dead letter ${id}`);
    if (letter.kind !== 'callback') throw new ApiError(409, 'conflict', 'an inbox message is not replayed: find it in the mailbox by its Message-ID and UID, and upload its folio by hand');
    if (letter.replayed) throw new ApiError(409, 'conflict', `already replayed by ${letter.replayed.by} at ${new Date(letter.replayed.at).toISOString()}`);
    const p = principalOf(res);
    // mark first: two operators replaying at once put it back in line once
    if (!(await deps.store.deadLetters.markReplayed(id, `${p.role}:${p.clientId}:${p.keyId}`))) throw new ApiError(409, 'conflict', 'already replayed');
    await deps.store.callbacks.requeue(letter.key);
    relayOf(deps).kick();
    deps.logger.info({ deadLetterId: id }, 'dead letter replayed');
    res.json({ deadLetterId: id, replayed: true });
  });
  return router;
}
