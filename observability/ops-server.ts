// A process's operations endpoint (the API's on API_OPS_PORT, the worker's on WORKER_OPS_PORT): GET /metrics,
// /health/live and /health/ready on a port of its own, so what runs, how much, and which dependency is down are
// told only to whoever reaches that port (Prometheus, the orchestrator's probes), never on a public one.
import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Registry } from 'prom-client';

export const READY_CHECK_TIMEOUT_MS = 2000;

/** What readiness checks, by the name it is reported under; each rejects (or times out) when that part is not ready. */
export type ReadinessChecks = Record<string, (timeoutMs: number) => Promise<unknown>>;

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function check(fn: (timeoutMs: number) => Promise<unknown>): Promise<CheckResult> {
  const start = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(READY_CHECK_TIMEOUT_MS), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${READY_CHECK_TIMEOUT_MS} ms`)), READY_CHECK_TIMEOUT_MS)))]);
    return { ok: true, latencyMs: Date.now() - start };
  } catch (e) {
    return { ok: false, latencyMs: Date.now() - start, error: (e as Error).message.split('\n')[0]!.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/** Serves a registry in Prometheus's text format, after `before` (a scrape-time collection; its failure is the caller's to count). */
export function metricsHandler(registry: Registry, before?: () => Promise<void>): RequestHandler {
  return async (_req, res) => {
    await before?.();
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  };
}

/** The operations app: /metrics, liveness, and readiness reporting each check under its name (503 when any fails). */
export function createOpsEndpoint(o: { metrics: RequestHandler; checks: ReadinessChecks }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', o.metrics);
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const names = Object.keys(o.checks);
    const results = await Promise.all(names.map((n) => check(o.checks[n]!)));
    const ready = results.every((r) => r.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unready', ...Object.fromEntries(names.map((n, i) => [n, results[i]])) });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'the operations port serves GET /metrics, /health/live and /health/ready' } });
  });
  return app;
}

/** Listens on host:port; rejects when the port cannot be had (the process then stops, naming it). */
export function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
}

/** Stops an operations server now: its clients are scrapers and probes, nothing to drain. */
export async function closeNow(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}
