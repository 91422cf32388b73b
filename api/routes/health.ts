// Liveness on the public port (a load balancer's probe); readiness, which names the dependency that is down, is
// served on the operations port only (api/ops.ts).
import express, { type Router } from 'express';

/** Liveness alone: the process answers; it tells nothing about dependencies. */
export function createLivenessRouter(): Router {
  const router = express.Router();
  router.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
