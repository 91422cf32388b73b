// The steps of the chase that ask the hotel: wait for check-out, call, email, wait for the folio,
// call back when the hotel said so, wait out a retry. Each returns what the chase policy decides next.
import { condition, patched } from '@temporalio/workflow';
import { addBusinessDays, checkoutDueAt } from '../../domain/business-hours';
import { DAY_MS } from '../../domain/calendar';
import { callEvents, guestOutcomeEvents } from '../../domain/call-events';
import { resolveCallback } from '../../domain/callbacks';
import * as chase from '../../domain/chase-policy';
import { FolioStatus, type GuestOutcome } from '../../domain/model';
import { lifecycle } from './activities';
import { iso, type Folio } from './state';

type Decision = chase.ChaseDecision;

/** A dispatcher that has not acted on an enqueued folio after this long gets the folio again. */
const REENQUEUE_MS = DAY_MS;

/** Loads the hotel, names the folio for operators, and waits until check-out (12:00 hotel-local) plus the grace. */
export async function waitForCheckout(f: Folio, graceHours = 24): Promise<void> {
  const { req, book } = f;
  f.useHotel(await lifecycle.loadHotel({ hotelId: req.hotelId }));
  book.identify();
  book.emit('FolioRequestAccepted', { hotelId: req.hotelId, checkOut: req.checkOut, priority: req.priority });
  const dueAt = checkoutDueAt(req.checkOut, f.hotel!.timeZone, graceHours);
  if (dueAt > Date.now()) {
    book.emit('CheckoutWaitStarted', { dueAt: iso(dueAt) });
    await f.setStatus(FolioStatus.WaitingForCheckout, { at: dueAt, what: 'folio falls due (check-out + grace)' });
    await condition(() => f.inbox.interrupted(), dueAt - Date.now());
  }
  book.emit('FolioDue');
  const due = Math.max(dueAt, Date.now());
  f.deadlines = { slaAt: addBusinessDays(f.schedule(), due, f.policy.slaBusinessDays), giveUpAt: due + f.policy.giveUpAfterDays * DAY_MS, slaFlagged: false };
}

/** Marks folios that send again an email our side could not send (before it, that counted as the hotel refusing it). */
export const RESEND_UNSENT_PATCH = 'resend-unsent-email';

/** The backoff before the next call (or before sending again); something from outside ends it early. */
export async function waitToRetry<D extends Decision & { atMs: number }>(f: Folio, decision: D): Promise<D> {
  const at = decision.atMs;
  f.book.emit('RetryScheduled', { at: iso(at), reason: decision.reason });
  await f.setStatus(FolioStatus.RetryScheduled, { at, what: decision.reason });
  if (!(await condition(() => f.inbox.interrupted(), at - Date.now()))) return { ...decision, atMs: Date.now() };
  return decision;
}

/** Joins the hotel's next call batch and acts on what the call brought. */
export async function callHotel(f: Folio): Promise<Decision> {
  const { inbox, chase: s, book } = f;
  await lifecycle.enqueueAtHotel({ hotelId: f.req.hotelId, item: { kind: 'call', guest: f.guest } });
  book.emit('FolioQueuedForCall');
  await f.setStatus(FolioStatus.Queued, { what: 'call in the hotel batch' });
  const report = await waitForDispatcher(f, 'call', () => inbox.callOutcome);
  if (!report) return { action: 'call', atMs: Date.now(), reason: 'dispatcher did not act; queued again' };
  inbox.callOutcome = undefined;
  f.lastAsk = 'phone';
  s.calls++;
  if (report.outcome) s.failedCallsInRow = 0;
  else if (report.disposition !== 'overflow') s.failedCallsInRow++;
  book.emitAll(callEvents(report));
  f.lastOutcome = report.outcome?.kind ?? report.disposition;
  if (report.outcome?.kind === 'callback') s.callbacks++;
  const next = chase.afterCall(s, report.disposition, report.outcome, f.policy, Date.now());
  if (next.action === 'callback') f.pendingCallback = report.outcome as Extract<GuestOutcome, { kind: 'callback' }>;
  return next;
}

/** Joins the hotel's next email batch (a request, or a reminder in the same thread). */
export async function emailHotel(f: Folio, kind: 'email' | 'reminder'): Promise<Decision> {
  const { inbox, chase: s, book } = f;
  const item = kind === 'reminder' ? { kind, guest: f.guest, threadMessageId: f.threadMessageId } : { kind, guest: f.guest };
  await lifecycle.enqueueAtHotel({ hotelId: f.req.hotelId, item });
  book.emit('FolioQueuedForEmail', { kind });
  await f.setStatus(FolioStatus.Queued, { what: kind === 'reminder' ? 'email reminder in the hotel batch' : 'written request in the hotel batch' });
  const sent = await waitForDispatcher(f, 'email', () => inbox.emailSent);
  if (!sent) return { action: kind, reason: 'queued again' };
  inbox.emailSent = undefined;
  if (sent.unsent && patched(RESEND_UNSENT_PATCH)) {
    // our failure, not the hotel's: the address stays usable and no attempt is counted
    book.emit('EmailNotSent', { emailId: sent.emailId, reason: sent.unsent });
    return chase.afterEmailNotSent(kind, f.policy, Date.now());
  }
  const rejected = sent.rejected ?? sent.unsent;
  if (rejected) {
    s.emailBad = true;
    book.emit('EmailRejected', { emailId: sent.emailId, reason: rejected });
    return chase.afterEmailRejected(s, f.policy, Date.now());
  }
  f.lastAsk = 'email';
  if (kind === 'reminder') s.reminders++;
  else s.emails++;
  f.threadMessageId ??= sent.messageId;
  book.emit(kind === 'reminder' ? 'EmailReminderSent' : 'EmailRequestSent', { emailId: sent.emailId, messageId: sent.messageId });
  return chase.afterEmailSent(s, f.policy, Date.now());
}

