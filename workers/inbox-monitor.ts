// The inbox monitor process (`tsx workers/inbox-monitor.ts`): watches the folio mailbox and turns each
// hotel reply into signals on the folio workflows, until SIGINT/SIGTERM. Its signals are written to the
// callback inbox with the message and relayed from there (by this process, or any API).
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { connectClient } from '../temporal/client';
import { startTracing, tracingClientInterceptors } from '../observability/tracing';
import { Store } from '../adapters/mongo/store';
import { InboxMonitor } from '../adapters/email/inbox-monitor';
import { edgeFor } from '../temporal/edge';
import { CallbackRelay } from '../adapters/callbacks/relay';
import { createExtractor } from '../adapters/extraction';
import { splitByGuestWith, type MultiFolioReader } from '../adapters/email/guest-split';

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = startTracing(config, process.env.OTEL_SERVICE_NAME ?? 'folio-inbox-monitor');
  const store = await Store.forConfig(config);
  await store.ensureIndexes();
  const client = await connectClient(config, { interceptors: tracingClientInterceptors() });
  // the configured extractor finds each guest's folio (and its pages) in a PDF answering several guests
  const extractor = createExtractor(config);
  const relay = CallbackRelay.forConfig(config, { store, edge: edgeFor(client, config, logger), logger }).start();
  const monitor = new InboxMonitor({
    config,
    store,
    signaler: relay.signaler('inbox'),
    splitByGuest: 'extractAll' in extractor ? splitByGuestWith(extractor as MultiFolioReader) : undefined,
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
  await relay.stop();
  await client.connection.close();
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
