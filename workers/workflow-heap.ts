// The heap bound of the worker's workflow thread. The SDK runs every workflow in a worker thread it creates in
// Worker.create and takes no resource limits for it; V8 reads --max-old-space-size when it creates an isolate,
// so setting the flag here, before the worker exists, bounds that thread's heap and leaves the main thread's
// (activities, the projection writer), configured at process start, as it was.
import { setFlagsFromString } from 'node:v8';

/** Old space for the thread's code and bookkeeping, and per cached run on top (a cached run costs ~1.1 MB of RSS). */
const BASE_MB = 96;
const PER_CACHED_RUN_MB = 1.25;

/** The workflow thread's old-space bound in MB: the configured one, or one derived from the cache bound. */
export function workflowHeapMb(configured: number, maxCachedWorkflows: number): number {
  if (configured > 0) return configured;
  return Math.ceil(BASE_MB + PER_CACHED_RUN_MB * maxCachedWorkflows);
}

/** Bounds the heap of worker threads created from now on (call before Worker.create); returns the bound in MB. */
export function boundWorkflowHeap(configured: number, maxCachedWorkflows: number): number {
  const mb = workflowHeapMb(configured, maxCachedWorkflows);
  setFlagsFromString(`--max-old-space-size=${mb}`);
  return mb;
}