/** Waits for the hotel's dispatcher to report; withdraws the folio if something overtakes it. */
async function waitForDispatcher<T>(f: Folio, kind: 'call' | 'email', result: () => T | undefined): Promise<T | undefined> {
  const { inbox } = f;
  for (;;) {
    const ok = await condition(() => result() !== undefined || inbox.interrupted() || inbox.batchStarted !== undefined, REENQUEUE_MS);
    if (result() !== undefined) return result();
    if (inbox.batchStarted !== undefined) {
      inbox.batchStarted = undefined;
      if (kind === 'call') await f.setStatus(FolioStatus.Calling, { what: 'on the phone with the hotel' });
      continue;
    }
    if (inbox.interrupted()) {
      await lifecycle.withdrawFromHotel({ hotelId: f.req.hotelId, folioId: f.folioId });
      // a result that raced the withdrawal still counts
      return result();
    }
    if (!ok) return undefined;
  }
}

/** Waits for the folio the hotel promised (or was asked for in writing), or the hotel's written answer. */
export async function awaitDocument(f: Folio, decision: Extract<Decision, { action: 'await_document' }>): Promise<Decision> {
  const { inbox } = f;
  const until = decision.untilMs;
  await f.setStatus(f.lastAsk === 'email' ? FolioStatus.EmailRequested : FolioStatus.AwaitingEmail, { at: until, what: decision.reason });
  const woke = await condition(() => inbox.interrupted() || !!inbox.hotelReply, Math.max(0, until - Date.now()));
  if (inbox.hotelReply) return takeHotelReply(f);
  if (!woke) return chase.afterAwaitTimeout(f.chase, f.policy, Date.now());
  return decision;
}

function takeHotelReply(f: Folio): Decision {
  const reply = f.inbox.hotelReply!;
  f.inbox.hotelReply = undefined;
  f.book.emit('EmailReceived', { messageId: reply.messageId });
  f.book.emitAll(guestOutcomeEvents(reply.outcome, { messageId: reply.messageId, via: 'email' }));
  f.lastOutcome = reply.outcome.kind;
  return chase.afterCall(f.chase, 'conversation', reply.outcome, f.policy, Date.now());
}

/** A durable timer in the hotel's time zone for the time the hotel (or an operator) gave, then a call. */
export async function waitForCallback(f: Folio): Promise<Decision> {
  const { inbox } = f;
  let at: number;
  if (inbox.operatorCallback !== undefined) {
    at = inbox.operatorCallback;
  } else {
    const said: { at?: string; phrase?: string } = f.pendingCallback ?? {};
    const r = resolveCallback({ at: said.at, phrase: said.phrase ?? 'tomorrow morning' }, Date.now(), f.schedule(), f.hotel?.language);
    // an unreadable callback time still gets a sensible default: the next business morning
    at = r.ok ? r.atMs : (nextBusinessMorning(f) ?? Date.now() + DAY_MS);
    f.book.emit('CallbackRequested', { at: iso(at), understood: r.ok ? r.interpretation : `fallback (${r.error})` });
  }
  f.pendingCallback = undefined;
  inbox.operatorCallback = undefined;
  f.callbackAt = at;
  await f.setStatus(FolioStatus.CallbackScheduled, { at, what: 'call back as the hotel asked' });
  const woke = await condition(() => inbox.interrupted(), Math.max(0, at - Date.now()));
  if (woke) {
    // the loop handles cancel, documents and retry at its top; what follows them is a call
    return inbox.operatorCallback !== undefined ? { action: 'callback', reason: 'operator moved the callback' } : { action: 'call', atMs: Date.now(), reason: 'resumed' };
  }
  f.callbackAt = undefined;
  f.book.emit('CallbackDue');
  return f.chase.channelPreference === 'email-only' ? { action: 'email', reason: 'callback due' } : { action: 'call', atMs: Date.now(), reason: 'callback due' };
}

function nextBusinessMorning(f: Folio): number | undefined {
  const r = resolveCallback({ phrase: 'tomorrow morning' }, Date.now(), f.schedule(), 'en');
  return r.ok ? r.atMs : undefined;
}
