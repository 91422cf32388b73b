// Activities of the lifecycle itself: durable projection writes, hotel configuration, and the signal-with-start
// calls workflows cannot make (to a hotel's dispatcher; to the call-slot semaphore, for dispatcher runs from before
// calls took their slot in placeCall). Passing states reach the
// projection writer through the worker's sink instead (projectionSinks, activities/projection-writer.ts).
import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../config';
import type { Store } from '../adapters/mongo/store';
import type { FolioEvent } from '../domain/events';
import { guestsPerCall } from '../domain/batching';
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
import { ProjectionWriter } from './projection-writer';

export interface LifecycleDeps {
  config: Config;
  store: Store;
  temporal: TemporalEdge;
  /** The worker's projection writer (the sink's too); one of its own by default. */
  projections?: ProjectionWriter;
}

export function createLifecycleActivities({ config, store, temporal, projections }: LifecycleDeps): LifecycleActivities {
  // One semaphore per task queue: the queue this worker (and so its edge) serves.
  const slotsId = callSlotsWorkflowId(temporal.taskQueue);
  const writer = projections ?? new ProjectionWriter(store);

  return {
    async projectFolio(update: FolioProjectionUpdate): Promise<void> {
      // with whatever else the writer holds; events first, so a state never shows without its events
      await writer.writeNow(update);
    },

    async appendEvents(events: FolioEvent[]): Promise<void> {
      await store.folios.appendEvents(events);
    },

    async loadHotel({ hotelId }): Promise<HotelSnapshot> {
      const hotel = await store.hotels.get(hotelId);
      if (!hotel) throw ApplicationFailure.nonRetryable(`hotel ${hotelId} is not configured`, 'UnknownHotel');
      return hotelSnapshot(hotel);
    },

    async enqueueAtHotel({ hotelId, item }: { hotelId: string; item: DispatchItem }): Promise<void> {
      // the hotel comes with the start, so a dispatcher this starts loads nothing (one activity less per start)
      const hotel = await store.hotels.get(hotelId);
      // a hotel's own overflow limit sets how long its calls run, and so how many guests one call asks about
      const overflowSeconds = hotel?.callOverflowSeconds ?? config.CALL_OVERFLOW_SECONDS;
      const maxGuestsPerCall = config.CALL_MAX_GUESTS ?? guestsPerCall(overflowSeconds, config.CALL_SECONDS_PER_GUEST);
      const batchPolicy = {
        windowMs: config.BATCH_WINDOW_SECONDS * 1000,
        maxGuestsPerCall,
        maxGuestsPerEmail: config.EMAIL_MAX_GUESTS,
        emailAfterAgreementMs: config.CALL_AGREEMENT_EMAIL_HOURS * 3_600_000,
      };
      // the last agreement on the phone: a dispatcher this starts knows the hotel said yes a short while ago
      const said = hotel?.stats?.lastPhoneAgreement;
      const agreement = said && { callId: said.callId, at: Date.parse(said.at), ...(said.email && { email: said.email }) };
      const start = { hotelId, ...(hotel && { hotel: hotelSnapshot(hotel) }), overflowSeconds, batchPolicy, ...(agreement && { agreement }) };
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
