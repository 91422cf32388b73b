// Activities of the lifecycle itself: read projections, hotel configuration, and the signal-with-start
// calls workflows cannot make (to a hotel's dispatcher and to the global call-slot semaphore).
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Store } from '../adapters/mongo/store';
import type { FolioEvent } from '../domain/events';
import { hotelDispatchWorkflowId, hotelSnapshot, type HotelSnapshot } from '../domain/model';
import type { LifecycleActivities } from '../workflows/activity-types';
import { acquireCallSlotSignal, callSlotsWorkflowId, enqueueSignal, releaseCallSlotSignal, withdrawSignal, type DispatchItem } from '../workflows/definitions';
import type { FolioProjectionUpdate } from '../workflows/projection';

export interface LifecycleDeps {
  config: Config;
  store: Store;
  temporal: Client;
}

export function createLifecycleActivities({ config, store, temporal }: LifecycleDeps): LifecycleActivities {
  const taskQueue = config.TEMPORAL_TASK_QUEUE;

  async function appendEvents(events: FolioEvent[]): Promise<void> {
    for (const e of events) await store.appendEvent(e);
  }

  return {
    async projectFolio(update: FolioProjectionUpdate): Promise<void> {
      // events first: a projection never shows a state whose events are missing from the timeline
      await appendEvents(update.events);
      const { nextActionAt, ...rest } = update.set;
      await store.projectFolio(update.folioId, update.seq, { ...rest, nextActionAt: nextActionAt ? new Date(nextActionAt) : null });
    },

    appendEvents,

    async loadHotel({ hotelId }): Promise<HotelSnapshot> {
      const hotel = await store.getHotel(hotelId);
      if (!hotel) throw ApplicationFailure.nonRetryable(`hotel ${hotelId} is not configured`, 'UnknownHotel');
      return hotelSnapshot(hotel);
    },

    async enqueueAtHotel({ hotelId, item }: { hotelId: string; item: DispatchItem }): Promise<void> {
      await temporal.workflow.signalWithStart('hotelDispatchWorkflow', {
        workflowId: hotelDispatchWorkflowId(hotelId),
        taskQueue,
        args: [
          {
            hotelId,
            overflowSeconds: config.CALL_OVERFLOW_SECONDS,
            batchPolicy: { windowMs: config.BATCH_WINDOW_SECONDS * 1000, maxGuestsPerCall: 8, maxGuestsPerEmail: 20 },
          },
        ],
        signal: enqueueSignal,
        signalArgs: [item],
      });
    },

    async withdrawFromHotel({ hotelId, folioId }): Promise<void> {
      try {
        await temporal.workflow.getHandle(hotelDispatchWorkflowId(hotelId)).signal(withdrawSignal, { folioId });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err; // no dispatcher running: nothing to withdraw
      }
    },

    async requestCallSlot({ leaseId, workflowId }): Promise<void> {
      await temporal.workflow.signalWithStart('callSlotsWorkflow', {
        workflowId: callSlotsWorkflowId(taskQueue),
        taskQueue,
        args: [{ capacity: config.MAX_CONCURRENT_CALLS }],
        signal: acquireCallSlotSignal,
        signalArgs: [{ leaseId, workflowId }],
      });
    },

    async releaseCallSlot({ leaseId }): Promise<void> {
      try {
        await temporal.workflow.getHandle(callSlotsWorkflowId(taskQueue)).signal(releaseCallSlotSignal, { leaseId });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}
