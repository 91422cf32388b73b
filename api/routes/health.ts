// Liveness (the process answers) and readiness (Temporal and MongoDB reachable, reported separately; operations port only).
import express, { type Router } from 'express';
import type { ApiDeps } from '../deps';

const CHECK_TIMEOUT_MS = 2000;

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const start = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)))]);
    return { ok: true, latencyMs: Date.now() - start };
  } catch (e) {
    return { ok: false, latencyMs: Date.now() - start, error: (e as Error).message.split('\n')[0].slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness alone: what the public port answers (a load balancer's probe); it tells nothing about dependencies. */
export function createLivenessRouter(): Router {
  const router = express.Router();
  router.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}

/** Liveness and readiness, for the operations port (api/ops.ts): readiness names which dependency is down. */
export function createHealthRouter(deps: Pick<ApiDeps, 'temporal' | 'store'>): Router {
  const router = createLivenessRouter();
  router.get('/ready', async (_req, res) => {
    const [temporal, mongodb] = await Promise.all([
      check(() => deps.temporal.ping(CHECK_TIMEOUT_MS)),
      check(() => deps.store.ping()),
    ]);
    const ready = temporal.ok && mongodb.ok;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unready', temporal, mongodb });
  });
  return router;
}
