// One error shape for every 4xx/5xx: { error: { code, message, details: [{ field, problem }] } }.
// Bad input is always a 4xx naming the field; only our own faults are 5xx.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';
import type { z } from 'zod';
import type { Logger } from '../config/logger';
import { InvalidCursorError } from '../adapters/mongo/cursor';
import { FieldDecryptError } from '../adapters/mongo/field-crypto';

export interface ErrorDetail {
  field: string;
  problem: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const forbidden = (why: string) => new ApiError(403, 'forbidden', why);

export function zodDetails(error: z.ZodError, root = 'body'): ErrorDetail[] {
  return error.issues.map((i) => ({ field: [root, ...i.path.map(String)].join('.'), problem: i.message }));
}

/** Validates with a zod schema; a failure is a 400 whose details name every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' = 'body'): z.output<S> {
  if (where === 'body' && value === undefined) throw new ApiError(400, 'invalid_request', 'a JSON body is required (Content-Type: application/json)', [{ field: 'body', problem: 'missing' }]);
  const r = schema.safeParse(value);
  if (!r.success) {
    const details = zodDetails(r.error, where);
    throw new ApiError(400, 'invalid_request', `invalid ${where}: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, details);
  }
  return r.data;
}

/** The store could not be reached (down, restarting, or no server selectable in time): the caller should retry. */
export function isStoreUnavailable(err: unknown): boolean {
  return err instanceof MongoNetworkError || err instanceof MongoServerSelectionError || err instanceof MongoNotConnectedError || err instanceof MongoTopologyClosedError;
}

export function errorBody(e: ApiError) {
  return { error: { code: e.code, message: e.message, details: e.details } };
}

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

interface HttpParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let e: ApiError;
    const p = err as HttpParserError;
    if (err instanceof ApiError) e = err;
    else if (p?.type === 'entity.too.large') e = new ApiError(413, 'payload_too_large', 'the request body is too large', [{ field: 'body', problem: 'too large' }]);
    else if (p?.type === 'entity.parse.failed') e = new ApiError(400, 'malformed_json', 'the request body is not valid JSON', [{ field: 'body', problem: 'not valid JSON' }]);
    else if (err instanceof InvalidCursorError) e = new ApiError(400, 'invalid_request', 'query.cursor is not a cursor this API returned', [{ field: 'query.cursor', problem: 'invalid cursor' }]);
    else if (err instanceof FieldDecryptError) {
      // altered data or a key taken out of the ring too early: the operator must see which record
      logger.error({ err: err.message, method: req.method, path: req.path, requestId: res.locals.requestId }, 'stored record refused');
      e = new ApiError(500, 'stored_record_unreadable', `a stored record fails its integrity check: ${err.message}`);
    } else if (isStoreUnavailable(err)) {
      logger.warn({ err: (err as Error).message, method: req.method, path: req.path, requestId: res.locals.requestId }, 'store unavailable');
      e = new ApiError(503, 'store_unavailable', 'the folio store is not reachable right now; try again');
    } else if (err instanceof URIError) e = new ApiError(400, 'malformed_url', 'the URL holds a malformed percent-encoding', [{ field: 'path', problem: 'malformed percent-encoding' }]);
    else if (typeof p?.status === 'number' && p.status >= 400 && p.status < 500) {
      // body-parser and the router: unsupported charset/encoding, undecodable parameters, aborted requests, …
      e = new ApiError(p.status, p.type?.replace(/\W+/g, '_') ?? 'bad_request', p.expose ? (err as Error).message : 'the request could not be read', [{ field: 'request', problem: (err as Error).message }]);
    } else {
      logger.error({ err, method: req.method, path: req.path, requestId: res.locals.requestId }, 'unhandled API error');
      e = new ApiError(500, 'internal', 'internal error; see the server log for requestId ' + String(res.locals.requestId ?? ''));
    }
    if (res.headersSent) return;
    if (e.status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '5');
    res.status(e.status).json(errorBody(e));
  };
}
