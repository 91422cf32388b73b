// Rate limiting per API key (not per IP: many clients sit behind one NAT, one client may use many IPs).
// In-memory per API process; behind several replicas the effective limit is per replica.
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Principal } from './auth';
import { ApiError } from './errors';

export interface RateLimitOptions {
  /** Requests per key per window (RATE_LIMIT_PER_MINUTE; default 600). */
  limit: number;
  windowMs?: number;
}

export function perKeyRateLimit(opts: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs ?? 60_000,
    limit: opts.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => (res.locals.principal as Principal).keyId,
    validate: { keyGeneratorIpFallback: false },
    handler: (_req, _res, next, options) => {
      next(new ApiError(429, 'rate_limited', `more than ${String(options.limit)} requests in ${Math.round(options.windowMs / 1000)} s for this key; see Retry-After`));
    },
  });
}
