// The worker process: every workflow and activity of the folio lifecycle on one task queue, and its operations
// endpoint (WORKER_OPS_PORT: its own metrics, readiness). Scale out by running more of these; Temporal spreads the work.
// With EXTRACTION_TASK_QUEUE set, documents are read by the extraction process (workers/extraction.ts) and this one
// never loads a PDF or OCR library; without it, this process reads them too, on the folio queue.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { installRuntime } from './runtime';
import { connectClient, temporalConnectionOptions } from '../temporal/client';
import { startTracing, tracingClientInterceptors, tracingWorkerOptions } from '../observability/tracing';
import { dataConverter } from '../temporal/data-converter';
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { Store } from '../adapters/mongo/store';
import { Mailer } from '../adapters/email/mailer';
import { TwilioTelephony } from '../adapters/telephony/twilio';
import { createLifecycleActivities } from '../activities/lifecycle';
import { ProjectionWriter, projectionSinks } from '../activities/projection-writer';
import { createEmailActivities } from '../activities/email';
import { createTelephonyActivities } from '../activities/telephony';
import { createDeliveryActivities } from '../activities/delivery';
import { createRetentionActivities, ensureRetentionSchedule } from '../activities/retention';
import type { ExtractionActivities, WorkerActivities } from '../workflows/activity-types';
import { edgeFor } from '../temporal/edge';
import { bundleFingerprint, workflowBundlePath } from './workflow-bundle';
import { boundWorkflowHeap } from './workflow-heap';

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
  const dkim = config.MAIL_DKIM_PRIVATE_KEY ? { domainName: config.MAIL_DKIM_DOMAIN!, keySelector: config.MAIL_DKIM_SELECTOR!, privateKey: config.MAIL_DKIM_PRIVATE_KEY } : undefined;

  // passing folio states reach the store through this writer, batched, from the workflows' sink
  const metrics = createWorkerMetrics();
  const projections = new ProjectionWriter(store, { logger, lag: metrics.projectionLagSeconds });
  metrics.watchProjections(projections);
  let worker: Worker | undefined;
  const running = (w: Worker | undefined, name: string) => {
    const state = w?.getState() ?? 'starting';
    if (state !== 'RUNNING') throw new Error(`the ${name} is ${state.toLowerCase()}`);
  };
  // documents here only when no extraction process reads them (loaded only then: the PDF and OCR libraries are most
  // of a process's memory before its first workflow)
  const extraction = config.EXTRACTION_TASK_QUEUE ? undefined : (require('./document-reading') as typeof import('./document-reading')).documentReading(config, store);
  // up before the workflows are bundled: liveness and metrics at once, readiness once the worker polls
  const ops = await listen(
    createOpsEndpoint({
      metrics: metrics.handler,
      checks: {
        worker: async () => running(worker, 'worker'),
        temporal: (timeoutMs) => edge.ping(timeoutMs),
        mongodb: () => store.ping(),
      },
    }),
    config.WORKER_OPS_PORT,
    config.WORKER_OPS_HOST,
  );
  const activities: Omit<WorkerActivities, keyof ExtractionActivities> & Partial<ExtractionActivities> = {
    ...createLifecycleActivities({ config, store, temporal: edge, projections }),
    ...createTelephonyActivities({ config, store, telephony: new TwilioTelephony(config), logger }),
    ...createEmailActivities({ config, store, mailer: new Mailer(config, { dkim }) }),
    ...extraction?.activities,
    ...createDeliveryActivities({ config, store }),
    ...createRetentionActivities({ config, store, logger }),
  };

  // the workflow code, bundled by a child process (or ahead of time): webpack's memory never lives in this one
  const bundle = await workflowBundlePath({ prebuiltPath: config.WORKFLOW_BUNDLE_PATH || undefined, dir: path.join(config.DATA_DIR, 'bundles'), tracing: tracing !== undefined });
  const bundleId = bundleFingerprint(bundle);
  // the workflow thread's heap, bounded before the SDK creates it: garbage is collected before RSS swells
  const workflowHeap = boundWorkflowHeap(config.WORKER_WORKFLOW_HEAP_MB, config.WORKER_MAX_CACHED_WORKFLOWS);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: bundle },
    activities,
    dataConverter: dataConverter(config),
    shutdownGraceTime: '20s',
    // bounded memory: what does not fit is replayed from its history when it wakes
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // the projection sink, beside the span exporter when tracing is on
    ...tracingWorkerOptions(tracing, projectionSinks(projections)),
  });
  // read by now; one built for this process is not kept
  if (!config.WORKFLOW_BUNDLE_PATH) rmSync(bundle, { force: true });
  await ensureRetentionSchedule(edge, config);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, workflowBundle: bundleId, workflowHeapMb: workflowHeap, maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS, temporal: config.TEMPORAL_ADDRESS, metrics: config.METRICS_PORT, ops: `http://${config.WORKER_OPS_HOST}:${config.WORKER_OPS_PORT}`, documents: config.EXTRACTION_TASK_QUEUE ? `on ${config.EXTRACTION_TASK_QUEUE} (the extraction process)` : 'here, on the folio queue' }, 'worker started');
  // Worker.run() drains on SIGINT/SIGTERM by itself (the Runtime's default shutdown signals)
  await worker.run();
  await projections.close();
  await closeNow(ops);
  await connection.close();
  await extraction?.close();
  await store.close();
  await tracing?.shutdown();
  logger.info('worker stopped');
}

main().catch((err) => {
  logger.fatal({ err }, 'worker failed');
  process.exit(1);
});
