// The Temporal SDK's Runtime of a worker process: its own log lines (an activity failed, a workflow task failed,
// workflow and activity `log` calls) go through our logger and its redaction, and a failure's free text is withheld.
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Config } from '../config';
import type { Logger } from '../config/logger';

/** What an SDK log line shows instead of a failure's message (which may quote a guest, an address, a reply). */
export const WITHHELD = '[withheld: read the failure in the workflow history through the codec]';

interface FailureSummary {
  type: string;
  failureType?: string;
  message: string;
  /** The stack's frames (where it failed), without the first line, which repeats the message. */
  stack?: string;
  cause?: FailureSummary;
}

function summary(err: Error, depth = 0): FailureSummary {
  const failureType = (err as { type?: unknown }).type;
  const cause = (err as { cause?: unknown }).cause;
  return {
    type: err.name,
    ...(typeof failureType === 'string' && { failureType }),
    message: WITHHELD,
    ...(err.stack && { stack: err.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n') }),
    ...(cause instanceof Error && depth < 5 && { cause: summary(cause, depth + 1) }),
  };
}

/** The SDK's metadata with every error in it (at any depth) reduced to its type and where it failed. */
export function withheldFailures(meta: unknown, depth = 0): unknown {
  if (meta instanceof Error) return summary(meta);
  if (meta === null || typeof meta !== 'object' || depth > 8) return meta;
  if (Array.isArray(meta)) return meta.map((v) => withheldFailures(v, depth + 1));
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, withheldFailures(v, depth + 1)]));
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The SDK's logger, writing through ours (key-name redaction at any depth, config/redact.ts), failures withheld. */
export function sdkLogger(log: Logger, level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, ({ level: l, message, meta }: LogEntry) => log[PINO_LEVEL[l]](withheldFailures(meta ?? {}) as object, message));
}

/** Installs the Runtime of this process (once, before any worker or connection): our logger, the SDK's metrics for Prometheus. */
export function installRuntime(config: Pick<Config, 'METRICS_HOST' | 'METRICS_PORT'>, log: Logger): Runtime {
  return Runtime.install({
    logger: sdkLogger(log),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
      // the SDK's worker metrics (task latencies, slots, polls) for Prometheus
      metrics: { prometheus: { bindAddress: `${config.METRICS_HOST}:${config.METRICS_PORT}` } },
    },
  });
}
