// The OpenAPI 3 document, generated from the same zod schemas that validate requests. ROUTES is also what
// the contract tests walk: every documented route and status is exercised and every body checked.
import { OpenAPIRegistry, OpenApiGeneratorV3, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { FolioRequestInput } from '../domain/schemas';
import * as c from './contract';
import { AssignBody, AssignResult, ListUnmatchedQuery, UnmatchedIdParams, UnmatchedList } from './routes/unmatched';
import { DeadLetterIdParams, DeadLetterList, ListDeadLettersQuery, ReplayResult } from './routes/dead-letters';

extendZodWithOpenApi(z);

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  security: 'apiKey' | 'operator' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; contentType?: string };
  responses: Record<number, ResponseDoc>;
}

const json = (description: string, schema: z.ZodType): ResponseDoc => ({ description, schema });
const err = (description: string): ResponseDoc => ({ description, schema: c.ErrorResponse });
const E400 = err('invalid input: the body names each field and problem');
const E401 = err('no API key, or an unknown or revoked one');
const E403 = err('this key may not do this (operator keys only)');
const E404 = err('no such folio for this key (another client’s folio is 404 too)');
const E409 = err('the folio’s workflow refused the action in its current state, or is no longer running');
// Every keyed route reads the store (keys, projections) or calls Temporal: either may be briefly unreachable.
const E503 = err('the folio store or Temporal is not reachable right now; Retry-After says when to try again');
// Personal data is sealed at rest: a record that fails its integrity check is refused, never shown altered.
const E500 = err('a stored record of this folio fails its integrity check (altered, or sealed with a key no longer in PAYLOAD_KEYS); the message names the record');
const BinaryBody = z.string().openapi({ type: 'string', format: 'binary' });

