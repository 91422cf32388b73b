// The API process: config, MongoDB (indexes), Temporal client, the public app, the operations port (metrics,
// readiness), graceful shutdown.
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { Store } from '../adapters/mongo/store';
import { connectClient } from '../temporal/client';
import { edgeFor } from '../temporal/edge';
import { CallbackRelay } from '../adapters/callbacks/relay';
import { startTracing, tracingClientInterceptors } from '../observability/tracing';

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = startTracing(config, process.env.OTEL_SERVICE_NAME ?? 'folio-api');
  // loaded after tracing starts, so the HTTP and Express instrumentation see express load
  const { createApp } = require('./app') as typeof import('./app');
  const { attachMediaBridge } = require('./media-bridge') as typeof import('./media-bridge');
  const { createOpsApp } = require('./ops') as typeof import('./ops');
  const { createMetrics } = require('../observability/metrics') as typeof import('../observability/metrics');
  const { closeNow, listen } = require('../observability/ops-server') as typeof import('../observability/ops-server');
  const store = await Store.forConfig(config);
  await store.ensureIndexes();
  const client = await connectClient(config, { interceptors: tracingClientInterceptors() });
  const temporal = edgeFor(client, config, logger);
  const metrics = createMetrics(store);
  // Accepted callbacks are relayed from the callback inbox, including any a previous process left behind.
  const relay = CallbackRelay.forConfig(config, { store, edge: temporal, logger }).start();
  const app = createApp({ config, store, temporal, logger, metrics, relay });
  const ops = await listen(createOpsApp({ store, temporal, metrics }), config.API_OPS_PORT, config.API_OPS_HOST);

  const server = await listen(app, config.API_PORT, config.API_HOST);
  // Slow clients must not hold a connection forever; vendors' webhooks are short.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  // Twilio Media Streams ↔ the voice agent, as a WebSocket upgrade on the same port.
  const bridge = attachMediaBridge(server, { config, store, temporal, logger, relay });
  logger.info({ url: `http://${config.API_HOST}:${config.API_PORT}`, docs: '/docs', codec: '/codec', ops: `http://${config.API_OPS_HOST}:${config.API_OPS_PORT}`, mode: config.MODE }, 'API listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'API stopping: draining requests');
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    await bridge.close().catch(() => undefined);
    await new Promise((r) => server.close(r));
    await closeNow(ops);
    clearTimeout(force);
    await relay.stop().catch(() => undefined);
    await client.connection.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await tracing?.shutdown().catch(() => undefined);
    logger.info('API stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  logger.fatal({ err: e }, `API failed to start: ${(e as Error).message}`);
  process.exit(1);
});
