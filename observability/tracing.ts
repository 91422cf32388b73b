// OpenTelemetry tracing for every process: one trace from `POST /v1/folios` through the API (HTTP and Express
// instrumentation), the workflow start, the workflows and their activities (Temporal's OpenTelemetry
// interceptors; workflow spans leave the sandbox through a sink) and the vendors' webhooks about a call
// (continued in the call workflow's trace). Exported by OTLP/HTTP when configured, to a JSON-lines file
// in the sandbox, nowhere otherwise.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as otel from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { extractContextFromHeaders } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { GONE, type TemporalEdge } from '../temporal/edge';

export type TracingExporter = 'otlp' | 'file' | 'none';

type TracingConfig = Pick<Config, 'MODE' | 'DATA_DIR' | 'TRACING_EXPORTER' | 'TRACING_FILE' | 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>;

/** OTLP when an endpoint is configured, a file in the sandbox, nothing in live mode without a collector. */
export function tracingExporter(config: TracingConfig): TracingExporter {
  if (config.TRACING_EXPORTER) return config.TRACING_EXPORTER;
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || config.OTEL_EXPORTER_OTLP_ENDPOINT) return 'otlp';
  return config.MODE === 'sandbox' ? 'file' : 'none';
}

export function otlpTracesUrl(config: TracingConfig): string {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return `${config.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/+$/, '')}/v1/traces`;
}

export function tracingFile(config: TracingConfig): string {
  return path.resolve(config.TRACING_FILE ?? path.join(config.DATA_DIR, 'traces', 'spans.jsonl'));
}

/** A finished span as one JSON line: enough to rebuild the tree (ids, parent, links) and read it. */
export interface SpanRecord {
  service: string;
  name: string;
  kind: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  links: { traceId: string; spanId: string }[];
  start: string;
  durationMs: number;
  status: string;
  attributes: Record<string, unknown>;
}

export function spanRecord(span: ReadableSpan): SpanRecord {
  const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
  return {
    service: String(span.resource.attributes['service.name'] ?? ''),
    name: span.name,
    kind: otel.SpanKind[span.kind],
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
    start: new Date(ms(span.startTime)).toISOString(),
    durationMs: Math.round((ms(span.endTime) - ms(span.startTime)) * 1000) / 1000,
    status: otel.SpanStatusCode[span.status.code],
    attributes: { ...span.attributes },
  };
}

/** Appends spans to a file, one JSON object a line (one write per batch, so processes can share the file). */
export class FileSpanExporter implements SpanExporter {
  constructor(private readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      if (spans.length) appendFileSync(this.file, spans.map((s) => JSON.stringify(spanRecord(s))).join('\n') + '\n');
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
}

export interface Tracing {
  exporter: TracingExporter;
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Flushes and stops the exporter (call before the process exits). */
  shutdown(): Promise<void>;
}

let tracing: Tracing | undefined;

/**
 * Registers the tracer provider, the W3C propagator and the HTTP/Express instrumentation. Call it before
 * express is loaded (the API imports its app after this). Returns undefined when tracing is off.
 * `spanProcessor` replaces the configured exporter (tests read spans from memory).
 */
export function startTracing(config: TracingConfig, serviceName: string, opts: { spanProcessor?: SpanProcessor } = {}): Tracing | undefined {
  const exporter = tracingExporter(config);
  if (exporter === 'none' && !opts.spanProcessor) return undefined;
  if (tracing) return tracing;
  const resource = new Resource({ 'service.name': serviceName });
  const spanProcessor =
    opts.spanProcessor ??
    new BatchSpanProcessor(exporter === 'otlp' ? new OTLPTraceExporter({ url: otlpTracesUrl(config) }) : new FileSpanExporter(tracingFile(config)), { scheduledDelayMillis: 2000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const unregister = registerInstrumentations({
    instrumentations: [
      // health probes and scrapes would drown the traces that matter
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(metrics|health)\b/.test(req.url ?? '') }),
      // routers and handlers name the work; one span per middleware (auth, body parsing, metrics) is noise
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    ],
  });
  // Core modules loaded before this point are patched on their next require.
  require('node:http');
  require('node:https');
  tracing = {
    exporter,
    resource,
    spanProcessor,
    async shutdown() {
      unregister();
      await provider.shutdown();
      otel.trace.disable();
      otel.context.disable();
      otel.propagation.disable();
      tracing = undefined;
    },
  };
  return tracing;
}

/** Client interceptors that carry the current trace into workflow starts, signals, updates and queries (none when tracing is off). */
export function tracingClientInterceptors(): WorkflowClientInterceptor[] {
  return tracing ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
}

/**
 * The worker's sinks, and when tracing is on the options that trace activities and export workflow spans (through a
 * sink of their own); the workflow side's interceptors are built into the workflow bundle (workers/workflow-bundle.ts).
 */
export function tracingWorkerOptions(tracing: Tracing | undefined, sinks: NonNullable<WorkerOptions['sinks']> = {}): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!tracing) return { sinks };
  return {
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    // one `sinks` option holds the worker's own and the span exporter: spread over the worker's, it would drop them
    sinks: { ...sinks, exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

const CACHED_CALLS = 2000;

/**
 * Vendors' webhooks about a call (Twilio's `?callId=` callbacks) start outside any trace. This continues
 * them in the trace the call workflow was started in, read from its first history event's header, and
 * links the incoming request's own span, so a folio's trace shows what the hotel's phone line reported.
 */
export function continueCallTraces(temporal: TemporalEdge): RequestHandler {
  const tracer = otel.trace.getTracer('folio-webhooks');
  const starts = new Map<string, Promise<otel.Context | undefined>>();
  const startContext = (callId: string) => {
    let p = starts.get(callId);
    if (!p) {
      p = temporal
        .startHeaders(callId)
        .then((fields) => {
          if (fields === GONE || !fields) {
            starts.delete(callId); // not started yet: ask again next time
            return undefined;
          }
          return extractContextFromHeaders(fields as Parameters<typeof extractContextFromHeaders>[0]);
        })
        .catch(() => {
          starts.delete(callId); // not started yet or Temporal unreachable: ask again next time
          return undefined;
        });
      starts.set(callId, p);
      if (starts.size > CACHED_CALLS) starts.delete(starts.keys().next().value!);
    }
    return p;
  };
  return (req, res, next) => {
    const callId = req.query.callId;
    if (!tracing || typeof callId !== 'string' || !callId || callId.length > 200) return next();
    const active = otel.context.active();
    const incoming = otel.trace.getSpan(active);
    void startContext(callId).then((parent) => {
      if (!parent || !otel.trace.getSpan(parent)) return next();
      const span = tracer.startSpan(`webhook ${req.baseUrl}${req.path}`, { kind: otel.SpanKind.INTERNAL, attributes: { 'folio.call_id': callId }, links: incoming ? [{ context: incoming.spanContext() }] : [] }, parent);
      let ended = false;
      const end = () => {
        if (!ended) span.end();
        ended = true;
      };
      res.once('finish', end);
      res.once('close', end);
      // the request's own context (it carries the route the HTTP span is named by) with the call's span in it
      otel.context.with(otel.trace.setSpan(active, span), next);
    });
  };
}
