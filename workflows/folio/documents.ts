// The steps that end the chase: take the documents received, have a person review one that did not
// pass, deliver the result, or wait for an operator when the chase cannot go on by itself.
import { condition } from '@temporalio/workflow';
import { DAY_MS } from '../../domain/calendar';
import type { ChaseDecision } from '../../domain/chase-policy';
import type { FolioEventType } from '../../domain/events';
import { FolioStatus, type DocumentRef, type FolioData } from '../../domain/model';
import { validateFolio } from '../../domain/validation';
import { delivery, extraction, lifecycle } from './activities';
import type { Folio, FolioResult, ReviewDecision } from './state';

/** How long a folio that needs a person (or was given up) stays open for an operator to act. */
export const OPERATOR_WINDOW_MS = 30 * DAY_MS;

/** Extracts and checks each document received; completes on the first that passes, else asks a person. */
export async function takeDocuments(f: Folio): Promise<FolioResult | undefined> {
  const { inbox, book, req } = f;
  await lifecycle.withdrawFromHotel({ hotelId: req.hotelId, folioId: f.folioId });
  let failed: { doc: DocumentRef; data?: FolioData; reasons: string[] } | undefined;
  while (inbox.documents.length) {
    const doc = inbox.documents[0];
    book.emit('DocumentStored', { documentId: doc.documentId, source: doc.source, contentType: doc.contentType, size: doc.size });
    await f.setStatus(FolioStatus.Extracting, { what: 'reading the folio' });
    let data: FolioData | undefined;
    let reasons: string[];
    try {
      data = await extraction.extractFolio({ document: doc, guest: req.guest });
      reasons = validateFolio(data, req).reasons;
      book.emit('ExtractionCompleted', { documentId: doc.documentId, extractor: data.extractor, confidence: data.confidence });
    } catch (err) {
      reasons = [`the document could not be read: ${err instanceof Error ? err.message : String(err)}`];
      book.emit('ExtractionFailed', { documentId: doc.documentId, reason: reasons[0] });
    }
    inbox.documents.shift();
    if (reasons.length === 0 && data) {
      book.emit('ValidationPassed', { documentId: doc.documentId });
      f.extracted = data;
      f.document = doc;
      return complete(f, 'checked automatically');
    }
    book.emit('ValidationFailed', { documentId: doc.documentId, reasons });
    failed = { doc, data, reasons };
  }
  return review(f, failed!);
}

/** None passed: a person decides. Undefined when the hotel is to be asked again. */
async function review(f: Folio, failed: { doc: DocumentRef; data?: FolioData; reasons: string[] }): Promise<FolioResult | undefined> {
  const { inbox, book } = f;
  f.document = failed.doc;
  f.extracted = failed.data;
  f.reviewReasons = failed.reasons;
  inbox.review = undefined;
  book.emit('ReviewRequested', { reasons: f.reviewReasons });
  await f.setStatus(FolioStatus.NeedsReview, { what: 'a person reviews the folio' });
  await condition(() => !!inbox.review || !!inbox.cancelled || inbox.documents.length > 0);
  const decided = inbox.review as ReviewDecision | undefined;
  if (decided?.approve) {
    book.emit('ReviewApproved', { by: decided.by, note: decided.note });
    return complete(f, `approved by ${decided.by}`);
  }
  if (decided) book.emit('ReviewRejected', { by: decided.by, note: decided.note });
  f.reviewReasons = undefined;
  await f.setStatus(FolioStatus.Queued, { what: 'asking the hotel again' });
  return undefined;
}

/** The folio is in hand and checked: deliver the result (signed webhook) when the client asked for one. */
async function complete(f: Folio, how: string): Promise<FolioResult> {
  const { book } = f;
  f.attention = undefined;
  book.emit('FolioCompleted', { how });
  await f.setStatus(FolioStatus.Completed, { what: how });
  try {
    const r = await delivery.deliverResult({ folioId: f.folioId });
    // no webhook configured: nothing to deliver, the client reads the result through the API
    if (r.delivered || r.status !== undefined) book.emit(r.delivered ? 'ResultDelivered' : 'DeliveryFailed', { status: r.status });
  } catch (err) {
    book.emit('DeliveryFailed', { error: err instanceof Error ? err.message : String(err) });
  }
  await book.flush();
  return { folioId: f.folioId, status: FolioStatus.Completed, reason: how };
}

/** Ends the chase without a folio: cancelled, or unobtainable. */
export async function finish(f: Folio, final: FolioStatus, reason: string | undefined, event?: FolioEventType): Promise<FolioResult> {
  if (event) f.book.emit(event, { reason });
  if (final === FolioStatus.Cancelled) await lifecycle.withdrawFromHotel({ hotelId: f.req.hotelId, folioId: f.folioId });
  f.attention = final === FolioStatus.Cancelled ? undefined : reason;
  await f.setStatus(final, { what: reason ?? final });
  return { folioId: f.folioId, status: final, reason };
}

/**
 * The chase cannot go on by itself (needs attention) or is used up (give up): an operator may act
 * for 30 days; after that the folio ends unobtainable. Undefined when an operator (or the hotel) acted.
 */
export async function waitForOperator(f: Folio, decision: Extract<ChaseDecision, { action: 'needs_attention' | 'give_up' }>): Promise<FolioResult | undefined> {
  const giveUp = decision.action === 'give_up';
  f.attention = decision.reason;
  f.book.emit(giveUp ? 'FolioUnobtainable' : 'NeedsAttention', { reason: decision.reason });
  await f.setStatus(giveUp ? FolioStatus.Unobtainable : FolioStatus.NeedsAttention, { at: Date.now() + OPERATOR_WINDOW_MS, what: 'waiting for an operator' });
  if (await condition(() => f.inbox.interrupted(), OPERATOR_WINDOW_MS)) return undefined;
  return finish(f, FolioStatus.Unobtainable, f.attention, giveUp ? undefined : 'FolioUnobtainable');
}
