// The API process's operations port (API_OPS_HOST:API_OPS_PORT): /metrics and readiness (Temporal and MongoDB),
// kept off the public port; the endpoint itself is the one every process shares (observability/ops-server.ts).
import type express from 'express';
import type { ApiMetrics } from '../observability/metrics';
import { createOpsEndpoint } from '../observability/ops-server';
import type { ApiDeps } from './deps';

export function createOpsApp(deps: Pick<ApiDeps, 'temporal' | 'store'> & { metrics: ApiMetrics }): express.Express {
  return createOpsEndpoint({
    metrics: deps.metrics.handler,
    checks: { temporal: (timeoutMs) => deps.temporal.ping(timeoutMs), mongodb: () => deps.store.ping() },
  });
}
