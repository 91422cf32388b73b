// Our Prometheus metrics. Pipeline figures (folios by status, calls by outcome, answer rate, inbox matching,
// extraction confidence, time to folio) are read from the MongoDB projections at scrape time, cached briefly,
// so every API replica reports the same numbers and no workflow code has to count. What only a worker process
// knows (how far its projection writes trail the workflows) is on the worker's operations endpoint
// (createWorkerMetrics); the Temporal SDK's own worker metrics are on its endpoint (temporalMetricsTelemetry).
import client, { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Request, RequestHandler } from 'express';
import type { Store } from '../adapters/mongo/store';
import { FolioStatus } from '../domain/model';
import { HOUR_MS } from '../domain/calendar';
import { DEAD_LETTER_KINDS } from '../adapters/mongo/dead-letters';
import { metricsHandler } from './ops-server';

const CACHE_MS = 10_000;
const SAMPLE = 500;

export interface ApiMetrics {
  registry: Registry;
  httpMiddleware: RequestHandler;
  handler: RequestHandler;
  /** Figures the alert rules need that other parts of the system set (see createOperatorMetrics). */
  operator: OperatorMetrics;
}

export interface OperatorMetrics {
  deadLetters: Gauge<'kind'>;
  inboxLagSeconds: Gauge;
}

/**
 * Metrics the alert rules (deploy/prometheus/alerts.yml) act on whose figures are read from the store at scrape
 * time: one name for the rules, the dashboards and the code that feeds them (dead letters by kind, the inbox lag).
 */
export function createOperatorMetrics(registry: Registry): OperatorMetrics {
  return {
    deadLetters: new Gauge({
      name: 'folio_dead_letters',
      help: 'Events given up on after their retries and kept for an operator to replay or discard (undelivered vendor callbacks, poison mail), by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    inboxLagSeconds: new Gauge({ name: 'folio_inbox_lag_seconds', help: 'Age of the oldest message in the folio mailbox not yet handled by the inbox monitor (0 when caught up)', registers: [registry] }),
  };
}

/** What a projection writer counts (activities/projection-writer.ts), read at scrape time. */
export interface ProjectionWriterFigures {
  readonly counters: { readonly written: number; readonly batches: number; readonly failedBatches: number; readonly givenUp: number };
  readonly waiting: number;
}

export interface WorkerMetrics {
  registry: Registry;
  handler: RequestHandler;
  /** Observed by the projection writer: seconds from a folio's state change in its workflow to its projection's write. */
  projectionLagSeconds: Histogram;
  /** Exports a writer's counts (one writer per worker process). */
  watchProjections(writer: ProjectionWriterFigures): void;
}

/** A worker process's own metrics, served on its operations endpoint (WORKER_OPS_PORT). */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'folio_worker_' });
  const projectionLagSeconds = new Histogram({
    name: 'folio_projection_lag_seconds',
    help: 'Seconds from a folio state change in its workflow to the write of its projection',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  let writer: ProjectionWriterFigures | undefined;
  // the writer keeps the counts; each scrape copies them (a counter has no set: reset, then add the total)
  const counted = (name: string, help: string, read: (w: ProjectionWriterFigures) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        if (!writer) return;
        this.reset();
        this.inc(read(writer));
      },
    });
  counted('folio_projection_writes_total', 'Folio states written to the projections', (w) => w.counters.written);
  counted('folio_projection_batches_total', 'Projection write batches tried (each one write of events and one of states)', (w) => w.counters.batches);
  counted('folio_projection_batch_failures_total', 'Projection write batches the store refused (tried again with backoff)', (w) => w.counters.failedBatches);
  counted('folio_projection_given_up_total', 'Folio states given up on after retrying for minutes (the folio\'s next write carries them)', (w) => w.counters.givenUp);
  new Gauge({
    name: 'folio_projection_waiting',
    help: 'Folios whose newest state waits to be written',
    registers: [registry],
    collect() {
      if (writer) this.set(writer.waiting);
    },
  });
  return {
    registry,
    handler: metricsHandler(registry),
    projectionLagSeconds,
    watchProjections: (w) => void (writer = w),
  };
}

