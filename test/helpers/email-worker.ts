// A worker with the real workflows and every activity an email-only hotel needs (lifecycle, email,
// extraction with the local PDF reader, delivery) — no telephony: such a hotel is never called.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { Config } from '../../config';
import type { Store } from '../../adapters/mongo/store';
import type { GridFsDocumentStore } from '../../adapters/mongo/documents';
import type { Mailer } from '../../adapters/email/mailer';
import { LocalPdfExtractor } from '../../adapters/extraction/local-pdf';
import { createEmailActivities } from '../../activities/email';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { ProjectionWriter, projectionSinks } from '../../activities/projection-writer';
import { createExtractionActivities } from '../../activities/extraction';
import { createDeliveryActivities } from '../../activities/delivery';
import { workflowBundle } from './stack';
import { edgeFor } from '../../temporal/edge';

/** `client` and `dataConverter`: those of an API the workflows are started through (default: the environment's, no codec). */
export async function startEmailWorker(opts: { env: TestWorkflowEnvironment; config: Config; store: Store; mailer: Mailer; documents: GridFsDocumentStore; client?: Client; dataConverter?: DataConverter }): Promise<{ stop(): Promise<void> }> {
  const { env, config, store, mailer, documents } = opts;
  const projections = new ProjectionWriter(store);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    dataConverter: opts.dataConverter,
    activities: {
      ...createLifecycleActivities({ config, store, temporal: edgeFor(opts.client ?? env.client, config), projections }),
      ...createEmailActivities({ config, store, mailer }),
      ...createExtractionActivities({ extractor: new LocalPdfExtractor(), documents }),
      ...createDeliveryActivities({ config, store }),
    },
    sinks: projectionSinks(projections),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
