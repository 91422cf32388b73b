// The dispatcher's steps: find the batch that is due (after its batching window, inside business
// hours), run it as one call (which takes its slot under the global call cap) or one email, and tell each folio.
import { CancellationScope, condition, executeChild, getExternalWorkflowHandle, isCancellation, log, patched, workflowInfo } from '@temporalio/workflow';
import { agreementAfterCall, nextBatchAt, takeBatch, writtenFollowUp, type DispatchKind, type PendingItem, type PhoneAgreement } from '../../domain/batching';
import { isOpenAt, nextOpenAt } from '../../domain/business-hours';
import { MINUTE_MS } from '../../domain/calendar';
import type { CallResult } from '../../domain/model';
import { callWorkflow } from '../call';
import { batchStartedSignal, callOutcomeSignal, emailSentSignal } from '../definitions';
import { emailRequestWorkflow } from '../email-request';
import { lifecycle, type Dispatch } from './state';

/** How long to wait for a slot under the global cap before asking again. */
const SLOT_WAIT_MS = 30 * MINUTE_MS;
/** Histories recorded before it took the batch as it was when the slot was asked for. */
export const RETAKE_AFTER_SLOT_PATCH = 'retake-batch-after-slot';
/**
 * Histories recorded before it told a batch's folios one signal per workflow task; since, one task sends every
 * folio's signal (a batch of 20 took 20 round trips to the server, twice per email: minutes in a wake-up burst).
 */
export const SIGNAL_BATCH_AT_ONCE_PATCH = 'signal-batch-at-once';

export interface Batch {
  kind: DispatchKind;
  items: PendingItem[];
  /** Call items sent as one written request because the hotel agreed on this call to send folios. */
  followsCall?: PhoneAgreement;
}

/** The batch to run now; undefined after a wait (batching window, business hours), when the loop looks again. */
export async function dueBatch(d: Dispatch): Promise<Batch | undefined> {
  const readyAt = nextBatchAt(d.pending, d.policy)!;
  if (readyAt > Date.now()) {
    d.waitingFor = 'batching window';
    await d.wait(readyAt);
    return undefined;
  }
  let batch = takeBatch(d.pending, Date.now(), d.policy);
  if (!batch) {
    await d.wait(Date.now() + 1_000);
    return undefined;
  }
  if (batch.kind === 'call' && !isOpenAt(d.schedule(), Date.now())) {
    // the hotel is closed: written requests and reminders need not wait for it to open
    batch = takeBatch(d.pending.filter((p) => p.kind !== 'call'), Date.now(), d.policy) ?? batch;
  }
  if (batch.kind !== 'call') return batch;
  // call once, email the rest: the hotel agreed on the phone a short while ago to send folios
  const followUp = d.followUps ? writtenFollowUp(d.pending, d.agreement, Date.now(), d.policy, d.hotel.emails.length > 0) : undefined;
  if (followUp) return { kind: 'email', items: followUp.items, followsCall: followUp.agreement };
  const openAt = nextOpenAt(d.schedule(), Date.now());
  if (openAt === undefined) {
    // never open in the next two weeks: report the attempt as failed; each folio's chase policy decides
    d.take(batch.items);
    await routeCallResult(batch.items, { callId: `none:${d.hotelId}`, disposition: 'failed', durationSeconds: 0, outcomes: {} });
    return undefined;
  }
  if (openAt > Date.now()) {
    for (const item of batch.items) d.deferredUntil.set(item.guest.folioId, openAt);
    d.waitingFor = `business hours (${new Date(openAt).toISOString()})`;
    await d.wait(openAt);
    return undefined;
  }
  return batch;
}

/**
 * Unique across the dispatcher's restarts (a fresh start after an idle end has a new first run id)
 * and stable across continue-as-new, so an id never names two different calls or emails.
 */
function nextBatchId(d: Dispatch): string {
  return `${d.hotelId}:${workflowInfo().firstExecutionRunId.slice(0, 8)}:${d.batchesRun + 1}`;
}

/**
 * One call for the batch. The call takes its slot under the global cap as it dials (placeCall waits for one);
 * runs from before LEAN_DISPATCH_PATCH first wait for a slot from the call-slot workflow and return without
 * calling when none came in time.
 */
export async function runCall(d: Dispatch, items: PendingItem[]): Promise<void> {
  const batchId = nextBatchId(d);
  const leaseId = `call:${batchId}`;
  let slotWaitMs: number | undefined;
  if (!d.lean) {
    const slot = await slotFromCallSlots(d, leaseId, items);
    if (!slot) return;
    ({ items, slotWaitMs } = slot);
  }
  d.batchesRun++;
  d.take(items);
  d.waitingFor = undefined;
  d.activeCallId = leaseId;
  d.activeFolios = new Set(items.map((i) => i.guest.folioId));
  await notifyStarted(d, items, 'call', batchId, slotWaitMs);
  let result: CallResult;
  try {
    d.activeScope = new CancellationScope();
    const input = { callId: leaseId, hotel: d.hotel, guests: items.map((i) => i.guest), overflowSeconds: d.input.overflowSeconds ?? 540 };
    result = await d.activeScope.run(() => executeChild(callWorkflow, { workflowId: leaseId, args: [input] }));
  } catch (err) {
    const cancelled = isCancellation(err);
    if (cancelled) log.info('call cancelled: every folio of the batch was withdrawn', { callId: leaseId });
    else log.warn('call failed', { callId: leaseId, error: String(err) });
    result = { callId: leaseId, disposition: cancelled ? 'canceled' : 'failed', durationSeconds: 0, outcomes: {} };
  } finally {
    d.activeScope = undefined;
    d.activeCallId = undefined;
    if (!d.lean) await lifecycle.releaseCallSlot({ leaseId });
  }
  // what the desk said now replaces what it said before; a call nobody answered changes nothing
  const said = d.followUps ? agreementAfterCall(result, Date.now()) : undefined;
  if (said !== undefined) d.agreement = said ?? undefined;
  await routeCallResult(items, result);
}

