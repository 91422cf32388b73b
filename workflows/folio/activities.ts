// The activities the folio workflow calls, each with the timeouts and retries its work needs.
import { proxyActivities } from '@temporalio/workflow';
import type { DeliveryActivities, ExtractionActivities, LifecycleActivities } from '../activity-types';

export const lifecycle = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
// Projection writes retry for a few minutes; after that the lifecycle goes on and the next write
// (which carries the full state and every unsent event) catches the read side up.
export const projections = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1s', maximumInterval: '20s', maximumAttempts: 12 },
});
const EXTRACTION_OPTIONS = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '2 minutes', maximumAttempts: 8 },
} as const;
export const extraction = proxyActivities<ExtractionActivities>(EXTRACTION_OPTIONS);

/** Reading documents on its own task queue (a worker with few slots: PDFs and OCR are what take memory), when the folio was started with one. */
export function extractionOn(taskQueue: string | undefined): ExtractionActivities {
  return taskQueue ? proxyActivities<ExtractionActivities>({ ...EXTRACTION_OPTIONS, taskQueue }) : extraction;
}
export const delivery = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 10 },
});
// A notification while the chase goes on holds the chase up for a few minutes at most.
export const notifications = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 4 },
});