export const ROUTES: RouteDoc[] = [
  {
    method: 'post', path: '/v1/folios', summary: 'Request a folio', tag: 'folios', security: 'apiKey',
    body: { schema: FolioRequestInput },
    responses: {
      202: json('accepted; Location names the new folio', c.FolioView),
      200: json('the same request was made before: the existing folio', c.FolioView),
      400: E400, 401: E401,
      409: err('clientReference already used by a different request'),
      413: err('body too large'),
      422: err('the hotel named by hotelId is not configured (or is another client’s), or a webhookUrl is given and the client has no delivery signing secret'),
      429: err('rate limit for this key exceeded; Retry-After says when to come back'),
    },
  },
  {
    method: 'post', path: '/v1/folios/batch', summary: 'Request many folios; each item succeeds or fails on its own', tag: 'folios', security: 'apiKey',
    body: { schema: z.object({ requests: z.array(FolioRequestInput).min(1).max(100) }) },
    responses: { 200: json('one result per item, in order', c.BatchCreateResponse), 400: E400, 401: E401 },
  },
  {
    method: 'get', path: '/v1/folios', summary: 'List folios (filters, cursor pagination)', tag: 'folios', security: 'apiKey', query: c.ListFoliosQuery,
    responses: { 200: json('a page of folios', c.FolioList), 400: E400, 401: E401, 403: err('a client key asked for another client') },
  },
  {
    method: 'get', path: '/v1/folios/{id}', summary: 'Get one folio (projection; ?live=true adds the workflow’s own state)', tag: 'folios', security: 'apiKey',
    params: c.FolioIdParams, query: c.GetFolioQuery,
    responses: { 200: json('the folio', c.FolioView), 400: E400, 401: E401, 404: E404, 500: E500 },
  },
  {
    method: 'get', path: '/v1/folios/{id}/events', summary: 'The folio’s event timeline', tag: 'folios', security: 'apiKey',
    params: c.FolioIdParams, query: c.TimelineQuery,
    responses: { 200: json('events in order', c.Timeline), 404: E404, 500: E500 },
  },
  {
    method: 'get', path: '/v1/folios/{id}/document', summary: 'Download the folio document (clients: once it passed the checks; operators: any, and ?original=true the document it was cut from)', tag: 'folios', security: 'apiKey', params: c.FolioIdParams, query: c.DocumentQuery,
    responses: { 200: { description: 'the document bytes (operators: header Folio-Document-Pages "<from>-<to> of <original documentId>" on a part)', contentType: 'application/pdf' }, 403: err('original=true from a client key'), 404: err('no such folio, or no document that passed the checks yet'), 500: E500 },
  },
  {
    method: 'post', path: '/v1/folios/{id}/cancel', summary: 'Cancel (the owning client or an operator)', tag: 'actions', security: 'apiKey',
    params: c.FolioIdParams, body: { schema: c.OperatorNote },
    responses: { 202: json('the workflow was signalled', c.ActionAccepted), 404: E404, 409: E409 },
  },
  {
    method: 'post', path: '/v1/folios/{id}/retry', summary: 'Retry now', tag: 'actions', security: 'operator',
    params: c.FolioIdParams, body: { schema: c.OperatorNote },
    responses: { 202: json('the workflow was signalled', c.ActionAccepted), 403: E403, 404: E404 },
  },
  {
    method: 'put', path: '/v1/folios/{id}/callback', summary: 'Set or move the callback', tag: 'actions', security: 'operator',
    params: c.FolioIdParams, body: { schema: c.SetCallbackBody },
    responses: { 200: json('the callback time the workflow set', c.CallbackSet), 400: E400, 403: E403, 404: E404, 409: E409 },
  },
  {
    method: 'post', path: '/v1/folios/{id}/review', summary: 'Approve or reject the extraction', tag: 'actions', security: 'operator',
    params: c.FolioIdParams, body: { schema: c.ReviewBody },
    responses: { 200: json('the folio’s status after the decision', c.ActionResult), 400: E400, 403: E403, 409: E409 },
  },
  {
    method: 'post', path: '/v1/folios/{id}/document', summary: 'Upload the folio document by hand', tag: 'actions', security: 'operator',
    params: c.FolioIdParams, query: c.UploadQuery, body: { schema: BinaryBody, contentType: 'application/pdf' },
    responses: { 200: json('stored and handed to the workflow', c.UploadResult), 403: E403, 404: E404, 413: err('larger than MAX_DOCUMENT_MB'), 415: err('the body is not a PDF or an image') },
  },
  {
    method: 'post', path: '/v1/folios/{id}/authorization', summary: 'Upload the guest’s signed form the hotel asked for (after a folio.authorization_required notification); it is sent to the hotel', tag: 'actions', security: 'apiKey',
    params: c.FolioIdParams, query: c.UploadQuery, body: { schema: BinaryBody, contentType: 'application/pdf' },
    responses: { 200: json('stored and on its way to the hotel', c.UploadResult), 401: E401, 404: E404, 409: err('the hotel has not asked for a signed form, or the folio is finished'), 413: err('larger than MAX_DOCUMENT_MB'), 415: err('the body is not a PDF or an image') },
  },
  {
    method: 'get', path: '/v1/hotels', summary: 'List hotels (a client key: the shared hotels and its own inline ones, in the client view)', tag: 'hotels', security: 'apiKey', query: c.ListHotelsQuery,
    responses: { 200: json('a page of hotels', c.HotelList), 401: E401 },
  },
  {
    method: 'post', path: '/v1/hotels', summary: 'Configure a hotel', tag: 'hotels', security: 'operator', body: { schema: c.HotelCreate },
    responses: { 201: json('created', c.HotelView), 400: E400, 403: E403, 409: err('a hotel with this id exists') },
  },
  {
    method: 'get', path: '/v1/hotels/{hotelId}', summary: 'Get a hotel (a client key: the client view)', tag: 'hotels', security: 'apiKey', params: c.HotelIdParams,
    responses: { 200: json('the hotel', c.HotelAnyView), 404: err('no such hotel (another client’s inline hotel is 404 too)') },
  },
  {
    method: 'put', path: '/v1/hotels/{hotelId}', summary: 'Replace a hotel’s configuration (reaches its running dispatcher)', tag: 'hotels', security: 'operator',
    params: c.HotelIdParams, body: { schema: c.HotelReplace },
    responses: { 200: json('the stored hotel', c.HotelView), 400: E400, 404: err('no such hotel') },
  },
  {
    method: 'get', path: '/v1/clients/{clientId}', summary: 'A client’s settings: policy, call quotas, allowed countries, the delivery secrets that sign now', tag: 'clients', security: 'apiKey',
    params: c.ClientIdParams,
    responses: { 200: json('the settings (defaults where none are set)', c.ClientSettings), 401: E401, 404: err('another client (a client key reaches only its own)') },
  },
  {
    method: 'patch', path: '/v1/clients/{clientId}', summary: 'Change a client’s settings (a client its policy; operators also quotas and allowed countries)', tag: 'clients', security: 'apiKey',
    params: c.ClientIdParams, body: { schema: c.ClientSettingsPatch },
    responses: { 200: json('the settings after the change', c.ClientSettings), 400: E400, 403: err('quotas and allowed countries are set by operators'), 404: err('another client') },
  },
  {
    method: 'post', path: '/v1/clients/{clientId}/delivery-secrets', summary: 'Make a new delivery signing secret (shown once); the replaced ones keep signing through the overlap', tag: 'clients', security: 'apiKey',
    params: c.ClientIdParams, body: { schema: c.RotateSecretBody },
    responses: { 201: json('the new secret', c.RotatedSecret), 400: E400, 404: err('another client') },
  },
  {
    method: 'delete', path: '/v1/clients/{clientId}/delivery-secrets/{secretId}', summary: 'Stop a delivery signing secret now (e.g. the replaced one, before its overlap ends)', tag: 'clients', security: 'apiKey',
    params: c.SecretIdParams,
    responses: { 204: { description: 'it no longer signs' }, 404: err('no such secret that signs now, or another client'), 409: err('the only secret that signs: rotate first') },
  },
  {
    method: 'get', path: '/v1/unmatched', summary: 'Inbound messages no rule could tie to a folio (newest first)', tag: 'unmatched', security: 'operator', query: ListUnmatchedQuery,
    responses: { 200: json('a page of unmatched messages', UnmatchedList), 400: E400, 403: E403 },
  },
  {
    method: 'post', path: '/v1/unmatched/{id}/assign', summary: 'Assign an unmatched message to a folio (its documents go to the workflow)', tag: 'unmatched', security: 'operator',
    params: UnmatchedIdParams, body: { schema: AssignBody },
    responses: { 200: json('assigned (a repeat of the same assignment is a no-op)', AssignResult), 403: E403, 404: err('no such message or folio'), 409: err('already assigned elsewhere, or nothing to assign') },
  },
  {
    method: 'get', path: '/v1/dead-letters', summary: 'What could not be acted on after every retry (inbox messages, callbacks), with the reason (newest first)', tag: 'dead letters', security: 'operator', query: ListDeadLettersQuery,
    responses: { 200: json('a page of dead letters', DeadLetterList), 400: E400, 403: E403 },
  },
  {
    method: 'post', path: '/v1/dead-letters/{id}/replay', summary: 'Send a dead callback to its workflow again (applied once)', tag: 'dead letters', security: 'operator', params: DeadLetterIdParams,
    responses: { 200: json('back in the relay’s line', ReplayResult), 403: E403, 404: err('no such dead letter'), 409: err('replayed already, or an inbox message (not replayable)') },
  },
  {
    method: 'get', path: '/health/live', summary: 'Liveness', tag: 'health', security: 'none',
    responses: { 200: json('the process answers', c.Liveness) },
  },
  {
    method: 'post', path: '/codec/decode', summary: 'Temporal Web UI codec: decrypt payloads (operator key)', tag: 'codec', security: 'operator',
    body: { schema: c.CodecPayloads },
    responses: { 200: json('decoded payloads', c.CodecPayloads), 400: E400, 401: E401, 403: err('not an operator key, or an origin other than the Web UI') },
  },
  {
    method: 'post', path: '/codec/encode', summary: 'Temporal Web UI codec: encrypt payloads (operator key)', tag: 'codec', security: 'operator',
    body: { schema: c.CodecPayloads },
    responses: { 200: json('encoded payloads', c.CodecPayloads), 401: E401 },
  },
];

