// Retention activities: one bounded purge pass of one category per call (the retention workflow loops over
// them), each deleting only what is past its period and no longer needed (domain/retention.ts). Counts go to
// the log and to the worker's metrics (folio_retention_purged_total by category).
import { Context } from '@temporalio/activity';
import type { Config } from '../config';
import { logger as defaultLogger, type Logger } from '../config/logger';
import type { Store } from '../adapters/mongo/store';
import { folioStillNeeded, retentionCutoff, type PurgeBatchResult, type RetentionCategory, type RetentionPeriods } from '../domain/retention';
import type { RetentionActivities } from '../workflows/activity-types';
import { retentionScheduleId, retentionWorkflowType } from '../workflows/definitions';
import type { TemporalEdge } from '../temporal/edge';

export interface RetentionDeps {
  config: Config;
  store: Store;
  logger?: Logger;
  /** The time purges are measured from (default: now). */
  clock?: () => Date;
}

/** The configured period of every category, in days. */
export function retentionPeriods(config: Config): RetentionPeriods {
  return {
    callContext: config.RETENTION_CALL_CONTEXT_DAYS,
    transcripts: config.RETENTION_TRANSCRIPT_DAYS,
    // recordings carry their own expiry date, set from RECORDING_RETENTION_DAYS when stored
    recordings: config.RECORDING_RETENTION_DAYS,
    inboxMessages: config.RETENTION_INBOX_MESSAGE_DAYS,
    unmatchedMessages: config.RETENTION_UNMATCHED_DAYS,
    deadLetters: config.RETENTION_DEAD_LETTER_DAYS,
    callbackDeliveries: config.RETENTION_CALLBACK_DAYS,
    folioEvents: config.RETENTION_EVENT_DAYS,
    documents: config.RETENTION_DOCUMENT_DAYS,
  };
}

type Pass = (cutoff: Date, limit: number, after: string | undefined, now: Date) => Promise<Omit<PurgeBatchResult, 'category'>>;

export function createRetentionActivities(deps: RetentionDeps): RetentionActivities {
  const { config, store } = deps;
  const log = (deps.logger ?? defaultLogger).child({ component: 'retention' });
  const periods = retentionPeriods(config);
  const clock = deps.clock ?? (() => new Date());

  /** Which of these folios still need what they hold. */
  async function neededFolios(folioIds: readonly string[], cutoff: Date): Promise<Set<string>> {
    const lifecycles = await store.folios.lifecycles(folioIds);
    return new Set(folioIds.filter((id) => folioStillNeeded(lifecycles.get(id), cutoff)));
  }

  const passes: Record<RetentionCategory, Pass> = {
    callContext: async (cutoff, limit) => ({ purged: await store.calls.purgeField('context', cutoff, limit), kept: 0 }),
    transcripts: async (cutoff, limit) => ({ purged: await store.calls.purgeField('transcript', cutoff, limit), kept: 0 }),
    recordings: async (_cutoff, limit, _after, now) => {
      // by the expiry date each recording was stored with
      const callIds = await store.recordings.purgeExpired(now, limit, (err) => log.warn({ err: String(err) }, 'could not delete an expired recording'));
      for (const callId of callIds) await store.calls.markRecordingPurged(callId, now);
      return { purged: callIds.length, kept: 0 };
    },
    inboxMessages: async (cutoff, limit, after) => {
      const handled = await store.inbox.handledBefore(cutoff, limit, after);
      const needed = await neededFolios(handled.flatMap((m) => m.folioIds), cutoff);
      const gone = handled.filter((m) => !m.folioIds.some((f) => needed.has(f)));
      return { purged: await store.inbox.forget(gone.map((m) => m._id)), kept: handled.length - gone.length, next: handled.length === limit ? handled.at(-1)!._id : undefined };
    },
    unmatchedMessages: async (cutoff, limit) => ({ purged: await store.unmatched.purgeReceivedBefore(cutoff, limit), kept: 0 }),
    deadLetters: async (cutoff, limit) => {
      const letters = await store.deadLetters.purgeFailedBefore(cutoff, limit);
      // a dead callback's encrypted arguments go with its dead letter
      await store.callbacks.purgeDead(letters.filter((l) => l.kind === 'callback').map((l) => l.key));
      return { purged: letters.length, kept: 0 };
    },
    callbackDeliveries: async (cutoff, limit) => ({ purged: await store.callbacks.purgeDeliveredBatch(cutoff, limit), kept: 0 }),
    folioEvents: async (cutoff, limit, after) => {
      const folioIds = await store.folios.foliosWithEventsBefore(cutoff, limit, after);
      const needed = await neededFolios(folioIds, cutoff);
      const ended = folioIds.filter((id) => !needed.has(id));
      // counted in events; a folio's timeline goes whole
      return { purged: await store.folios.purgeTimelines(ended), kept: needed.size, next: folioIds.length === limit ? folioIds.at(-1) : undefined };
    },
    documents: async (cutoff, limit, after) => {
      const documentIds = await store.documents.storedBefore(cutoff, limit, after);
      if (documentIds.length === 0) return { purged: 0, kept: 0 };
      // a folio's document reference is sealed, so what the folios still needing theirs hold is read from them
      const [heldByFolios, byMessage, heldUnmatched] = await Promise.all([
        store.folios.stillNeeded(cutoff).then((ids) => store.folios.documentsHeldBy(ids)),
        store.inbox.foliosHolding(documentIds),
        store.unmatched.holding(documentIds),
      ]);
      const neededByMessage = await neededFolios([...byMessage.values()].flat(), cutoff);
      const kept = (d: string) => heldByFolios.has(d) || heldUnmatched.has(d) || (byMessage.get(d) ?? []).some((f) => neededByMessage.has(f));
      const gone = documentIds.filter((d) => !kept(d));
      let purged = 0;
      for (const d of gone) if (await store.documents.delete(d)) purged++;
      return { purged, kept: documentIds.length - gone.length, next: documentIds.length === limit ? documentIds.at(-1) : undefined };
    },
  };

  return {
    async purgeRetained({ category, limit, after }) {
      const pass = passes[category];
      if (!pass) throw new Error(`no retention category ${JSON.stringify(category)}`);
      const now = clock();
      const cutoff = retentionCutoff(now, periods[category]);
      const r = await pass(cutoff, limit, after, now);
      if (r.purged > 0) {
        purgedCounter().add(r.purged, { category });
        log.info({ category, purged: r.purged, kept: r.kept, cutoff: cutoff.toISOString() }, 'retention purged');
      }
      return { category, ...r };
    },
  };
}

/** Creates or updates the daily retention run of this task queue, as configured (at every worker start). */
export function ensureRetentionSchedule(edge: TemporalEdge, config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'RETENTION_SCHEDULE_CRON' | 'RETENTION_BATCH_SIZE' | 'RETENTION_MAX_BATCHES'>): Promise<'created' | 'updated'> {
  const id = retentionScheduleId(config.TEMPORAL_TASK_QUEUE);
  return edge.ensureSchedule(id, config.RETENTION_SCHEDULE_CRON, retentionWorkflowType, id, [{ batchSize: config.RETENTION_BATCH_SIZE, maxBatches: config.RETENTION_MAX_BATCHES }]);
}

/** The worker's counter (the SDK's metrics, on the worker's Prometheus endpoint). */
function purgedCounter() {
  return Context.current().metricMeter.createCounter('folio_retention_purged', 'items', 'Items deleted by the retention workflow, by category');
}
