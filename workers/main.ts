// The worker process: every workflow and activity of the folio lifecycle on one task queue, and its operations
// endpoint (WORKER_OPS_PORT: its own metrics, readiness). Scale out by running more of these; Temporal spreads the work.
import { NativeConnection, Worker } from '@temporalio/worker';
import { installRuntime } from './runtime';
import { connectClient, temporalConnectionOptions } from '../temporal/client';
import { startTracing, tracingClientInterceptors, tracingWorkerOptions } from '../observability/tracing';
import { dataConverter } from '../temporal/data-converter';
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { Store } from '../adapters/mongo/store';
import { Mailer } from '../adapters/email/mailer';
import { createExtractor } from '../adapters/extraction';
import { TwilioTelephony } from '../adapters/telephony/twilio';
import { createLifecycleActivities } from '../activities/lifecycle';
import { ProjectionWriter, projectionSinks } from '../activities/projection-writer';
import { createEmailActivities } from '../activities/email';
import { createExtractionActivities } from '../activities/extraction';
import { createTelephonyActivities } from '../activities/telephony';
import { createDeliveryActivities } from '../activities/delivery';
import { createRetentionActivities, ensureRetentionSchedule } from '../activities/retention';
import type { WorkerActivities } from '../workflows/activity-types';
import { edgeFor } from '../temporal/edge';

async function main() {
  const config = loadConfig();
  const tracing = startTracing(config, process.env.OTEL_SERVICE_NAME ?? 'folio-worker');
  // loaded after tracing starts, as in the API process (they load express)
  const { createWorkerMetrics } = require('../observability/metrics') as typeof import('../observability/metrics');
  const { createOpsEndpoint, closeNow, listen } = require('../observability/ops-server') as typeof import('../observability/ops-server');
  // the SDK logs through our one logger, its failures' free text withheld
  installRuntime(config, logger);
  const store = await Store.forConfig(config);
  await store.ensureIndexes();
  const temporal = await connectClient(config, { interceptors: tracingClientInterceptors() });
  const edge = edgeFor(temporal, config, logger);
  const extractor = createExtractor(config);
  const dkim = config.MAIL_DKIM_PRIVATE_KEY ? { domainName: config.MAIL_DKIM_DOMAIN!, keySelector: config.MAIL_DKIM_SELECTOR!, privateKey: config.MAIL_DKIM_PRIVATE_KEY } : undefined;

  // passing folio states reach the store through this writer, batched, from the workflows' sink
  const metrics = createWorkerMetrics();
  const projections = new ProjectionWriter(store, { logger, lag: metrics.projectionLagSeconds });
  metrics.watchProjections(projections);
  let worker: Worker | undefined;
  let extractionWorker: Worker | undefined;
  const running = (w: Worker | undefined, name: string) => {
    const state = w?.getState() ?? 'starting';
    if (state !== 'RUNNING') throw new Error(`the ${name} is ${state.toLowerCase()}`);
  };
  // up before the workflows are bundled: liveness and metrics at once, readiness once the worker polls
  const ops = await listen(
    createOpsEndpoint({
      metrics: metrics.handler,
      checks: {
        worker: async () => running(worker, 'worker'),
        ...(config.EXTRACTION_TASK_QUEUE && { extraction: async () => running(extractionWorker, 'extraction worker') }),
        temporal: (timeoutMs) => edge.ping(timeoutMs),
        mongodb: () => store.ping(),
      },
    }),
    config.WORKER_OPS_PORT,
    config.WORKER_OPS_HOST,
  );
  const activities: WorkerActivities = {
    ...createLifecycleActivities({ config, store, temporal: edge, projections }),
    ...createTelephonyActivities({ config, store, telephony: new TwilioTelephony(config), logger }),
    ...createEmailActivities({ config, store, mailer: new Mailer(config, { dkim }) }),
    ...createExtractionActivities({ extractor, documents: store.documents }),
    ...createDeliveryActivities({ config, store }),
    ...createRetentionActivities({ config, store, logger }),
  };

  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities,
    dataConverter: dataConverter(config),
    shutdownGraceTime: '20s',
    // bounded memory: what does not fit is replayed from its history when it wakes
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // the projection sink, beside the span exporter when tracing is on
    ...tracingWorkerOptions(tracing, projectionSinks(projections)),
  });
  // Documents on a queue of their own, with few slots: a burst of PDFs and scans (a wake-up after an outage) is read a
  // few at a time while calls, emails and projections go on. The main worker keeps the extraction activities too, for
  // folios started without the queue.
  extractionWorker = config.EXTRACTION_TASK_QUEUE
    ? await Worker.create({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.EXTRACTION_TASK_QUEUE,
        activities: createExtractionActivities({ extractor, documents: store.documents }),
        dataConverter: dataConverter(config),
        shutdownGraceTime: '20s',
        maxConcurrentActivityTaskExecutions: config.EXTRACTION_CONCURRENCY,
      })
    : undefined;
  await ensureRetentionSchedule(edge, config);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS, metrics: config.METRICS_PORT, ops: `http://${config.WORKER_OPS_HOST}:${config.WORKER_OPS_PORT}`, ...(extractionWorker && { extractionTaskQueue: config.EXTRACTION_TASK_QUEUE, extractionSlots: config.EXTRACTION_CONCURRENCY }) }, 'worker started');
  // Worker.run() drains on SIGINT/SIGTERM by itself (the Runtime's default shutdown signals)
  await Promise.all([worker.run(), extractionWorker?.run()]);
  await projections.close();
  await closeNow(ops);
  await connection.close();
  if ('close' in extractor && typeof extractor.close === 'function') await extractor.close();
  await store.close();
  await tracing?.shutdown();
  logger.info('worker stopped');
}

main().catch((err) => {
  logger.fatal({ err }, 'worker failed');
  process.exit(1);
});
