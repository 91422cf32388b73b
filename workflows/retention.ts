// The retention workflow, started daily by a Temporal Schedule (created at worker start): for each category,
// bounded purge passes until nothing old is left or the run's budget is spent; returns what it purged.
import { log, proxyActivities } from '@temporalio/workflow';
import { RETENTION_CATEGORIES, type RetentionCategory } from '../domain/retention';
import type { RetentionActivities } from './activity-types';
import type { RetentionReport, RetentionStart } from './definitions';

export type { RetentionReport };

const { purgeRetained } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 10 },
});

export async function retentionWorkflow(input: RetentionStart): Promise<RetentionReport> {
  const report: RetentionReport = { purged: zeroes(), kept: zeroes(), unfinished: [] };
  for (const category of RETENTION_CATEGORIES) {
    let after: string | undefined;
    for (let batch = 0; ; batch++) {
      if (batch === input.maxBatches) {
        report.unfinished.push(category);
        break;
      }
      const r = await purgeRetained({ category, limit: input.batchSize, ...(after !== undefined && { after }) });
      report.purged[category] += r.purged;
      report.kept[category] += r.kept;
      // passes without a cursor delete what they find: done when a pass found less than a full batch
      if (r.next !== undefined) after = r.next;
      else if (r.purged < input.batchSize) break;
    }
  }
  log.info('retention run finished', { purged: report.purged, unfinished: report.unfinished });
  return report;
}

function zeroes(): Record<RetentionCategory, number> {
  return Object.fromEntries(RETENTION_CATEGORIES.map((c) => [c, 0])) as Record<RetentionCategory, number>;
}