/** The slot from the call-slot workflow (runs from before LEAN_DISPATCH_PATCH), and the batch as it is once granted. */
async function slotFromCallSlots(d: Dispatch, leaseId: string, items: PendingItem[]): Promise<{ items: PendingItem[]; slotWaitMs: number } | undefined> {
  d.waitingFor = 'a call slot';
  if (d.slotAsked?.leaseId !== leaseId) d.slotAsked = { leaseId, at: Date.now() };
  await lifecycle.requestCallSlot({ leaseId, workflowId: workflowInfo().workflowId });
  if (!(await condition(() => d.granted.has(leaseId), SLOT_WAIT_MS))) return undefined; // ask again next round
  const slotWaitMs = Date.now() - d.slotAsked.at;
  d.slotAsked = undefined;
  if (patched(RETAKE_AFTER_SLOT_PATCH)) {
    // the wait may have been long: folios that arrived meanwhile join the call, withdrawn ones leave it
    items = takeBatch(d.pending.filter((p) => p.kind === 'call'), Date.now(), d.policy)?.items ?? [];
    if (items.length === 0) {
      d.granted.delete(leaseId); // the next batch asks for this lease again
      await lifecycle.releaseCallSlot({ leaseId });
      return undefined;
    }
  }
  return { items, slotWaitMs };
}

/**
 * One written request (or reminder) for the batch, in the thread of an earlier one when there is one. With
 * `followsCall`, the items are call items the hotel's agreement on the phone lets go in writing: the request says so,
 * goes to the address given on that call first, and an address refused ends the agreement (the next batch calls).
 */
export async function runEmail(d: Dispatch, kind: 'email' | 'reminder', items: PendingItem[], followsCall?: PhoneAgreement): Promise<void> {
  const batchId = nextBatchId(d);
  d.batchesRun++;
  d.take(items);
  await notifyStarted(d, items, kind, batchId);
  const emailId = `email:${batchId}`;
  const thread = items.find((i) => i.threadMessageId)?.threadMessageId;
  const emailKind = kind === 'reminder' ? 'reminder' : 'request';
  const writeTo = followsCall?.email;
  const guests = items.map((i) => (writeTo && !i.guest.writeTo ? { ...i.guest, writeTo } : i.guest));
  const result = await executeChild(emailRequestWorkflow, {
    workflowId: emailId,
    args: [{ emailId, kind: emailKind, hotel: d.hotel, guests, threadMessageId: thread, ...(followsCall && { followsCall: { callId: followsCall.callId, at: new Date(followsCall.at).toISOString() } }) }],
  });
  if (followsCall && (result.rejected || result.unsent)) d.agreement = undefined;
  await tellEach(items, (item) => signalFolio(item.guest.workflowId, (h) => h.signal(emailSentSignal, { ...result, kind: emailKind })));
}

async function notifyStarted(d: Dispatch, items: PendingItem[], kind: DispatchKind, batchId: string, slotWaitMs?: number) {
  await tellEach(items, (item) => {
    const deferred = d.deferredUntil.get(item.guest.folioId);
    d.deferredUntil.delete(item.guest.folioId);
    return signalFolio(item.guest.workflowId, (h) => h.signal(batchStartedSignal, { kind, batchId, deferredUntil: deferred, slotWaitMs }));
  });
}

/** Each guest's outcome goes back to its folio, with the call's course for the folio's timeline. */
async function routeCallResult(items: PendingItem[], result: CallResult) {
  const { callSid, answeredBy, durationSeconds, ivrPath, ivrLearned, rang, slotWaitMs, recorded, analysed, voicemailSkipped } = result;
  const call = { callSid, answeredBy, durationSeconds, ivrPath, ivrLearned, rang, slotWaitMs, recorded, analysed, ...(voicemailSkipped && { voicemailSkipped }) };
  await tellEach(items, (item) => {
    const outcome = result.outcomes[item.guest.folioId];
    return signalFolio(item.guest.workflowId, (h) => h.signal(callOutcomeSignal, { callId: result.callId, disposition: result.disposition, outcome, call }));
  });
}

/** Tells every folio of a batch: all at once (SIGNAL_BATCH_AT_ONCE_PATCH), or one after the other as runs recorded before it did. */
async function tellEach(items: PendingItem[], tell: (item: PendingItem) => Promise<void>): Promise<void> {
  if (patched(SIGNAL_BATCH_AT_ONCE_PATCH)) {
    await Promise.all(items.map(tell));
    return;
  }
  for (const item of items) await tell(item);
}

/** A folio that has ended (e.g. cancelled) cannot be signalled; that is expected, not an error. */
async function signalFolio(workflowId: string, send: (h: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>) {
  try {
    await send(getExternalWorkflowHandle(workflowId));
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.info('folio not signalled (it has ended)', { workflowId, error: String(err) });
  }
}
