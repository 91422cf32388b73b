// Assigning an unmatched message (one no rule could tie to a request) to a folio by hand: each stored
// attachment goes to the chosen folio as a document reference, once. An authenticated sender the operator
// thereby vouches for is learned for the folio's hotel (and so counts for its chain), so its next reply matches by itself.
import type { Store } from '../mongo/store';
import { GONE, type Signaler } from '../../temporal/edge';
import { documentReceivedSignal } from '../../workflows/definitions';

export class UnmatchedNotFoundError extends Error {
  override name = 'UnmatchedNotFoundError';
}
export class UnmatchedConflictError extends Error {
  override name = 'UnmatchedConflictError';
}
/** The chosen folio's workflow has ended: it can take no document any more. */
export class FolioClosedError extends Error {
  override name = 'FolioClosedError';
}

/**
 * Gives an unmatched message to a folio: signals documentReceived for each stored attachment and marks it
 * assigned. Repeating the same assignment is a no-op that returns the same result; assigning to another
 * folio afterwards is a conflict.
 */
export async function assignUnmatched(
  deps: { store: Store; signaler: Signaler },
  input: { unmatchedId: string; folioId: string; workflowId: string; hotelId: string; by: string },
): Promise<{ unmatchedId: string; folioId: string; documents: number; alreadyAssigned: boolean }> {
  const msg = await deps.store.unmatched.get(input.unmatchedId);
  if (!msg) throw new UnmatchedNotFoundError(`no unmatched message ${input.unmatchedId}`);
  if (msg.assigned && msg.assigned.folioId !== input.folioId) throw new UnmatchedConflictError(`already assigned to folio ${msg.assigned.folioId}`);
  if (!msg.documents.length) throw new UnmatchedConflictError('the message has no usable document to assign');
  // Signals first, then the mark: a crash in between repeats the signals, which the workflow ignores by documentId.
  for (const doc of msg.documents) {
    if ((await deps.signaler.send(input.workflowId, documentReceivedSignal, doc)) === GONE) throw new FolioClosedError(`folio ${input.folioId} is no longer running`);
  }
  if (msg.sender?.authenticated && msg.from) await deps.store.senders.learn(input.hotelId, msg.from, input.by);
  if (!msg.assigned) {
    await deps.store.unmatched.markAssigned(input.unmatchedId, { folioId: input.folioId, workflowId: input.workflowId, by: input.by, at: new Date() });
  }
  return { unmatchedId: input.unmatchedId, folioId: input.folioId, documents: msg.documents.length, alreadyAssigned: !!msg.assigned };
}
