// Activities of the lifecycle itself: read projections, hotel configuration, and the signal-with-start
// calls workflows cannot make (to a hotel's dispatcher and to the global call-slot semaphore).
import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../config';
import type { Store } from '../adapters/mongo/store';
import type { FolioEvent } from '../domain/events';
import { LearnedContact } from '../domain/schemas';
import { hotelDispatchWorkflowId, hotelSnapshot, type HotelSnapshot } from '../domain/model';
import type { LifecycleActivities } from '../workflows/activity-types';
import {
  acquireCallSlotSignal,
  callSlotsWorkflowId,
  callSlotsWorkflowType,
  enqueueSignal,
  hotelDispatchWorkflowType,
  releaseCallSlotSignal,
  withdrawSignal,
  type DispatchItem,
} from '../workflows/definitions';
import type { TemporalEdge } from '../temporal/edge';
import type { FolioProjectionUpdate } from '../workflows/projection';

export interface LifecycleDeps {
  config: Config;
  store: Store;
  temporal: TemporalEdge;
}

export function createLifecycleActivities({ config, store, temporal }: LifecycleDeps): LifecycleActivities {
  // One semaphore per task queue: the queue this worker (and so its edge) serves.
  const slotsId = callSlotsWorkflowId(temporal.taskQueue);

  async function appendEvents(events: FolioEvent[]): Promise<void> {
    for (const e of events) await store.folios.appendEvent(e);
  }

  return {
    async projectFolio(update: FolioProjectionUpdate): Promise<void> {
      // events first: a projection never shows a state whose events are missing from the timeline
      await appendEvents(update.events);
      await store.folios.project(update.folioId, update.seq, update.set);
    },

    appendEvents,

    async loadHotel({ hotelId }): Promise<HotelSnapshot> {
      const hotel = await store.hotels.get(hotelId);
      if (!hotel) throw ApplicationFailure.nonRetryable(`hotel ${hotelId} is not configured`, 'UnknownHotel');
      return hotelSnapshot(hotel);
    },

    async enqueueAtHotel({ hotelId, item }: { hotelId: string; item: DispatchItem }): Promise<void> {
      const start = { hotelId, overflowSeconds: config.CALL_OVERFLOW_SECONDS, batchPolicy: { windowMs: config.BATCH_WINDOW_SECONDS * 1000, maxGuestsPerCall: 8, maxGuestsPerEmail: 20 } };
      await temporal.sendOrStart(hotelDispatchWorkflowType, hotelDispatchWorkflowId(hotelId), [start], enqueueSignal, item);
    },

    async withdrawFromHotel({ hotelId, folioId }): Promise<void> {
      // GONE: no dispatcher running, nothing to withdraw
      await temporal.send(hotelDispatchWorkflowId(hotelId), withdrawSignal, { folioId });
    },

    async learnHotelContact({ hotelId, contact }): Promise<boolean> {
      // said on the phone and typed by a voice agent: checked before it is kept
      const parsed = LearnedContact.safeParse({ ...contact, learnedAt: new Date().toISOString() });
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`not an address to keep: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, 'InvalidContact');
      return store.hotels.learnContactFromCall(hotelId, parsed.data);
    },

    async requestCallSlot({ leaseId, workflowId }): Promise<void> {
      await temporal.sendOrStart(callSlotsWorkflowType, slotsId, [{ capacity: config.MAX_CONCURRENT_CALLS }], acquireCallSlotSignal, { leaseId, workflowId });
    },

    async releaseCallSlot({ leaseId }): Promise<void> {
      await temporal.send(slotsId, releaseCallSlotSignal, { leaseId }); // GONE: nothing held
    },
  };
}
