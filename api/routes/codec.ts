// The codec endpoint the Temporal Web UI calls to show decrypted payloads (POST …/encode, …/decode with
// { payloads: [{ metadata: { k: base64 }, data: base64 }] }). CORS admits only the configured Web UI origin;
// an operator or codec-only key is required, as `Authorization: Bearer <key>` or as a path segment
// (`/codec/<key>/decode`), because the Web UI without SSO cannot add headers of its own. A key in the UI's
// configuration is visible to its viewers: give the UI a codec-only key (scripts/keys.ts create <id> --codec).
import express, { type Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { presentedKey, type ApiKeys } from '../auth';
import { ApiError, parse } from '../errors';

const B64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({ metadata: z.record(z.string(), B64).optional(), data: B64.optional() });
export const CodecRequest = z.object({ payloads: z.array(JsonPayload).max(1000) });
type JsonPayload = z.infer<typeof JsonPayload>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export interface CodecServerDeps {
  codec: PayloadCodec;
  keys: ApiKeys;
  /** The Web UI origin, e.g. http://127.0.0.1:8233 (CODEC_CORS_ORIGIN). */
  corsOrigin: string;
}

export function createCodecRouter(deps: CodecServerDeps): Router {
  const router = express.Router();
  const allowed = deps.corsOrigin.split(',').map((o) => o.trim().replace(/\/$/, ''));

  const cors: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    if (origin) {
      if (!allowed.includes(origin)) return next(new ApiError(403, 'forbidden_origin', `origin ${origin} may not use the codec endpoint`));
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.setHeader('Access-Control-Max-Age', '600');
      return void res.status(204).end();
    }
    next();
  };

  const operatorOnly: RequestHandler = async (req, res, next) => {
    const key = (req.params as { token?: string }).token ?? presentedKey(req.headers);
    const principal = key ? await deps.keys.verify(key) : null;
    if (!principal) return next(new ApiError(401, 'unauthenticated', 'the codec endpoint needs an operator key'));
    if (principal.role === 'client') return next(new ApiError(403, 'forbidden', 'the codec endpoint needs an operator or codec key'));
    res.locals.principal = principal;
    next();
  };

  const handle =
    (op: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      const body = parse(CodecRequest, req.body);
      let out: Payload[];
      try {
        out = await deps.codec[op](body.payloads.map(fromJson));
      } catch (e) {
        // A payload we cannot decrypt (unknown key, tampered bytes) is the caller's input problem.
        throw new ApiError(400, `${op}_failed`, `could not ${op} payloads: ${(e as Error).message}`, [{ field: 'body.payloads', problem: (e as Error).message }]);
      }
      res.json({ payloads: out.map(toJson) });
    };

  router.use(cors);
  router.use(express.json({ limit: '4mb' }));
  for (const op of ['encode', 'decode'] as const) {
    router.post(`/${op}`, operatorOnly, handle(op));
    router.post(`/:token/${op}`, operatorOnly, handle(op));
  }
  return router;
}
