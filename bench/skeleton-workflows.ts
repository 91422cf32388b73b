// The baseline for the throughput benchmark: a workflow that does nothing but run the same number of
// activities and timers as a folio lifecycle, so the ratio of the two rates shows our own overhead.
import { proxyActivities, sleep } from '@temporalio/workflow';

export interface SkeletonActivities {
  noop(input: { i: number }): Promise<number>;
}

export interface SkeletonInput {
  activities: number;
  timers: number;
}

const act = proxyActivities<SkeletonActivities>({ startToCloseTimeout: '30 seconds' });

export async function skeletonWorkflow(input: SkeletonInput): Promise<number> {
  let done = 0;
  for (let i = 0; i < Math.max(input.activities, input.timers); i++) {
    if (i < input.activities) done += await act.noop({ i });
    if (i < input.timers) await sleep(1);
  }
  return done;
}
