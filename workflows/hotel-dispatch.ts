// One long-lived dispatcher per hotel: collects every folio due there, waits a batching window,
// respects the hotel's business hours in its own time zone, never runs two calls to the hotel at
// once, takes a slot under the global call cap, runs one call (or one email) for the whole batch,
// and routes each guest's outcome back to its folio workflow.
import {
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { DEFAULT_BATCH_POLICY, enqueue, nextBatchAt, takeBatch, withdraw, type BatchPolicy, type PendingItem } from '../domain/batching';
import { isOpenAt, nextOpenAt, type Schedule } from '../domain/business-hours';
import type { CallResult, HotelSnapshot } from '../domain/model';
import type { LifecycleActivities } from './activity-types';
import { callWorkflow } from './call';
import {
  batchStartedSignal,
  callOutcomeSignal,
  callSlotGrantedSignal,
  dispatchStateQuery,
  emailSentSignal,
  enqueueSignal,
  hotelUpdatedSignal,
  withdrawSignal,
  type DispatchKind,
} from './definitions';
import { emailRequestWorkflow } from './email-request';

const lifecycle = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

export interface HotelDispatchInput {
  hotelId: string;
  hotel?: HotelSnapshot;
  pending?: PendingItem[];
  batchesRun?: number;
  batchPolicy?: BatchPolicy;
  overflowSeconds?: number;
}

/**
 * With nothing to do for this long the dispatcher ends; the next enqueue starts it again. Kept off the
 * chase policy's retry steps (10, 15, 30, 60, 120, 240 min) so a retry rarely lands on the very moment
 * the dispatcher completes (signal-with-start covers that race, at the cost of a new run).
 */
const IDLE_MS = 95 * 60_000;
/** How long to wait for a slot under the global cap before asking again. */
const SLOT_WAIT_MS = 30 * 60_000;

export async function hotelDispatchWorkflow(input: HotelDispatchInput): Promise<void> {
  const { hotelId } = input;
  const policy = input.batchPolicy ?? DEFAULT_BATCH_POLICY;
  let hotel = input.hotel ?? (await lifecycle.loadHotel({ hotelId }));
  let pending: PendingItem[] = input.pending ?? [];
  let batchesRun = input.batchesRun ?? 0;
  let changed = false;
  let activeCallId: string | undefined;
  let activeFolios = new Set<string>();
  let activeScope: CancellationScope | undefined;
  let waitingFor: string | undefined;
  // for the folios' timelines: when a batch waited for business hours or for a call slot
  const deferredUntil = new Map<string, number>();
  let slotAsked: { leaseId: string; at: number } | undefined;
  const granted = new Set<string>();

  setHandler(enqueueSignal, (item) => {
    pending = enqueue(pending, item, Date.now());
    changed = true;
  });
  setHandler(withdrawSignal, ({ folioId }) => {
    pending = withdraw(pending, folioId);
    activeFolios.delete(folioId);
    // every folio of the running call was withdrawn: hang up rather than talk about nobody
    if (activeScope && activeFolios.size === 0) activeScope.cancel();
    changed = true;
  });
  setHandler(hotelUpdatedSignal, (snapshot) => {
    hotel = snapshot;
    changed = true;
  });
  setHandler(callSlotGrantedSignal, ({ leaseId }) => {
    granted.add(leaseId);
  });
  setHandler(dispatchStateQuery, () => ({ hotelId, pending, activeCallId, batchesRun, waitingFor }));

  for (;;) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 5_000) {
      await continueAsNew<typeof hotelDispatchWorkflow>({ ...input, hotel, pending, batchesRun });
    }
    changed = false;
    if (pending.length === 0) {
      waitingFor = 'work';
      if (!(await condition(() => changed, IDLE_MS)) && pending.length === 0) return;
      continue;
    }
    const readyAt = nextBatchAt(pending, policy)!;
    if (readyAt > Date.now()) {
      waitingFor = 'batching window';
      await condition(() => changed, readyAt - Date.now());
      continue;
    }
    let batch = takeBatch(pending, Date.now(), policy);
    if (!batch) {
      await condition(() => changed, 1_000);
      continue;
    }
    if (batch.kind === 'call' && !isOpenAt(schedule(hotel), Date.now())) {
      // the hotel is closed: written requests and reminders need not wait for it to open
      batch = takeBatch(pending.filter((p) => p.kind !== 'call'), Date.now(), policy) ?? batch;
    }
    if (batch.kind === 'call') {
      const openAt = nextOpenAt(schedule(hotel), Date.now());
      if (openAt === undefined) {
        // never open in the next two weeks: report the attempt as failed; each folio's chase policy decides
        pending = without(pending, batch.items);
        await routeCallResult(batch.items, { callId: `none:${hotelId}`, disposition: 'failed', durationSeconds: 0, outcomes: {} });
        continue;
      }
      if (openAt > Date.now()) {
        for (const item of batch.items) deferredUntil.set(item.guest.folioId, openAt);
        waitingFor = `business hours (${new Date(openAt).toISOString()})`;
        await condition(() => changed, openAt - Date.now());
        continue;
      }
    }

    // unique across the dispatcher's restarts (a fresh start after an idle end has a new first run id)
    // and stable across continue-as-new, so an id never names two different calls or emails
    const batchId = `${hotelId}:${workflowInfo().firstExecutionRunId.slice(0, 8)}:${batchesRun + 1}`;
    const kind: DispatchKind = batch.kind;
    if (kind === 'call') {
      const leaseId = `call:${batchId}`;
      waitingFor = 'a call slot';
      if (slotAsked?.leaseId !== leaseId) slotAsked = { leaseId, at: Date.now() };
      await lifecycle.requestCallSlot({ leaseId, workflowId: workflowInfo().workflowId });
      if (!(await condition(() => granted.has(leaseId), SLOT_WAIT_MS))) continue; // ask again next round
      const slotWaitMs = Date.now() - slotAsked.at;
      slotAsked = undefined;
      batchesRun++;
      pending = without(pending, batch.items);
      waitingFor = undefined;
      activeCallId = leaseId;
      activeFolios = new Set(batch.items.map((i) => i.guest.folioId));
      await notifyStarted(batch.items, kind, batchId, slotWaitMs);
      let result: CallResult;
      try {
        activeScope = new CancellationScope();
        result = await activeScope.run(() =>
          executeChild(callWorkflow, {
            workflowId: leaseId,
            args: [
              {
                callId: leaseId,
                hotel,
                guests: batch.items.map((i) => i.guest),
                overflowSeconds: input.overflowSeconds ?? 540,
              },
            ],
          }),
        );
      } catch (err) {
        const cancelled = isCancellation(err);
        if (cancelled) log.info('call cancelled: every folio of the batch was withdrawn', { callId: leaseId });
        else log.warn('call failed', { callId: leaseId, error: String(err) });
        result = { callId: leaseId, disposition: cancelled ? 'canceled' : 'failed', durationSeconds: 0, outcomes: {} };
      } finally {
        activeScope = undefined;
        activeCallId = undefined;
        await lifecycle.releaseCallSlot({ leaseId });
      }
      await routeCallResult(batch.items, result);
    } else {
      batchesRun++;
      pending = without(pending, batch.items);
      await notifyStarted(batch.items, kind, batchId);
      const emailId = `email:${batchId}`;
      const thread = batch.items.find((i) => i.threadMessageId)?.threadMessageId;
      const result = await executeChild(emailRequestWorkflow, {
        workflowId: emailId,
        args: [{ emailId, kind: kind === 'reminder' ? 'reminder' : 'request', hotel, guests: batch.items.map((i) => i.guest), threadMessageId: thread }],
      });
      for (const item of batch.items) {
        await signalFolio(item.guest.workflowId, (h) => h.signal(emailSentSignal, { ...result, kind: kind === 'reminder' ? 'reminder' : 'request' }));
      }
    }
  }

  async function notifyStarted(items: PendingItem[], kind: DispatchKind, batchId: string, slotWaitMs?: number) {
    for (const item of items) {
      const deferred = deferredUntil.get(item.guest.folioId);
      deferredUntil.delete(item.guest.folioId);
      await signalFolio(item.guest.workflowId, (h) => h.signal(batchStartedSignal, { kind, batchId, deferredUntil: deferred, slotWaitMs }));
    }
  }

  async function routeCallResult(items: PendingItem[], result: CallResult) {
    const { callSid, answeredBy, durationSeconds, ivrPath, ivrLearned, rang, recorded, analysed } = result;
    for (const item of items) {
      const outcome = result.outcomes[item.guest.folioId];
      const call = { callSid, answeredBy, durationSeconds, ivrPath, ivrLearned, rang, recorded, analysed };
      await signalFolio(item.guest.workflowId, (h) => h.signal(callOutcomeSignal, { callId: result.callId, disposition: result.disposition, outcome, call }));
    }
  }
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

function schedule(hotel: HotelSnapshot): Schedule {
  return { timeZone: hotel.timeZone, businessHours: hotel.businessHours, closedDates: hotel.closedDates };
}

function without(pending: PendingItem[], taken: PendingItem[]): PendingItem[] {
  return pending.filter((p) => !taken.some((t) => t.kind === p.kind && t.guest.folioId === p.guest.folioId));
}
