// The public HTTP surface: liveness, docs, vendor webhooks (signature-checked, own body parsing), the Web UI
// codec endpoint (operator key) and the keyed /v1 API. Built from its dependencies so tests run the real app.
import express from 'express';
import { randomUUID } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import type { DocumentStore } from '../domain/ports';
import { codecFromConfig } from '../temporal/codec';
import { createCodecRouter } from './routes/codec';
import { createMetrics, type ApiMetrics } from '../observability/metrics';
import { continueCallTraces } from '../observability/tracing';
import type { ApiDeps } from './deps';
import { ApiKeys, authenticate, requireOperator } from './auth';
import { errorHandler, unknownRoute } from './errors';
import { perKeyRateLimit } from './rate-limit';
import { createFoliosRouter } from './routes/folios';
import { createHotelsRouter } from './routes/hotels';
import { createLivenessRouter } from './routes/health';
import { createDocsRouter } from './routes/docs';
import { createTwilioWebhookRouter } from './webhooks/twilio';
import { createElevenLabsWebhookRouter } from './webhooks/elevenlabs';
import { createUnmatchedRouter } from './routes/unmatched';
import { createDeadLettersRouter } from './routes/dead-letters';
import { createClientsRouter } from './routes/clients';

export const JSON_BODY_LIMIT = '256kb';

export interface AppOptions {
  documents?: DocumentStore;
  keys?: ApiKeys;
  codec?: PayloadCodec;
  metrics?: ApiMetrics;
  /** Requests per key per minute. */
  rateLimitPerMinute?: number;
}

export function createApp(deps: ApiDeps & AppOptions): express.Express {
  const app = express();
  const keys = deps.keys ?? new ApiKeys(deps.store.apiKeys);
  const metrics = deps.metrics ?? createMetrics(deps.store);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  // A correlation id on every request and log line (kept from the caller when it looks like one).
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const start = Date.now();
    res.on('finish', () => {
      deps.logger.debug({ requestId, method: req.method, route: req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined, status: res.statusCode, ms: Date.now() - start }, 'request');
    });
    next();
  });
  app.use(metrics.httpMiddleware);

  app.get('/', (_req, res) => {
    res.json({ service: 'folio-retrieval', docs: '/docs', openapi: '/openapi.json', health: { live: '/health/live' }, api: '/v1' });
  });
  // Metrics and readiness are served on the operations port only (api/ops.ts).
  app.use('/health', createLivenessRouter());
  app.use('/', createDocsRouter());

  // Vendors sign their requests: no API key, and they parse their own bodies (signatures need them raw).
  app.use('/v1/webhooks', continueCallTraces(deps.temporal));
  app.use('/v1/webhooks/twilio', createTwilioWebhookRouter(deps));
  app.use('/v1/webhooks/elevenlabs', createElevenLabsWebhookRouter(deps));

  app.use('/codec', createCodecRouter({ codec: deps.codec ?? codecFromConfig(deps.config), keys, corsOrigin: deps.config.CODEC_CORS_ORIGIN }));

  const v1 = express.Router();
  v1.use(authenticate(keys));
  v1.use(perKeyRateLimit({ limit: deps.rateLimitPerMinute ?? deps.config.RATE_LIMIT_PER_MINUTE }));
  v1.use(express.json({ limit: JSON_BODY_LIMIT }));
  v1.use('/folios', createFoliosRouter({ ...deps, documents: deps.documents ?? deps.store.documents }));
  v1.use('/hotels', createHotelsRouter(deps));
  v1.use('/clients', createClientsRouter(deps));
  v1.use('/unmatched', requireOperator, createUnmatchedRouter(deps));
  v1.use('/dead-letters', requireOperator, createDeadLettersRouter(deps));
  app.use('/v1', v1);

  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
