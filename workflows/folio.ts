// The lifecycle of one folio request, from "the guest checked out" to "the folio is in hand and
// checked" (or clearly needs a person). Reads like the chase: wait for check-out, ask the hotel by
// phone or email through its dispatcher, act on what the hotel says, take the document, check it.
import {
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { addBusinessDays, checkoutDueAt, type Schedule } from '../domain/business-hours';
import { resolveCallback } from '../domain/callbacks';
import * as chase from '../domain/chase-policy';
import type { FolioEvent, FolioEventType } from '../domain/events';
import { FolioStatus, TERMINAL_STATUSES, type BatchGuest, type DocumentRef, type FolioData, type FolioRequest, type GuestOutcome, type HotelSnapshot } from '../domain/model';
import { validateFolio } from '../domain/validation';
import type { DeliveryActivities, ExtractionActivities, LifecycleActivities } from './activity-types';
import {
  batchStartedSignal,
  callOutcomeSignal,
  cancelSignal,
  documentReceivedSignal,
  emailBouncedSignal,
  emailSentSignal,
  folioStateQuery,
  hotelRepliedSignal,
  hotelUpdatedSignal,
  retryNowSignal,
  reviewDecisionUpdate,
  setCallbackUpdate,
  uploadDocumentUpdate,
  type CallOutcomeMessage,
  type EmailBouncedMessage,
  type DispatchKind,
  type EmailSentMessage,
  type FolioState,
  type HotelReplyMessage,
  type OperatorAction,
} from './definitions';
import type { FolioProjectionUpdate } from './projection';
import { AttemptCountKey, CheckOutDateKey, ClientIdKey, FolioStatusKey, HotelIdKey, NextActionAtKey } from './search-attributes';

const lifecycle = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
// Projection writes retry for a few minutes; after that the lifecycle goes on and the next write
// (which carries the full state and every unsent event) catches the read side up.
const projections = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1s', maximumInterval: '20s', maximumAttempts: 12 },
});
const extraction = proxyActivities<ExtractionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '2 minutes', maximumAttempts: 8 },
});
const delivery = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 10 },
});

export interface FolioOptions {
  checkoutGraceHours?: number;
  chasePolicy?: Partial<chase.ChasePolicy>;
}

export interface FolioResult {
  folioId: string;
  status: FolioStatus;
  reason?: string;
}

const DAY = 86_400_000;
/** How long a folio that needs a person (or was given up) stays open for an operator to act. */
const OPERATOR_WINDOW_MS = 30 * DAY;
/** A dispatcher that has not acted on an enqueued folio after this long gets the folio again. */
const REENQUEUE_MS = DAY;

