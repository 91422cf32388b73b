// A global cap on concurrent calls across all hotels: one long-lived semaphore workflow. Hotel
// dispatchers ask for a slot by signal and are granted one by signal; leases expire so a dispatcher
// that vanished cannot hold a slot forever.
import { condition, continueAsNew, getExternalWorkflowHandle, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { MINUTE_MS } from '../domain/calendar';
import { acquireCallSlotSignal, callSlotGrantedSignal, callSlotsStateQuery, releaseCallSlotSignal } from './definitions';

interface Lease {
  leaseId: string;
  workflowId: string;
  grantedAt: number;
}
interface Waiter {
  leaseId: string;
  workflowId: string;
}
export interface CallSlotsInput {
  capacity: number;
  held?: Lease[];
  waiting?: Waiter[];
}

/** Longer than any call can last (the overflow limit plus wrap-up), so only a lost holder's lease expires. */
export const LEASE_MS = 30 * MINUTE_MS;

export async function callSlotsWorkflow(input: CallSlotsInput): Promise<void> {
  let held: Lease[] = input.held ?? [];
  const waiting: Waiter[] = input.waiting ?? [];
  const regrant: Lease[] = [];
  let changed = true;

  setHandler(acquireCallSlotSignal, ({ leaseId, workflowId }) => {
    const lease = held.find((l) => l.leaseId === leaseId);
    if (lease) {
      regrant.push(lease); // a repeated request (activity retry): grant again; the requester ignores duplicates
    } else if (!waiting.some((w) => w.leaseId === leaseId)) {
      waiting.push({ leaseId, workflowId });
    }
    changed = true;
  });
  setHandler(releaseCallSlotSignal, ({ leaseId }) => {
    held = held.filter((l) => l.leaseId !== leaseId);
    const i = waiting.findIndex((w) => w.leaseId === leaseId);
    if (i >= 0) waiting.splice(i, 1);
    changed = true;
  });
  setHandler(callSlotsStateQuery, () => ({ capacity: input.capacity, held: held.map((l) => l.leaseId), waiting: waiting.map((w) => w.leaseId) }));

  for (;;) {
    changed = false;
    const now = Date.now();
    held = held.filter((l) => now - l.grantedAt < LEASE_MS);
    const grants: Lease[] = regrant.splice(0);
    while (waiting.length && held.length < input.capacity) {
      const w = waiting.shift()!;
      const lease = { ...w, grantedAt: now };
      held.push(lease);
      grants.push(lease);
    }
    for (const g of grants) {
      try {
        await getExternalWorkflowHandle(g.workflowId).signal(callSlotGrantedSignal, { leaseId: g.leaseId });
      } catch {
        held = held.filter((l) => l.leaseId !== g.leaseId); // the requester is gone
        // its slot goes to the next waiter now, not at the next signal (histories from before wait)
        if (patched('grant-slot-of-vanished-requester')) changed = true;
      }
    }
    if (workflowInfo().continueAsNewSuggested && !changed) {
      await continueAsNew<typeof callSlotsWorkflow>({ capacity: input.capacity, held, waiting });
    }
    const nextExpiry = held.length ? Math.min(...held.map((l) => l.grantedAt + LEASE_MS)) - Date.now() : undefined;
    await condition(() => changed, nextExpiry === undefined ? undefined : Math.max(1, nextExpiry));
  }
}
