// The steps that end the chase: take the documents received, have a person review one that did not
// pass, deliver the result, or wait for an operator when the chase cannot go on by itself.
import { condition } from '@temporalio/workflow';
import { DAY_MS } from '../../domain/calendar';
import * as chase from '../../domain/chase-policy';
import type { FolioEventType } from '../../domain/events';
import { FolioStatus, type DocumentRef, type FolioData } from '../../domain/model';
import { namesAnotherGuestOrStay, resolveStayAgainstRequest, validateFolio, type FolioVerdict } from '../../domain/validation';
import { delivery, extractionOn } from './activities';
import { withdraw } from './steps';
import type { Folio, FolioResult, ReviewDecision } from './state';

/** How long a folio that needs a person (or was given up) stays open for an operator to act. */
export const OPERATOR_WINDOW_MS = 30 * DAY_MS;

interface Failed {
  doc: DocumentRef;
  data?: FolioData;
  reasons: string[];
  verdict?: FolioVerdict;
}

/**
 * Extracts and checks each document received; completes on the first that passes. None passed: the hotel is
 * asked again (the decision returned; the document stays out of the folio), or a person reviews the last one.
 */
export async function takeDocuments(f: Folio): Promise<FolioResult | chase.ChaseDecision | undefined> {
  const { inbox, book, req } = f;
  await withdraw(f);
  let failed: Failed | undefined;
  while (inbox.documents.length) {
    const doc = inbox.documents[0];
    book.emit('DocumentStored', { documentId: doc.documentId, source: doc.source, contentType: doc.contentType, size: doc.size });
    await f.setStatus(FolioStatus.Extracting, { what: 'reading the folio' });
    let data: FolioData | undefined;
    let verdict: FolioVerdict | undefined;
    let reasons: string[];
    try {
      data = await extractionOn(f.extractionTaskQueue).extractFolio({ document: doc, guest: req.guest });
      verdict = validateFolio(data, req);
      reasons = verdict.reasons;
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
    if (data && verdict && acceptsDeparture(f, data, verdict)) {
      const stay = resolveStayAgainstRequest(data, req);
      book.emit('ValidationPassed', { documentId: doc.documentId, flags: ['departure-differs'] });
      book.emit('DepartureMismatchAccepted', { documentId: doc.documentId, departure: stay.departure, requested: req.checkOut });
      f.extracted = data;
      f.document = doc;
      f.flags = ['departure-differs'];
      return complete(f, `checked automatically; the departure ${stay.departure} differs from the requested ${req.checkOut} (accepted by the client's policy)`);
    }
    book.emit('ValidationFailed', { documentId: doc.documentId, reasons, ...(f.closedLoop && verdict && { codes: verdict.codes, remedy: verdict.remedy, anotherGuestOrStay: namesAnotherGuestOrStay(verdict) }) });
    failed = { doc, data, reasons, verdict };
  }
  if (!f.closedLoop) return review(f, failed!);
  const next = chase.afterFailedCheck(f.chase, failedCheck(f, failed!), f.policy, f.ctx());
  if (next.action === 'review') return review(f, failed!, next);
  return next;
}

const acceptsDeparture = (f: Folio, data: FolioData, verdict: FolioVerdict) =>
  chase.acceptsDepartureMismatch(verdict.codes, resolveStayAgainstRequest(data, f.req), f.req, f.clientPolicy, f.policy);

/** What the checks said, for the chase policy: an extraction that failed outright, or a document a person uploaded, is for a person. */
function failedCheck(f: Folio, failed: Failed): chase.FailedCheck {
  const uploaded = failed.doc.source === 'upload';
  if (!failed.verdict || !failed.data) return { codes: ['unreadable'], remedy: 'review', uploaded };
  const { codes, remedy } = failed.verdict;
  const stay = resolveStayAgainstRequest(failed.data, f.req);
  const datesWrong = codes.includes('arrival-mismatch') || codes.includes('departure-mismatch');
  return { codes, remedy, uploaded, ...(datesWrong && { found: { arrival: stay.arrival, departure: stay.departure } }) };
}

/** None passed: a person decides. Undefined when the hotel is to be asked again. */
async function review(f: Folio, failed: Failed, decided?: chase.ReviewDecision): Promise<FolioResult | undefined> {
  const { inbox, book } = f;
  // operators see the document under review; a client sees it only once it passes (api/folio-view.ts)
  f.document = failed.doc;
  f.extracted = failed.data;
  f.reviewReasons = failed.reasons;
  inbox.review = undefined;
  book.emit('ReviewRequested', { reasons: f.reviewReasons, ...(decided && { why: decided.reason }) });
  await f.setStatus(FolioStatus.NeedsReview, { what: decided?.next ?? 'a person reviews the folio' });
  await condition(() => !!inbox.review || !!inbox.cancelled || inbox.documents.length > 0);
  const decision = inbox.review as ReviewDecision | undefined;
  if (decision?.approve) {
    book.emit('ReviewApproved', { by: decision.by, note: decision.note });
    return complete(f, `approved by ${decision.by}`);
  }
  if (decision) book.emit('ReviewRejected', { by: decision.by, note: decision.note });
  f.reviewReasons = undefined;
  if (f.closedLoop && decision) {
    // the rejected document is not the folio's
    f.document = undefined;
    f.extracted = undefined;
  }
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
    const r = await book.deliverWith((projection) => delivery.deliverResult({ folioId: f.folioId, ...(f.flags && { flags: f.flags }), ...(projection && { projection }) }));
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
  if (final === FolioStatus.Cancelled) await withdraw(f);
  f.attention = final === FolioStatus.Cancelled ? undefined : reason;
  await f.setStatus(final, { what: reason ?? final });
  return { folioId: f.folioId, status: final, reason };
}

/**
 * The chase cannot go on by itself (needs attention) or is used up (give up): an operator may act
 * for 30 days; after that the folio ends unobtainable. Undefined when an operator (or the hotel) acted.
 */
export async function waitForOperator(f: Folio, decision: Extract<chase.ChaseDecision, { action: 'needs_attention' | 'give_up' }>): Promise<FolioResult | undefined> {
  const giveUp = decision.action === 'give_up';
  f.attention = decision.reason;
  f.book.emit(giveUp ? 'FolioUnobtainable' : 'NeedsAttention', { reason: decision.reason, ...(f.closedLoop && { next: decision.next }) });
  // the single next action a person is asked to take
  const what = f.closedLoop ? decision.next.replace('{id}', f.folioId).replace('{hotelId}', f.req.hotelId) : 'waiting for an operator';
  await f.setStatus(giveUp ? FolioStatus.Unobtainable : FolioStatus.NeedsAttention, { at: Date.now() + OPERATOR_WINDOW_MS, what });
  if (await condition(() => f.inbox.interrupted(), OPERATOR_WINDOW_MS)) return undefined;
  return finish(f, FolioStatus.Unobtainable, f.attention, giveUp ? undefined : 'FolioUnobtainable');
}
