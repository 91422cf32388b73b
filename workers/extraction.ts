// The extraction process: reads folio documents (PDF text, OCR, Document AI) on EXTRACTION_TASK_QUEUE with
// EXTRACTION_CONCURRENCY slots, and nothing else. Parsing and OCR are what take memory, in bursts (a wake-up after an
// outage brings many documents at once); in a process of their own they never grow the worker that keeps the
// workflows, and a document that exhausts this process's memory takes no workflow down with it. Its operations
// endpoint (EXTRACTION_OPS_PORT): its metrics and readiness; the SDK's metrics on EXTRACTION_METRICS_PORT.
import { NativeConnection, Worker } from '@temporalio/worker';
import client, { Registry } from 'prom-client';
import { installRuntime } from './runtime';
import { temporalConnectionOptions } from '../temporal/client';
import { startTracing, tracingWorkerOptions } from '../observability/tracing';
import { dataConverter } from '../temporal/data-converter';
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { Store } from '../adapters/mongo/store';
import { documentReading } from './document-reading';

async function main() {
  const config = loadConfig();
  if (!config.EXTRACTION_TASK_QUEUE) throw new Error('EXTRACTION_TASK_QUEUE is empty: documents are then read by the worker process on the folio queue, and this process has nothing to serve');
  const tracing = startTracing(config, process.env.OTEL_SERVICE_NAME ?? 'folio-extraction');
  const { createOpsEndpoint, closeNow, listen, metricsHandler } = require('../observability/ops-server') as typeof import('../observability/ops-server');
  installRuntime({ METRICS_HOST: config.METRICS_HOST, METRICS_PORT: config.EXTRACTION_METRICS_PORT }, logger);
  const store = await Store.forConfig(config);
  const documents = documentReading(config, store);
  const registry = new Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'folio_extraction_' });
  let worker: Worker | undefined;
  const ops = await listen(
    createOpsEndpoint({
      metrics: metricsHandler(registry),
      checks: {
        extraction: async () => {
          const state = worker?.getState() ?? 'starting';
          if (state !== 'RUNNING') throw new Error(`the extraction worker is ${state.toLowerCase()}`);
        },
        mongodb: () => store.ping(),
      },
    }),
    config.EXTRACTION_OPS_PORT,
    config.EXTRACTION_OPS_HOST,
  );
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.EXTRACTION_TASK_QUEUE,
    activities: documents.activities,
    dataConverter: dataConverter(config),
    shutdownGraceTime: '20s',
    maxConcurrentActivityTaskExecutions: config.EXTRACTION_CONCURRENCY,
    ...tracingWorkerOptions(tracing),
  });
  logger.info({ extractionTaskQueue: config.EXTRACTION_TASK_QUEUE, extractionSlots: config.EXTRACTION_CONCURRENCY, temporal: config.TEMPORAL_ADDRESS, ops: `http://${config.EXTRACTION_OPS_HOST}:${config.EXTRACTION_OPS_PORT}` }, 'extraction worker started');
  // drains on SIGINT/SIGTERM by itself (the Runtime's default shutdown signals)
  await worker.run();
  await closeNow(ops);
  await connection.close();
  await documents.close();
  await store.close();
  await tracing?.shutdown();
  logger.info('extraction worker stopped');
}

main().catch((err) => {
  logger.fatal({ err }, 'extraction worker failed');
  process.exit(1);
});
