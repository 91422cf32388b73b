// Creating a folio request: validate (the hotel's number, the delivery URL), resolve the hotel, write the
// projection (so GET works at once), start the folio workflow with the client's policy. Idempotent on
// (client, clientReference): the same request again returns the existing folio; a different request under
// the same reference is a 409. A hotel given inline is the client's own record: no other client's request
// reads it, and it never changes a hotel operators configured.
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { DEFAULT_CLIENT_POLICY, FolioStatus, type FolioRequest } from '../domain/model';
import { opaqueFolioWorkflowId } from '../temporal/workflow-ids';
import { diallingProblem } from '../domain/dialling';
import { hotelVisibleTo } from '../domain/client-view';
import { checkWebhookUrl } from '../adapters/http/safe-webhook';
import { FolioRequestInput, HotelConfig } from '../domain/schemas';
import { searchStatus, type FolioProjection } from '../domain/projection';
import { folioWorkflowType, type FolioStartOptions } from '../workflows/definitions';
import type { Config } from '../config';
import { folioSummary } from '../domain/operator-view';
import { CheckOutDateKey, ClientIdKey, FolioStatusKey, HotelIdKey } from '../workflows/search-attributes';
import type { ApiDeps } from './deps';
import type { Principal } from './auth';
import { ApiError, parse } from './errors';
import { viaEdge } from './workflow-calls';
import { toFolioView } from './folio-view';
import type { FolioView } from './contract';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID: time-ordered, so cursor pages come in creation order. */
export function newFolioId(now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const rand = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
  return time + rand;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
export const requestHash = (input: FolioRequestInput) => createHash('sha256').update(canonical(input)).digest('hex');

/** A hotel a client gives inline is its own record, under a stable id derived from the client and what identifies the hotel. */
export function inlineHotelId(clientId: string, h: { country: string; phone: string; name: string }): string {
  return `hc-${createHash('sha256').update(`${clientId}|${h.country}|${h.phone}|${h.name.trim().toLowerCase()}`).digest('hex').slice(0, 16)}`;
}

const unknownHotel = (hotelId: string) =>
  new ApiError(422, 'unknown_hotel', `hotel "${hotelId}" is not configured; create it with POST /v1/hotels or give the hotel inline`, [{ field: 'body.hotel.hotelId', problem: 'unknown hotel' }]);

async function resolveHotel(deps: ApiDeps, clientId: string, hotel: FolioRequestInput['hotel']): Promise<string> {
  if ('hotelId' in hotel) {
    const found = await deps.store.hotels.get(hotel.hotelId);
    // Another client's inline hotel answers as if it did not exist.
    if (!found || !hotelVisibleTo(found, clientId)) throw unknownHotel(hotel.hotelId);
    return hotel.hotelId;
  }
  const problem = diallingProblem(hotel.inline.phone, hotel.inline.country, { allowedCountries: await allowedCountriesFor(deps, clientId) });
  if (problem) throw new ApiError(400, 'invalid_request', `invalid body: body.hotel.inline.phone ${problem.message}`, [{ field: 'body.hotel.inline.phone', problem: problem.message }]);
  const hotelId = inlineHotelId(clientId, hotel.inline);
  if (!(await deps.store.hotels.get(hotelId))) {
    const { email, ...contact } = hotel.inline;
    await deps.store.hotels.upsert(HotelConfig.parse({ ...contact, hotelId, emails: email ? [email] : [], ownerClientId: clientId }));
  }
  return hotelId;
}

/** The countries this client's inline hotels may be in: the deployment's list, narrowed by the client's settings. */
export async function allowedCountriesFor(deps: ApiDeps, clientId: string): Promise<string[]> {
  const own = (await deps.store.clients.get(clientId))?.allowedCountries;
  return own ? deps.config.DIAL_ALLOWED_COUNTRIES.filter((c) => own.includes(c)) : deps.config.DIAL_ALLOWED_COUNTRIES;
}

/** A delivery URL is checked when the request is made (and again at delivery): a refusal now is a 400 naming why. */
async function checkDelivery(deps: ApiDeps, clientId: string, delivery: FolioRequestInput['delivery']): Promise<void> {
  if (!delivery.webhookUrl) return;
  const check = await checkWebhookUrl(delivery.webhookUrl, { publicOnly: deps.config.MODE === 'live' });
  // A host without an address now may have one later: it is checked again before each delivery.
  if (!check.ok && !check.unresolved) throw new ApiError(400, 'invalid_request', `invalid body: body.delivery.webhookUrl ${check.reason}`, [{ field: 'body.delivery.webhookUrl', problem: check.reason }]);
  if (!(await deps.store.clients.get(clientId))?.deliverySecrets?.some((s) => s.expiresAt === null)) {
    throw new ApiError(422, 'delivery_secret_required', `deliveries are signed with a secret of this client's own: create one with POST /v1/clients/${clientId}/delivery-secrets first`, [
      { field: 'body.delivery.webhookUrl', problem: 'no delivery signing secret' },
    ]);
  }
}

export interface Created {
  status: 200 | 202;
  folio: FolioView;
}

export async function createFolioRequest(deps: ApiDeps, principal: Principal, body: unknown, requestId?: string): Promise<Created> {
  const input = parse(FolioRequestInput, body);
  const hash = requestHash(input);
  const workflowId = opaqueFolioWorkflowId(deps.config, principal.clientId, input.clientReference);

  const existing = await deps.store.folios.byReference(principal.clientId, input.clientReference);
  if (existing) return repeat(deps, principal, existing, hash);

  await checkDelivery(deps, principal.clientId, input.delivery);
  const hotelId = await resolveHotel(deps, principal.clientId, input.hotel);
  const { hotel: _hotel, ...rest } = input;
  const clientPolicy = { ...DEFAULT_CLIENT_POLICY, ...(await deps.store.clients.get(principal.clientId))?.policy };
  const request: FolioRequest = { ...rest, folioId: newFolioId(), clientId: principal.clientId, hotelId, receivedAt: new Date().toISOString(), clientPolicy };
  const created = await deps.store.folios.create({ request, workflowId, clientReference: input.clientReference, requestHash: hash });
  if (!created) {
    // A concurrent create with the same reference won the race: answer as for a repeat.
    const winner = await deps.store.folios.byReference(principal.clientId, input.clientReference);
    if (!winner) throw new Error(`folio reference ${input.clientReference} is taken but cannot be read`);
    return repeat(deps, principal, winner, hash);
  }
  await startWorkflow(deps, request, workflowId, requestId);
  // The correlation: this request id, the folio id and the workflow id (which the worker's logs carry).
  deps.logger.info({ requestId, folioId: request.folioId, workflowId, hotelId, clientId: principal.clientId }, 'folio request accepted');
  return { status: 202, folio: toFolioView(created, principal) };
}

async function repeat(deps: ApiDeps, principal: Principal, existing: { folio: FolioProjection; requestHash?: string }, hash: string): Promise<Created> {
  const { folio } = existing;
  if (existing.requestHash !== hash) {
    throw new ApiError(409, 'reference_conflict', `clientReference "${folio.clientReference}" is already used by a different request (folio ${folio.folioId})`, [
      { field: 'body.clientReference', problem: 'already used by a different request' },
    ]);
  }
  // The first attempt may have stored the projection and then failed to reach Temporal: start again (idempotent).
  if (folio.seq === 0 && folio.request) await startWorkflow(deps, folio.request, folio.workflowId);
  return { status: 200, folio: toFolioView(folio, principal) };
}

/**
 * What the API starts every folio with beside its request: the grace after check-out before the hotel is called
 * (CHECKOUT_GRACE_HOURS), the deployment's first contact (CHASE_FIRST_CONTACT)
 * and, when set, how long the first call waits for an early written request (CHASE_FIRST_CALL_DELAY_HOURS) and the
 * task queue documents are read on (EXTRACTION_TASK_QUEUE),
 * written into the start input so the folio keeps it whatever the workflow's own default (which stays as it was,
 * so histories recorded without the field replay unchanged).
 */
export function folioStartOptions(config: Pick<Config, 'CHECKOUT_GRACE_HOURS' | 'CHASE_FIRST_CONTACT' | 'CHASE_FIRST_CALL_DELAY_HOURS' | 'EXTRACTION_TASK_QUEUE'>): FolioStartOptions {
  return {
    checkoutGraceHours: config.CHECKOUT_GRACE_HOURS,
    chasePolicy: { firstContact: config.CHASE_FIRST_CONTACT, ...(config.CHASE_FIRST_CALL_DELAY_HOURS > 0 && { firstCallDelayHours: config.CHASE_FIRST_CALL_DELAY_HOURS }) },
    ...(config.EXTRACTION_TASK_QUEUE && { extractionTaskQueue: config.EXTRACTION_TASK_QUEUE }),
  };
}

/** Starts the folio's workflow; one already started (a repeat, a race) is the same outcome. */
async function startWorkflow(deps: ApiDeps, request: FolioRequest, workflowId: string, requestId?: string): Promise<void> {
  await viaEdge('start folio workflow', () =>
    deps.temporal.start(folioWorkflowType, workflowId, [request, folioStartOptions(deps.config)], {
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      // The operator's view in the Web UI (encrypted by the payload codec like every payload): the summary on
      // the workflow page, and in the memo for the list; requestId follows one request across API, workflow and activity logs.
      staticSummary: folioSummary(request),
      memo: { summary: folioSummary(request), ...(requestId && { requestId }) },
      // Filterable in the Web UI from the first second; the workflow keeps them current afterwards.
      typedSearchAttributes: [
        { key: ClientIdKey, value: request.clientId },
        { key: HotelIdKey, value: request.hotelId },
        { key: FolioStatusKey, value: searchStatus(FolioStatus.WaitingForCheckout) },
        { key: CheckOutDateKey, value: new Date(`${request.checkOut}T00:00:00Z`) },
      ],
    }),
  );
}
