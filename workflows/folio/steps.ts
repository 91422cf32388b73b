// The steps of the chase that ask the hotel: wait for check-out, call, email, wait for the folio,
// call back when the hotel said so, wait out a retry. Each returns what the chase policy decides next.
import { condition, log, patched } from '@temporalio/workflow';
import { addBusinessDays, checkoutDueAt, localDate } from '../../domain/business-hours';
import { DAY_MS, iso } from '../../domain/calendar';
import { callEvents, guestOutcomeEvents } from '../../domain/call-events';
import { resolveCallback } from '../../domain/callbacks';
import * as chase from '../../domain/chase-policy';
import type { DispatchKind } from '../../domain/batching';
import { FolioStatus, type BatchGuest, type GuestOutcome } from '../../domain/model';
import type { EmailSentMessage } from '../definitions';
import { lifecycle, notifications } from './activities';
import type { Folio } from './state';

type Decision = chase.ChaseDecision;

/** A dispatcher that has not acted on an enqueued folio after this long gets the folio again. */
const REENQUEUE_MS = DAY_MS;

/**
 * Loads the hotel, names the folio for operators, and waits until check-out (12:00 hotel-local) plus the grace
 * (with `email-early` and an address: until the early written request is due, a few hours after check-out).
 */
export async function waitForCheckout(f: Folio, graceHours = 24): Promise<void> {
  const { req, book } = f;
  f.useHotel(await lifecycle.loadHotel({ hotelId: req.hotelId }));
  book.identify();
  book.emit('FolioRequestAccepted', { hotelId: req.hotelId, checkOut: req.checkOut, priority: req.priority });
  const dueAt = checkoutDueAt(req.checkOut, f.hotel!.timeZone, graceHours);
  const early = chase.emailsEarly(f.chase, f.policy) ? Math.min(dueAt, checkoutDueAt(req.checkOut, f.hotel!.timeZone, f.policy.emailEarlyHours)) : dueAt;
  if (f.closedLoop) f.chase.dueAt = dueAt;
  if (early > Date.now()) {
    book.emit('CheckoutWaitStarted', { dueAt: iso(early) });
    await f.setStatus(FolioStatus.WaitingForCheckout, { at: early, what: early < dueAt ? 'written request falls due (check-out + a few hours)' : 'folio falls due (check-out + grace)' });
    await condition(() => f.inbox.interrupted(), early - Date.now());
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
export async function callHotel(f: Folio, reason: string): Promise<Decision> {
  const { inbox, chase: s, book } = f;
  const guest = f.outgoing('call');
  // the first ask, with nothing particular to say: the dispatcher may write instead, if the hotel just agreed on the phone
  const mayGoInWriting = s.calls === 0 && s.emails === 0 && !guest.ask && !s.emailBad;
  await lifecycle.enqueueAtHotel({ hotelId: f.req.hotelId, item: { kind: 'call', guest, ...(mayGoInWriting && { mayGoInWriting }) } });
  f.atDispatcher = true;
  book.emit('FolioQueuedForCall');
  await f.setStatus(FolioStatus.Queued, { what: 'call in the hotel batch' });
  // a batch started as an email: the hotel agreed on the phone (for another guest) and gets this one in writing
  let inWriting: string | undefined;
  const report = await waitForDispatcher(
    f,
    'call',
    () => inbox.callOutcome ?? (inWriting && inbox.emailSent?.emailId === inWriting ? inbox.emailSent : undefined),
    (kind, batchId) => void (kind === 'email' && batchId && (inWriting = `email:${batchId}`)),
  );
  if (!report) return { action: 'call', atMs: Date.now(), reason: 'dispatcher did not act; queued again' };
  if (!('disposition' in report)) {
    inbox.emailSent = undefined;
    book.emit('CallReplacedByEmail', { emailId: report.emailId, reason: 'the hotel agreed on the phone to send folios' });
    return afterEmailSent(f, 'email', guest, report, reason);
  }
  inbox.callOutcome = undefined;
  const from = s.lastChannel;
  chase.countCall(s, report.disposition, !!report.outcome, localDate(f.schedule().timeZone, Date.now()));
  book.emitAll(callEvents(report));
  f.lastOutcome = report.outcome?.kind ?? report.disposition;
  if (report.outcome?.kind === 'callback') s.callbacks++;
  if (f.closedLoop && report.outcome) {
    // the hotel heard what this call had to say about the guest
    if (from === 'email') book.emit('ChannelSwitched', { from, to: 'phone', reason });
    f.pendingAsk = undefined;
    await useWhatTheHotelSaid(f, report.outcome, { callId: report.callId });
  }
  const next = chase.afterCall(s, report.disposition, report.outcome, f.policy, f.ctx());
  if (next.action === 'callback') f.pendingCallback = report.outcome as Extract<GuestOutcome, { kind: 'callback' }>;
  return next;
}

/** An address the hotel gave (on the phone, or in the outcome of its written answer) is kept on the hotel and used for this folio at once. */
async function useWhatTheHotelSaid(f: Folio, outcome: GuestOutcome, via: { callId?: string; messageId?: string }): Promise<void> {
  const email = 'email' in outcome ? outcome.email : undefined;
  if (!email) return;
  const purpose = outcome.kind === 'agreed' ? 'sends-folios' : 'written-requests';
  f.writeTo = email;
  f.chase.hasEmail = true;
  f.chase.emailBad = false;
  f.book.emit('HotelContactLearned', { address: email, source: 'call-outcome', purpose, ...via });
  try {
    await lifecycle.learnHotelContact({ hotelId: f.req.hotelId, contact: { email, source: 'call-outcome', purpose, folioId: f.folioId, ...(via.callId && { callId: via.callId }) } });
  } catch (err) {
    // not kept on the hotel (the activity refused it): this folio still writes to it; a bounce would tell
    log.warn('address not kept on the hotel', { folioId: f.folioId, error: String(err) });
  }
}

/** Joins the hotel's next email batch (a request, or a reminder in the same thread). */
export async function emailHotel(f: Folio, kind: 'email' | 'reminder', reason = ''): Promise<Decision> {
  const { inbox, book } = f;
  const guest = f.outgoing(kind);
  const item = kind === 'reminder' ? { kind, guest, threadMessageId: f.threadMessageId } : { kind, guest };
  await lifecycle.enqueueAtHotel({ hotelId: f.req.hotelId, item });
  f.atDispatcher = true;
  book.emit('FolioQueuedForEmail', { kind });
  await f.setStatus(FolioStatus.Queued, { what: kind === 'reminder' ? 'email reminder in the hotel batch' : 'written request in the hotel batch' });
  const sent = await waitForDispatcher(f, 'email', () => inbox.emailSent);
  if (!sent) return { action: kind, reason: 'queued again' };
  inbox.emailSent = undefined;
  return afterEmailSent(f, kind, guest, sent, reason);
}

/** What the dispatcher's written request (or reminder) for this folio came to: sent, refused, or not sent on our side. */
async function afterEmailSent(f: Folio, kind: 'email' | 'reminder', guest: BatchGuest, sent: EmailSentMessage, reason: string): Promise<Decision> {
  const { chase: s, book } = f;
  if (sent.unsent && patched(RESEND_UNSENT_PATCH)) {
    // our failure, not the hotel's: the address stays usable and no attempt is counted
    book.emit('EmailNotSent', { emailId: sent.emailId, reason: sent.unsent });
    return chase.afterEmailNotSent(kind, f.policy, Date.now());
  }
  const rejected = sent.rejected ?? sent.unsent;
  if (rejected) {
    s.emailBad = true;
    if (f.writeTo && (!sent.to || sent.to.toLowerCase() === f.writeTo.toLowerCase())) f.writeTo = undefined;
    book.emit('EmailRejected', { emailId: sent.emailId, reason: rejected });
    return chase.afterEmailRejected(s, f.policy, f.ctx());
  }
  const from = s.lastChannel;
  chase.countEmail(s, kind, sent.to, Date.now());
  f.threadMessageId ??= sent.messageId;
  book.emit(kind === 'reminder' ? 'EmailReminderSent' : 'EmailRequestSent', { emailId: sent.emailId, messageId: sent.messageId });
  if (f.closedLoop) {
    if (from === 'phone' && s.calls > 0) book.emit('ChannelSwitched', { from, to: 'email', reason });
    if (guest.ask?.kind === 'authorization') {
      s.formSent = true;
      book.emit('AuthorizationSentToHotel', { emailId: sent.emailId, documentId: guest.ask.document.documentId });
    }
    f.pendingAsk = undefined;
  }
  return chase.afterEmailSent(s, f.policy, f.ctx());
}

/** Runs from before a call item could go in writing took any batch started during a call wait for the call. */
export const CALL_IN_WRITING_PATCH = 'call-in-writing';

/** Waits for the hotel's dispatcher to report; withdraws the folio if something overtakes it. */
async function waitForDispatcher<T>(f: Folio, kind: 'call' | 'email', result: () => T | undefined, started?: (kind: DispatchKind, batchId?: string) => void): Promise<T | undefined> {
  const { inbox } = f;
  const deadline = Date.now() + REENQUEUE_MS;
  for (;;) {
    const wake = () => result() !== undefined || inbox.interrupted() || inbox.batchStarted !== undefined;
    // one timer for the whole wait (lean lifecycle); earlier runs started one each time round
    const ok = f.book.lean ? await f.alarm.until(wake, deadline) : await condition(wake, REENQUEUE_MS);
    if (result() !== undefined) {
      f.atDispatcher = false;
      return result();
    }
    if (inbox.batchStarted !== undefined) {
      const as = inbox.batchStarted;
      inbox.batchStarted = undefined;
      started?.(as, inbox.batchStartedId);
      // a call item the dispatcher sends in writing (runs from before it marked every batch of a call wait a call)
      const writing = kind === 'call' && as === 'email' && patched(CALL_IN_WRITING_PATCH);
      if (kind === 'call' && !writing) await f.setStatus(FolioStatus.Calling, { what: 'on the phone with the hotel' });
      continue;
    }
    if (inbox.interrupted()) {
      await withdraw(f);
      // a result that raced the withdrawal still counts
      return result();
    }
    if (!ok) return undefined;
  }
}

/** Takes the folio's item back from its hotel's dispatcher (in the lean lifecycle only when it holds one). */
export async function withdraw(f: Folio): Promise<void> {
  if (f.book.lean && !f.atDispatcher) return;
  await lifecycle.withdrawFromHotel({ hotelId: f.req.hotelId, folioId: f.folioId });
  f.atDispatcher = false;
}

/** Waits for the folio the hotel promised (or was asked for in writing), or the hotel's written answer. */
export async function awaitDocument(f: Folio, decision: Extract<Decision, { action: 'await_document' }>): Promise<Decision> {
  const { inbox } = f;
  const until = decision.untilMs;
  await f.setStatus(f.chase.lastChannel === 'email' ? FolioStatus.EmailRequested : FolioStatus.AwaitingEmail, { at: until, what: decision.reason });
  const wake = () => inbox.interrupted() || !!inbox.hotelReply;
  const woke = f.book.lean ? await f.alarm.until(wake, until) : await condition(wake, Math.max(0, until - Date.now()));
  if (inbox.hotelReply) return takeHotelReply(f);
  if (!woke) return chase.afterAwaitTimeout(f.chase, f.policy, f.ctx());
  return decision;
}

async function takeHotelReply(f: Folio): Promise<Decision> {
  const reply = f.inbox.hotelReply!;
  f.inbox.hotelReply = undefined;
  f.book.emit('EmailReceived', { messageId: reply.messageId });
  f.book.emitAll(guestOutcomeEvents(reply.outcome, { messageId: reply.messageId, via: 'email' }));
  f.lastOutcome = reply.outcome.kind;
  if (f.closedLoop) await useWhatTheHotelSaid(f, reply.outcome, { messageId: reply.messageId });
  return chase.afterCall(f.chase, 'conversation', reply.outcome, f.policy, f.ctx());
}

/**
 * The hotel wants a form signed by the guest: the client is asked for it (signed webhook), and the folio waits
 * for the upload; then the form goes to the hotel. No form in time: a person, told what to do.
 */
export async function awaitClient(f: Folio, decision: Extract<Decision, { action: 'await_client' }>): Promise<Decision> {
  const { inbox, book } = f;
  f.authorization ??= { form: decision.form, clientNotified: false };
  if (!f.authorization.clientNotified) {
    f.authorization.clientNotified = true;
    const form = decision.form ?? 'authorisation form';
    await notifyClient(f, {
      folioId: f.folioId,
      kind: 'folio.authorization_required',
      message: `The hotel sends this folio only against a ${form} signed by the guest. Please upload the signed form; we send it to the hotel.`,
      action: { method: 'POST', path: `/v1/folios/${f.folioId}/authorization`, description: 'upload the signed form (PDF or image) as the raw body' },
      ...(decision.form && { form: decision.form }),
    });
  }
  await f.setStatus(FolioStatus.AwaitingClient, { at: decision.untilMs, what: "waiting for the client to upload the guest's signed form" });
  const woke = await condition(() => inbox.interrupted(), Math.max(0, decision.untilMs - Date.now()));
  if (inbox.authorization) {
    const { document, by } = inbox.authorization;
    inbox.authorization = undefined;
    book.emit('AuthorizationReceived', { documentId: document.documentId, by });
    return chase.afterAuthorizationReceived(f.chase, document, f.authorization.form);
  }
  if (!woke) return chase.afterAuthorizationTimeout(f.policy);
  return decision;
}

/** Tells the client something it may act on while the chase goes on; a failed notification is recorded, the chase goes on. */
export async function notifyClient(f: Folio, n: Parameters<typeof notifications.notifyClient>[0]): Promise<void> {
  try {
    const r = await notifications.notifyClient(n);
    if (r.delivered || r.status !== undefined) f.book.emit(r.delivered ? 'ClientNotified' : 'ClientNotificationFailed', { kind: n.kind, status: r.status });
  } catch (err) {
    log.warn('client notification failed', { folioId: f.folioId, kind: n.kind, error: String(err) });
    f.book.emit('ClientNotificationFailed', { kind: n.kind, error: err instanceof Error ? err.message : String(err) });
  }
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
