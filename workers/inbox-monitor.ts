// The inbox monitor process (`tsx workers/inbox-monitor.ts`): watches the folio mailbox and turns each
// hotel reply into signals on the folio workflows, until SIGINT/SIGTERM.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { connectClient } from '../temporal/client';
import { startTracing } from '../observability/tracing';
import { Store } from '../adapters/mongo/store';
import { EmailStore } from '../adapters/mongo/email-store';
import { GridFsDocumentStore } from '../adapters/mongo/documents';
import { InboxMonitor, WorkflowGoneError, type Signaler } from '../adapters/email/inbox-monitor';

/** The monitor's (and the unmatched queue's) way to reach folio workflows. */
export function temporalSignaler(client: Client): Signaler {
  return {
    async signal(workflowId, signalName, arg) {
      try {
        await client.workflow.getHandle(workflowId).signal(signalName, arg);
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) throw new WorkflowGoneError(`folio workflow ${workflowId} has ended or does not exist`);
        throw e;
      }
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = startTracing(config, process.env.OTEL_SERVICE_NAME ?? 'folio-inbox-monitor');
  const store = await Store.connect(config.MONGODB_URI, config.MONGODB_DB);
  await new EmailStore(store).ensureIndexes();
  const temporal = await connectClient(config);
  const monitor = new InboxMonitor({
    config,
    store,
    documents: new GridFsDocumentStore(store.db, { maxBytes: config.MAX_DOCUMENT_MB * 1024 * 1024 }),
    signaler: temporalSignaler(temporal),
    pollIntervalMs: config.INBOX_POLL_SECONDS * 1000,
  });
  monitor.start();
  logger.info({ imap: `${config.IMAP_HOST}:${config.IMAP_PORT}`, mailbox: config.IMAP_MAILBOX }, 'inbox monitor started');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  logger.info('inbox monitor stopping');
  await monitor.stop();
  await temporal.connection.close();
  await store.close();
  await tracing?.shutdown();
  logger.info({ counters: monitor.counters }, 'inbox monitor stopped');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    logger.fatal({ err: e instanceof Error ? e.message : String(e) }, 'inbox monitor failed');
    process.exit(1);
  });
}
