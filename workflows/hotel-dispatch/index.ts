// One long-lived dispatcher per hotel: collects every folio due there, waits a batching window,
// respects the hotel's business hours in its own time zone, never runs two calls to the hotel at
// once, takes a slot under the global call cap, runs one call (or one email) for the whole batch,
// and routes each guest's outcome back to its folio workflow.
import { condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { MINUTE_MS } from '../../domain/calendar';
import { Dispatch, lifecycle, type HotelDispatchInput } from './state';
import { dueBatch, runCall, runEmail } from './steps';

export type { HotelDispatchInput };

/**
 * With nothing to do for this long the dispatcher ends; the next enqueue starts it again. Kept off the
 * chase policy's retry steps (10, 15, 30, 60, 120, 240 min) so a retry rarely lands on the very moment
 * the dispatcher completes (signal-with-start covers that race, at the cost of a new run).
 */
const IDLE_MS = 95 * MINUTE_MS;

export async function hotelDispatchWorkflow(input: HotelDispatchInput): Promise<void> {
  // the hotel first: signals that came with the start are handled once it is known
  const d = new Dispatch(input, input.hotel ?? (await lifecycle.loadHotel({ hotelId: input.hotelId })));
  d.listen();

  for (;;) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 5_000) {
      await continueAsNew<typeof hotelDispatchWorkflow>(d.carryOver());
    }
    d.changed = false;
    if (d.pending.length === 0) {
      d.waitingFor = 'work';
      if (!(await condition(() => d.changed, IDLE_MS)) && d.pending.length === 0) return;
      continue;
    }
    const batch = await dueBatch(d);
    if (!batch) continue;
    if (batch.kind === 'call') await runCall(d, batch.items);
    else await runEmail(d, batch.kind, batch.items);
  }
}
