// One dispatcher per hotel while it has work: collects every folio due there, waits a batching window,
// respects the hotel's business hours in its own time zone, never runs two calls to the hotel at
// once, runs one call (or one email) for the whole batch (the call takes its slot under the global call
// cap as it dials), and routes each guest's outcome back to its folio workflow.
import { continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { MINUTE_MS } from '../../domain/calendar';
import { Dispatch, EMAIL_AFTER_AGREEMENT_PATCH, LEAN_DISPATCH_PATCH, lifecycle, type HotelDispatchInput } from './state';
import { dueBatch, runCall, runEmail } from './steps';

export type { HotelDispatchInput };

/**
 * Runs from before LEAN_DISPATCH_PATCH end after this long with nothing to do (kept off the chase policy's
 * retry steps, 10, 15, 30, 60, 120, 240 min, so a retry rarely lands on the very moment the dispatcher completes).
 * Since, a dispatcher ends as soon as nothing is pending: waiting cost a timer, and the next enqueue's
 * signal-with-start costs the same one action whether it signals a running dispatcher or starts a new one (with
 * the hotel in its arguments); an enqueue that arrives as the run completes is still handled by it.
 */
const IDLE_MS = 95 * MINUTE_MS;

export async function hotelDispatchWorkflow(input: HotelDispatchInput): Promise<void> {
  // runs from before it took a slot from the call-slot workflow, restarted its timers on every signal and idled
  const lean = patched(LEAN_DISPATCH_PATCH);
  // runs from before it called every call item, even right after the hotel agreed on the phone
  const followUps = lean && patched(EMAIL_AFTER_AGREEMENT_PATCH);
  // the hotel first: signals that came with the start are handled once it is known
  const d = new Dispatch(input, input.hotel ?? (await lifecycle.loadHotel({ hotelId: input.hotelId })), lean, followUps);
  d.listen();

  for (;;) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 5_000) {
      await continueAsNew<typeof hotelDispatchWorkflow>(d.carryOver());
    }
    d.changed = false;
    if (d.pending.length === 0) {
      if (d.lean) return;
      d.waitingFor = 'work';
      if (!(await d.wait(Date.now() + IDLE_MS)) && d.pending.length === 0) return;
      continue;
    }
    const batch = await dueBatch(d);
    if (!batch) continue;
    if (batch.kind === 'call') await runCall(d, batch.items);
    else await runEmail(d, batch.kind, batch.items, batch.followsCall);
  }
}
