// The unmatched queue: messages no rule could tie to a request, for an operator to assign by hand.
// Assigning sends each stored attachment to the chosen folio as a document reference (once).
import { EmailStore, type UnmatchedMessage } from '../mongo/email-store';
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

export interface UnmatchedPage {
  items: UnmatchedMessage[];
  /** Pass as `after` for the next page. */
  next?: string;
}

/** Newest first; `after` is the `next` cursor of the previous page. */
export async function listUnmatched(store: Store, opts: { limit?: number; after?: string; includeAssigned?: boolean } = {}): Promise<UnmatchedPage> {
  const emails = new EmailStore(store);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const filter: Record<string, unknown> = opts.includeAssigned ? {} : { assigned: { $exists: false } };
  if (opts.after) {
    const [ms, id] = decodeCursor(opts.after);
    filter.$or = [{ receivedAt: { $lt: new Date(ms) } }, { receivedAt: new Date(ms), _id: { $gt: id } }];
  }
  const items = await emails.unmatched.find(filter).sort({ receivedAt: -1, _id: 1 }).limit(limit + 1).toArray();
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, next: items.length > limit && last ? encodeCursor(last.receivedAt.getTime(), last._id) : undefined };
}

function encodeCursor(ms: number, id: string): string {
  return Buffer.from(JSON.stringify([ms, id])).toString('base64url');
}
function decodeCursor(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new Error('invalid cursor');
}

/**
 * Gives an unmatched message to a folio: signals documentReceived for each stored attachment and marks it
 * assigned. Repeating the same assignment is a no-op that returns the same result; assigning to another
 * folio afterwards is a conflict.
 */
export async function assignUnmatched(
  deps: { store: Store; signaler: Signaler },
  input: { unmatchedId: string; folioId: string; workflowId: string; by: string },
): Promise<{ unmatchedId: string; folioId: string; documents: number; alreadyAssigned: boolean }> {
  const emails = new EmailStore(deps.store);
  const msg = await emails.unmatched.findOne({ _id: input.unmatchedId });
  if (!msg) throw new UnmatchedNotFoundError(`no unmatched message ${input.unmatchedId}`);
  if (msg.assigned && msg.assigned.folioId !== input.folioId) throw new UnmatchedConflictError(`already assigned to folio ${msg.assigned.folioId}`);
  if (!msg.documents.length) throw new UnmatchedConflictError('the message has no usable document to assign');
  // Signals first, then the mark: a crash in between repeats the signals, which the workflow ignores by documentId.
  for (const doc of msg.documents) {
    if ((await deps.signaler.signal(input.workflowId, documentReceivedSignal, doc)) === GONE) throw new FolioClosedError(`folio ${input.folioId} is no longer running`);
  }
  if (!msg.assigned) {
    await emails.unmatched.updateOne({ _id: input.unmatchedId, assigned: { $exists: false } }, { $set: { assigned: { folioId: input.folioId, workflowId: input.workflowId, by: input.by, at: new Date() } } });
  }
  return { unmatchedId: input.unmatchedId, folioId: input.folioId, documents: msg.documents.length, alreadyAssigned: !!msg.assigned };
}