export function buildOpenApi(routes: RouteDoc[] = ROUTES, serverUrl = '/') {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key from scripts/keys.ts; operator keys may do everything' });
  for (const r of routes) {
    registry.registerPath({
      method: r.method,
      path: r.path,
      summary: r.summary,
      tags: [r.tag],
      security: r.security === 'none' ? [] : [{ apiKey: [] }],
      description: r.security === 'operator' ? 'Needs an operator key. ' : undefined,
      request: {
        ...(r.params && { params: r.params }),
        ...(r.query && { query: r.query }),
        ...(r.body && { body: { content: { [r.body.contentType ?? 'application/json']: { schema: r.body.schema } } } }),
      },
      responses: Object.fromEntries(
        Object.entries({ ...(r.security !== 'none' && !r.responses[503] ? { 503: E503 } : {}), ...r.responses }).map(([status, d]) => [
          status,
          { description: d.description, ...(d.schema ? { content: { [d.contentType ?? 'application/json']: { schema: d.schema } } } : d.contentType ? { content: { [d.contentType]: { schema: BinaryBody } } } : {}) },
        ]),
      ),
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'Folio retrieval API', version: '1', description: 'Request hotel folios, follow them, act on them. Errors: { error: { code, message, details: [{ field, problem }] } }. 503 means the folio store or Temporal is not reachable right now, 504 that a workflow did not answer in time: retry both.' },
    servers: [{ url: serverUrl }],
  });
}