export function createMetrics(store: Store): ApiMetrics {
  const registry = new Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'folio_api_' });

  const requests = new Counter({ name: 'folio_api_requests_total', help: 'API requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({ name: 'folio_api_request_duration_seconds', help: 'API request duration', labelNames: ['method', 'route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers: [registry] });

  const folios = new Gauge({ name: 'folio_folios', help: 'Folios by status (from the projections)', labelNames: ['status'], registers: [registry] });
  const calls = new Gauge({ name: 'folio_calls', help: 'Calls by disposition (from the call projections)', labelNames: ['disposition'], registers: [registry] });
  const callSeconds = new Gauge({ name: 'folio_call_seconds', help: 'Seconds on the phone, by disposition (summed over the call projections; the cost rules price them)', labelNames: ['disposition'], registers: [registry] });
  const answerRate = new Gauge({ name: 'folio_call_answer_ratio', help: 'Share of finished calls a person answered (disposition conversation)', registers: [registry] });
  const inbox = new Gauge({ name: 'folio_inbox_messages', help: 'Inbound email messages by how they were handled (signalled = matched to a folio, unmatched, auto-reply, bounce, …)', labelNames: ['outcome'], registers: [registry] });
  // dead letters waiting (mail given up on, callbacks no workflow could be told) feed the operator gauge
  const operator = createOperatorMetrics(registry);
  const callbacks = new Gauge({ name: 'folio_callbacks', help: 'Accepted callbacks in the callback inbox by state (pending = not yet told to their workflow)', labelNames: ['state'], registers: [registry] });
  const unmatchedWaiting = new Gauge({ name: 'folio_inbox_unmatched_waiting', help: 'Unmatched inbound messages not yet assigned by an operator', registers: [registry] });
  const confidence = new Histogram({ name: 'folio_extraction_confidence', help: `Lowest field confidence per extracted folio (latest ${SAMPLE})`, buckets: [0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1], registers: [registry] });
  const timeToFolio = new Histogram({ name: 'folio_time_to_folio_hours', help: `Hours from request to completed folio (latest ${SAMPLE})`, buckets: [1, 4, 12, 24, 48, 72, 120, 168, 336], registers: [registry] });
  const scrapeErrors = new Counter({ name: 'folio_metrics_collect_errors_total', help: 'Failed reads of the projections while collecting metrics', registers: [registry] });

  let collectedAt = 0;
  async function collectPipeline(): Promise<void> {
    if (Date.now() - collectedAt < CACHE_MS) return;
    collectedAt = Date.now();
    const byStatus = await store.folios.countByStatus();
    folios.reset();
    for (const s of Object.values(FolioStatus)) folios.set({ status: s }, 0);
    for (const [status, n] of byStatus) folios.set({ status }, n);

    const byDisposition = await store.calls.statsByDisposition();
    calls.reset();
    callSeconds.reset();
    let total = 0;
    for (const [disposition, r] of byDisposition) {
      calls.set({ disposition }, r.calls);
      callSeconds.set({ disposition }, r.seconds);
      total += r.calls;
    }
    answerRate.set(total ? (byDisposition.get('conversation')?.calls ?? 0) / total : 0);

    inbox.reset();
    for (const [outcome, n] of await store.inbox.countByOutcome()) inbox.set({ outcome }, n);
    unmatchedWaiting.set(await store.unmatched.countWaiting());
    operator.inboxLagSeconds.set(await store.inbox.lagSeconds());
    operator.deadLetters.reset();
    for (const kind of DEAD_LETTER_KINDS) operator.deadLetters.set({ kind }, 0);
    for (const [kind, n] of await store.deadLetters.countWaiting()) operator.deadLetters.set({ kind }, n);
    callbacks.reset();
    for (const state of ['pending', 'delivered', 'dead']) callbacks.set({ state }, 0);
    for (const [state, n] of await store.callbacks.countByState()) callbacks.set({ state }, n);

    confidence.reset();
    for (const c of await store.folios.recentConfidences(SAMPLE)) {
      const values = Object.values(c).filter((v) => typeof v === 'number');
      if (values.length) confidence.observe(Math.min(...values));
    }
    timeToFolio.reset();
    for (const ms of await store.folios.recentCompletionTimes(SAMPLE)) timeToFolio.observe(ms / HOUR_MS);
  }

  // The matched route pattern, never the raw path: ids would explode the label set. A request that
  // failed in the app's error handler has left its router, so its mount path is no longer in baseUrl:
  // it is the request path without as many trailing segments as the route pattern has.
  const routeLabel = (req: Request): string => {
    const pattern = (req.route as { path?: unknown } | undefined)?.path;
    if (typeof pattern !== 'string') return 'unmatched';
    if (req.baseUrl) return `${req.baseUrl}${pattern}`;
    const segments = req.originalUrl.split('?')[0]!.split('/').filter(Boolean);
    const own = pattern.split('/').filter(Boolean).length;
    return `/${segments.slice(0, Math.max(0, segments.length - own)).join('/')}${pattern}`.replace(/^\/\//, '/');
  };

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = routeLabel(req);
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };

  const handler = metricsHandler(registry, async () => {
    try {
      await collectPipeline();
    } catch {
      scrapeErrors.inc(); // the HTTP and process metrics are still worth serving
    }
  });

  return { registry, httpMiddleware, handler, operator };
}

/** Runtime telemetry for a worker process: the Temporal SDK's metrics on a Prometheus endpoint (METRICS_PORT). */
export function temporalMetricsTelemetry(host: string, port: number) {
  return { metrics: { prometheus: { bindAddress: `${host}:${port}` } } };
}
