// The API process's operations port (API_OPS_HOST:API_OPS_PORT): /metrics and readiness, kept off the public
// port so what is running, how much, and which dependency is down are told only to whoever reaches this one.
import express from 'express';
import type { ApiMetrics } from '../observability/metrics';
import type { ApiDeps } from './deps';
import { createHealthRouter } from './routes/health';

export function createOpsApp(deps: Pick<ApiDeps, 'temporal' | 'store'> & { metrics: ApiMetrics }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', deps.metrics.handler);
  app.use('/health', createHealthRouter(deps));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'the operations port serves GET /metrics, /health/live and /health/ready' } });
  });
  return app;
}