export async function folioWorkflow(req: FolioRequest, options: FolioOptions = {}): Promise<FolioResult> {
  const { folioId } = req;
  const policy: chase.ChasePolicy = { ...chase.DEFAULT_CHASE_POLICY, ...options.chasePolicy };
  const workflowId = workflowInfo().workflowId;
  const guest: BatchGuest = {
    folioId,
    workflowId,
    guestName: `${req.guest.firstName} ${req.guest.lastName}`,
    confirmationNumber: req.confirmationNumber,
    checkIn: req.checkIn,
    checkOut: req.checkOut,
  };

  // ---- state --------------------------------------------------------------------------------
  // handlers are registered before the first await, so queries and updates work from the start
  let hotel: HotelSnapshot | undefined;
  const schedule = (): Schedule => {
    if (!hotel) throw new Error('the folio is starting; try again in a moment');
    return { timeZone: hotel.timeZone, businessHours: hotel.businessHours, closedDates: hotel.closedDates };
  };
  const state: chase.ChaseState = {
    channelPreference: 'phone-first',
    hasEmail: false,
    emailBad: false,
    calls: 0,
    failedCallsInRow: 0,
    emails: 0,
    reminders: 0,
    callbacks: 0,
  };
  let status = FolioStatus.WaitingForCheckout;
  let seq = 0;
  let nextActionAt: number | undefined;
  let nextAction: string | undefined;
  let attention: string | undefined;
  let callbackAt: number | undefined;
  let reviewReasons: string[] | undefined;
  let extracted: FolioData | undefined;
  let document: DocumentRef | undefined;
  let threadMessageId: string | undefined;
  let lastOutcome: string | undefined;
  let pendingCallback: Extract<GuestOutcome, { kind: 'callback' }> | undefined;
  /** Whether the folio was last asked for on the phone or in writing (names the waiting status). */
  let lastAsk = 'phone' as 'phone' | 'email';
  const history: FolioState['history'] = [];
  let unsent: FolioEvent[] = [];

  // ---- outside events ---------------------------------------------------------------------------
  let cancelled: OperatorAction | undefined;
  let retryRequested: OperatorAction | undefined;
  let operatorCallback: number | undefined;
  let callOutcome: CallOutcomeMessage | undefined;
  let emailSent: EmailSentMessage | undefined;
  let hotelReply: HotelReplyMessage | undefined;
  let bounced: EmailBouncedMessage | undefined;
  let batchStarted: DispatchKind | undefined;
  let review: (OperatorAction & { approve: boolean }) | undefined;
  const documents: DocumentRef[] = [];
  const seenDocuments = new Set<string>();

  const interrupted = () => !!cancelled || !!retryRequested || !!bounced || operatorCallback !== undefined || documents.length > 0;

  setHandler(callOutcomeSignal, (m) => void (callOutcome = m));
  setHandler(emailSentSignal, (m) => void (emailSent = m));
  setHandler(batchStartedSignal, (m) => {
    batchStarted = m.kind;
    // what the batch went through before it started, recorded as it starts
    if (m.deferredUntil !== undefined) emit('OutsideBusinessHoursDeferred', { openAt: iso(m.deferredUntil) });
    if (m.slotWaitMs !== undefined && m.slotWaitMs >= 1000) emit('CallSlotWaited', { waitedSeconds: Math.round(m.slotWaitMs / 1000) });
    emit('FolioBatched', { batchId: m.batchId, kind: m.kind });
  });
  setHandler(hotelRepliedSignal, (m) => void (hotelReply = m));
  setHandler(emailBouncedSignal, (m) => void (bounced = m));
  setHandler(hotelUpdatedSignal, (snapshot) => {
    // an operator changed the hotel's contact data mid-flight: the next step uses it
    hotel = snapshot;
    state.channelPreference = snapshot.channelPreference;
    state.hasEmail = snapshot.emails.length > 0;
    if (state.hasEmail) state.emailBad = false;
    emit('HotelContactChanged', { hotelId: snapshot.hotelId });
  });
  setHandler(cancelSignal, (m) => void (cancelled ??= m));
  setHandler(retryNowSignal, (m) => void (retryRequested = m));
  setHandler(documentReceivedSignal, (doc) => acceptDocument(doc));
  setHandler(
    setCallbackUpdate,
    async ({ at, phrase, by }) => {
      const r = resolveCallback({ at, phrase }, Date.now(), schedule(), hotel?.language);
      if (!r.ok) throw invalidArgument(r.error); // validated already; the time may have moved on since
      operatorCallback = r.atMs;
      emit('CallbackMoved', { by, at: new Date(r.atMs).toISOString(), clamped: r.clamped });
      await condition(() => operatorCallback === undefined || isTerminal());
      return { callbackAt: new Date(callbackAt ?? r.atMs).toISOString() };
    },
    {
      validator: ({ at, phrase }) => {
        if (isTerminal()) throw new Error(`folio is ${status}; a callback cannot be set`);
        if (!at && !phrase) throw invalidArgument('give `at` (ISO time) or `phrase` (e.g. "tomorrow after 10")');
        const r = resolveCallback({ at, phrase }, Date.now(), schedule(), hotel?.language);
        if (!r.ok) throw invalidArgument(r.error);
      },
    },
  );
  setHandler(
    reviewDecisionUpdate,
    async (decision) => {
      review = decision;
      await condition(() => status !== FolioStatus.NeedsReview);
      return { status };
    },
    {
      validator: (_decision) => {
        if (status !== FolioStatus.NeedsReview) throw new Error(`folio is ${status}, not waiting for review`);
      },
    },
  );
  setHandler(
    uploadDocumentUpdate,
    async ({ document: doc, by }) => {
      emit('OperatorUploadedDocument', { by, documentId: doc.documentId });
      acceptDocument(doc);
      await condition(() => !documents.includes(doc) && status !== FolioStatus.Extracting);
      return { status };
    },
    {
      validator: (_upload) => {
        if (status === FolioStatus.Completed || status === FolioStatus.Cancelled) throw new Error(`folio is ${status}; nothing to upload for`);
      },
    },
  );
  setHandler(folioStateQuery, () => ({
    folioId,
    status,
    hotelId: req.hotelId,
    attempts: { calls: state.calls, emails: state.emails, reminders: state.reminders, callbacks: state.callbacks },
    nextActionAt: iso(nextActionAt),
    nextAction,
    callbackAt: iso(callbackAt),
    attention,
    reviewReasons,
    document,
    extracted,
    lastOutcome,
    history,
  }));

  function acceptDocument(doc: DocumentRef) {
    if (seenDocuments.has(doc.documentId) || isTerminal()) return;
    seenDocuments.add(doc.documentId);
    documents.push(doc);
    if (doc.source === 'email') emit('EmailReceived', { messageId: doc.messageId, documentId: doc.documentId });
  }

  // ---- the lifecycle ------------------------------------------------------------------------------
  hotel = await lifecycle.loadHotel({ hotelId: req.hotelId });
  state.channelPreference = hotel.channelPreference;
  state.hasEmail = hotel.emails.length > 0;
  upsertSearchAttributes([
    { key: HotelIdKey, value: req.hotelId },
    { key: ClientIdKey, value: req.clientId },
    { key: CheckOutDateKey, value: new Date(`${req.checkOut}T00:00:00Z`) },
  ]);
  emit('FolioRequestAccepted', { hotelId: req.hotelId, checkOut: req.checkOut, priority: req.priority });

  const dueAt = checkoutDueAt(req.checkOut, hotel.timeZone, options.checkoutGraceHours ?? 24);
  if (dueAt > Date.now()) {
    emit('CheckoutWaitStarted', { dueAt: iso(dueAt) });
    await setStatus(FolioStatus.WaitingForCheckout, { at: dueAt, what: 'folio falls due (check-out + grace)' });
    await condition(() => interrupted(), dueAt - Date.now());
  }
  emit('FolioDue');
  const slaAt = addBusinessDays(schedule(), Math.max(dueAt, Date.now()), policy.slaBusinessDays);
  const giveUpAt = Math.max(dueAt, Date.now()) + policy.giveUpAfterDays * DAY;
  let slaFlagged = false;

  let decision: chase.ChaseDecision = chase.firstStep(state, policy, Date.now());
  for (;;) {
    if (cancelled) return finish(FolioStatus.Cancelled, `cancelled by ${cancelled.by}`, 'FolioCancelled');
    if (documents.length) {
      const done = await takeDocuments();
      if (done) return done;
      decision = askAgain('the folio received did not pass the checks');
      continue;
    }
    if (retryRequested) {
      emit('OperatorRetried', { by: retryRequested.by });
      retryRequested = undefined;
      attention = undefined;
      state.failedCallsInRow = 0;
      if (state.calls >= policy.maxCallAttempts) state.calls = policy.maxCallAttempts - 1; // one more try
      decision = state.channelPreference === 'email-only' ? { action: 'email', reason: 'operator asked to retry' } : { action: 'call', atMs: Date.now(), reason: 'operator asked to retry' };
    }
    if (bounced) {
      state.emailBad = true;
      emit('EmailBounced', { emailId: bounced.emailId, reason: bounced.reason });
      bounced = undefined;
      decision = chase.afterEmailRejected(state, policy, Date.now());
    }
    if (operatorCallback !== undefined) decision = { action: 'callback', reason: 'operator set a callback' };
    if (decision.action === 'call' && state.channelPreference === 'email-only') {
      decision = state.emails > 0 ? { action: 'reminder', reason: 'the hotel now takes email only' } : { action: 'email', reason: 'the hotel now takes email only' };
    }
    if (!slaFlagged && Date.now() >= slaAt) {
      slaFlagged = true;
      attention = `SLA of ${policy.slaBusinessDays} business days passed`;
      emit('SlaBreached');
    }
    if (Date.now() >= giveUpAt && decision.action !== 'needs_attention' && decision.action !== 'give_up') {
      decision = { action: 'give_up', reason: `no folio ${policy.giveUpAfterDays} days after it fell due` };
    }

    switch (decision.action) {
      case 'call':
        if (decision.atMs > Date.now()) {
          const at = decision.atMs;
          emit('RetryScheduled', { at: iso(at), reason: decision.reason });
          await setStatus(FolioStatus.RetryScheduled, { at, what: decision.reason });
          if (!(await condition(interrupted, at - Date.now()))) decision = { ...decision, atMs: Date.now() };
          continue;
        }
        decision = await callHotel();
        break;
      case 'email':
      case 'reminder':
        decision = await emailHotel(decision.action === 'email' ? 'email' : 'reminder');
        break;
      case 'await_document': {
        const until = decision.untilMs;
        await setStatus(lastAsk === 'email' ? FolioStatus.EmailRequested : FolioStatus.AwaitingEmail, { at: until, what: decision.reason });
        const woke = await condition(() => interrupted() || !!hotelReply, Math.max(0, until - Date.now()));
        if (hotelReply) decision = takeHotelReply();
        else if (!woke) decision = chase.afterAwaitTimeout(state, policy, Date.now());
        break;
      }
      case 'callback':
        decision = await waitForCallback();
        break;
      case 'needs_attention':
      case 'give_up': {
        const giveUp = decision.action === 'give_up';
        attention = decision.reason;
        emit(giveUp ? 'FolioUnobtainable' : 'NeedsAttention', { reason: decision.reason });
        await setStatus(giveUp ? FolioStatus.Unobtainable : FolioStatus.NeedsAttention, { at: Date.now() + OPERATOR_WINDOW_MS, what: 'waiting for an operator' });
        if (!(await condition(interrupted, OPERATOR_WINDOW_MS))) {
          return finish(FolioStatus.Unobtainable, attention, giveUp ? undefined : 'FolioUnobtainable');
        }
        break;
      }
    }
  }

  // ---- steps ----------------------------------------------------------------------------------------
  async function callHotel(): Promise<chase.ChaseDecision> {
    await lifecycle.enqueueAtHotel({ hotelId: req.hotelId, item: { kind: 'call', guest } });
    emit('FolioQueuedForCall');
    await setStatus(FolioStatus.Queued, { what: 'call in the hotel batch' });
    const outcome = await waitForDispatcher('call', () => callOutcome);
    if (!outcome) return { action: 'call', atMs: Date.now(), reason: 'dispatcher did not act; queued again' };
    callOutcome = undefined;
    lastAsk = 'phone';
    state.calls++;
    if (outcome.outcome) state.failedCallsInRow = 0;
    else if (outcome.disposition !== 'overflow') state.failedCallsInRow++;
    recordCallOutcome(outcome);
    if (outcome.outcome?.kind === 'callback') state.callbacks++;
    const next = chase.afterCall(state, outcome.disposition, outcome.outcome, policy, Date.now());
    if (next.action === 'callback') pendingCallback = outcome.outcome as Extract<GuestOutcome, { kind: 'callback' }>;
    return next;
  }

  async function emailHotel(kind: 'email' | 'reminder'): Promise<chase.ChaseDecision> {
    const item = kind === 'reminder' ? { kind, guest, threadMessageId } : { kind, guest };
    await lifecycle.enqueueAtHotel({ hotelId: req.hotelId, item });
    emit('FolioQueuedForEmail', { kind });
    await setStatus(FolioStatus.Queued, { what: kind === 'reminder' ? 'email reminder in the hotel batch' : 'written request in the hotel batch' });
    const sent = await waitForDispatcher('email', () => emailSent);
    if (!sent) return kind === 'reminder' ? { action: 'reminder', reason: 'queued again' } : { action: 'email', reason: 'queued again' };
    emailSent = undefined;
    if (sent.rejected) {
      state.emailBad = true;
      emit('EmailRejected', { emailId: sent.emailId, reason: sent.rejected });
      return chase.afterEmailRejected(state, policy, Date.now());
    }
    lastAsk = 'email';
    if (kind === 'reminder') state.reminders++;
    else state.emails++;
    threadMessageId ??= sent.messageId;
    emit(kind === 'reminder' ? 'EmailReminderSent' : 'EmailRequestSent', { emailId: sent.emailId, messageId: sent.messageId });
    return chase.afterEmailSent(state, policy, Date.now());
  }

  /** Waits for the hotel's dispatcher to report; withdraws the folio if something overtakes it. */
  async function waitForDispatcher<T>(kind: 'call' | 'email', result: () => T | undefined): Promise<T | undefined> {
    for (;;) {
      const ok = await condition(() => result() !== undefined || interrupted() || batchStarted !== undefined, REENQUEUE_MS);
      if (result() !== undefined) return result();
      if (batchStarted !== undefined) {
        batchStarted = undefined;
        if (kind === 'call') await setStatus(FolioStatus.Calling, { what: 'on the phone with the hotel' });
        continue;
      }
      if (interrupted()) {
        await lifecycle.withdrawFromHotel({ hotelId: req.hotelId, folioId });
        // a result that raced the withdrawal still counts
        return result();
      }
      if (!ok) return undefined;
    }
  }

  async function waitForCallback(): Promise<chase.ChaseDecision> {
    let at: number;
    if (operatorCallback !== undefined) {
      at = operatorCallback;
    } else {
      const said: { at?: string; phrase?: string } = pendingCallback ?? {};
      const r = resolveCallback({ at: said.at, phrase: said.phrase ?? 'tomorrow morning' }, Date.now(), schedule(), hotel?.language);
      // an unreadable callback time still gets a sensible default: the next business morning
      at = r.ok ? r.atMs : (resolveFallback() ?? Date.now() + DAY);
      emit('CallbackRequested', { at: iso(at), understood: r.ok ? r.interpretation : `fallback (${r.error})` });
    }
    pendingCallback = undefined;
    operatorCallback = undefined;
    callbackAt = at;
    await setStatus(FolioStatus.CallbackScheduled, { at, what: 'call back as the hotel asked' });
    const woke = await condition(() => interrupted(), Math.max(0, at - Date.now()));
    if (woke) return operatorCallback !== undefined ? { action: 'callback', reason: 'operator moved the callback' } : decisionAfterInterrupt();
    callbackAt = undefined;
    emit('CallbackDue');
    return state.channelPreference === 'email-only' ? { action: 'email', reason: 'callback due' } : { action: 'call', atMs: Date.now(), reason: 'callback due' };
  }

  function resolveFallback(): number | undefined {
    const r = resolveCallback({ phrase: 'tomorrow morning' }, Date.now(), schedule(), 'en');
    return r.ok ? r.atMs : undefined;
  }

  /** The loop handles cancel, documents and retry at its top; the decision here is what follows them. */
  function decisionAfterInterrupt(): chase.ChaseDecision {
    return { action: 'call', atMs: Date.now(), reason: 'resumed' };
  }

  function takeHotelReply(): chase.ChaseDecision {
    const reply = hotelReply!;
    hotelReply = undefined;
    emit('EmailReceived', { messageId: reply.messageId });
    recordOutcome(reply.outcome, { messageId: reply.messageId, via: 'email' });
    return chase.afterCall(state, 'conversation', reply.outcome, policy, Date.now());
  }

  /** Extracts and checks each document received; completes on the first that passes, else asks a person. */
  async function takeDocuments(): Promise<FolioResult | undefined> {
    await lifecycle.withdrawFromHotel({ hotelId: req.hotelId, folioId });
    let failed: { doc: DocumentRef; data?: FolioData; reasons: string[] } | undefined;
    while (documents.length) {
      const doc = documents[0];
      emit('DocumentStored', { documentId: doc.documentId, source: doc.source, contentType: doc.contentType, size: doc.size });
      await setStatus(FolioStatus.Extracting, { what: 'reading the folio' });
      let data: FolioData | undefined;
      let reasons: string[];
      try {
        data = await extraction.extractFolio({ document: doc, guest: req.guest });
        const v = validateFolio(data, req);
        reasons = v.reasons;
        emit('ExtractionCompleted', { documentId: doc.documentId, extractor: data.extractor, confidence: data.confidence });
      } catch (err) {
        reasons = [`the document could not be read: ${err instanceof Error ? err.message : String(err)}`];
        emit('ExtractionFailed', { documentId: doc.documentId, reason: reasons[0] });
      }
      documents.shift();
      if (reasons.length === 0 && data) {
        emit('ValidationPassed', { documentId: doc.documentId });
        extracted = data;
        document = doc;
        return complete('checked automatically');
      }
      emit('ValidationFailed', { documentId: doc.documentId, reasons });
      failed = { doc, data, reasons };
    }
    // none passed: a person decides
    document = failed!.doc;
    extracted = failed!.data;
    reviewReasons = failed!.reasons;
    review = undefined;
    emit('ReviewRequested', { reasons: reviewReasons });
    await setStatus(FolioStatus.NeedsReview, { what: 'a person reviews the folio' });
    await condition(() => !!review || !!cancelled || documents.length > 0);
    const decided = review as (OperatorAction & { approve: boolean }) | undefined;
    if (decided?.approve) {
      emit('ReviewApproved', { by: decided.by, note: decided.note });
      return complete(`approved by ${decided.by}`);
    }
    if (decided) emit('ReviewRejected', { by: decided.by, note: decided.note });
    reviewReasons = undefined;
    await setStatus(FolioStatus.Queued, { what: 'asking the hotel again' });
    return undefined;
  }

  function askAgain(reason: string): chase.ChaseDecision {
    if (state.hasEmail && !state.emailBad) return state.emails > 0 ? { action: 'reminder', reason } : { action: 'email', reason };
    return { action: 'call', atMs: Date.now(), reason };
  }

  async function complete(how: string): Promise<FolioResult> {
    attention = undefined;
    emit('FolioCompleted', { how });
    await setStatus(FolioStatus.Completed, { what: how });
    try {
      const r = await delivery.deliverResult({ folioId });
      // no webhook configured: nothing to deliver, the client reads the result through the API
      if (r.delivered || r.status !== undefined) emit(r.delivered ? 'ResultDelivered' : 'DeliveryFailed', { status: r.status });
    } catch (err) {
      emit('DeliveryFailed', { error: err instanceof Error ? err.message : String(err) });
    }
    await flush();
    return { folioId, status: FolioStatus.Completed, reason: how };
  }

  async function finish(final: FolioStatus, reason: string | undefined, event?: FolioEventType): Promise<FolioResult> {
    if (event) emit(event, { reason });
    if (final === FolioStatus.Cancelled) await lifecycle.withdrawFromHotel({ hotelId: req.hotelId, folioId });
    attention = final === FolioStatus.Cancelled ? undefined : reason;
    await setStatus(final, { what: reason ?? final });
    return { folioId, status: final, reason };
  }

  // ---- bookkeeping ----------------------------------------------------------------------------------
  function recordCallOutcome(o: CallOutcomeMessage) {
    const byDisposition: Record<string, FolioEventType> = {
      busy: 'CallBusy',
      no_answer: 'CallNoAnswer',
      failed: 'CallFailed',
      canceled: 'CallFailed',
      voicemail: 'VoicemailLeft',
      fax: 'FaxDetected',
      ivr_dead_end: 'IvrDeadEnd',
      dropped: 'CallDropped',
      overflow: 'CallOverflowed',
      conversation: 'CallCompleted',
    };
    recordCallProgress(o);
    emit(byDisposition[o.disposition] ?? 'CallCompleted', { callId: o.callId, disposition: o.disposition });
    if (o.outcome) recordOutcome(o.outcome, { callId: o.callId, via: 'phone' });
    else lastOutcome = o.disposition;
  }

  /** The call's course, from the result it reported: recorded when the call has ended. */
  function recordCallProgress({ callId, disposition, outcome, call }: CallOutcomeMessage) {
    if (!call) return; // reported by a dispatcher of an earlier version
    const machine = disposition === 'voicemail' || !!call.answeredBy?.startsWith('machine');
    const talked = !machine && (disposition === 'conversation' || disposition === 'dropped' || disposition === 'overflow');
    if (call.callSid) emit('CallPlaced', { callId, callSid: call.callSid });
    if (call.rang) emit('CallRinging', { callId });
    if (machine) emit('CallAnsweredByMachine', { callId, answeredBy: call.answeredBy });
    else if (call.answeredBy || talked || disposition === 'ivr_dead_end') emit('CallAnswered', { callId, answeredBy: call.answeredBy });
    if (call.ivrPath) emit(call.ivrLearned ? 'IvrPathLearned' : 'IvrPathSent', { callId, digits: call.ivrPath });
    if (talked) emit('AgentConnected', { callId });
    if (outcome) emit('AgentOutcomeRecorded', { callId, kind: outcome.kind });
    if (call.recorded) emit('RecordingStored', { callId });
    if (call.analysed) emit('TranscriptStored', { callId });
  }

  function recordOutcome(outcome: GuestOutcome, data: Record<string, unknown>) {
    const byKind: Record<GuestOutcome['kind'], FolioEventType> = {
      agreed: 'HotelAgreedToEmail',
      callback: 'CallbackRequested',
      written_request_only: 'WrittenRequestRequired',
      no_such_booking: 'NoSuchBooking',
      refused: 'HotelRefused',
      wrong_number: 'WrongNumber',
    };
    lastOutcome = outcome.kind;
    if (outcome.kind !== 'callback') emit(byKind[outcome.kind], data);
  }

  function emit(type: FolioEventType, data?: Record<string, unknown>) {
    seq++;
    unsent.push({ eventId: `${folioId}:${seq}`, folioId, type, seq, at: new Date().toISOString(), data });
  }

  async function setStatus(next: FolioStatus, action: { at?: number; what?: string } = {}) {
    if (next !== status || history.length === 0) history.push({ at: new Date().toISOString(), status: next, note: action.what });
    status = next;
    nextActionAt = action.at;
    nextAction = action.what;
    const sa: SearchAttributeUpdatePair[] = [
      { key: FolioStatusKey, value: status },
      { key: AttemptCountKey, value: state.calls + state.emails + state.reminders },
      { key: NextActionAtKey, value: action.at !== undefined ? new Date(action.at) : null },
    ];
    upsertSearchAttributes(sa);
    await flush();
  }

  async function flush() {
    seq++;
    const update: FolioProjectionUpdate = {
      folioId,
      seq,
      set: {
        status,
        workflowId,
        clientId: req.clientId,
        clientReference: req.clientReference,
        hotelId: req.hotelId,
        checkOut: req.checkOut,
        nextActionAt: iso(nextActionAt) ?? null,
        nextAction: nextAction ?? null,
        attention: attention ?? null,
        attempts: { calls: state.calls, emails: state.emails, reminders: state.reminders, callbacks: state.callbacks },
        reviewReasons: reviewReasons ?? null,
        extracted: extracted ?? null,
        document: document ?? null,
      },
      events: unsent,
    };
    try {
      await projections.projectFolio(update);
      unsent = [];
    } catch (err) {
      log.warn('projection write failed; it will be carried by the next one', { folioId, seq, error: String(err) });
    }
  }

  function isTerminal() {
    return TERMINAL_STATUSES.includes(status);
  }
}

/** A caller's mistake (not a state conflict): the API answers 400 with the message. */
function invalidArgument(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'InvalidArgument', message, nonRetryable: true });
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
