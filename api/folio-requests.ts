// Creating a folio request: validate, resolve the hotel, write the projection (so GET works at once),
// start the folio workflow. Idempotent on (client, clientReference): the same request again returns the
// existing folio; a different request under the same reference is a 409.
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { FolioStatus, folioWorkflowId, type FolioRequest } from '../domain/model';
import { FolioRequestInput, HotelConfig } from '../domain/schemas';
import type { FolioProjection } from '../domain/projection';
import { folioWorkflowType } from '../workflows/definitions';
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

/** A hotel given inline gets a stable id derived from what identifies it, so repeats reuse one record. */
export function inlineHotelId(h: { country: string; phone: string; name: string }): string {
  return `h-${createHash('sha256').update(`${h.country}|${h.phone}|${h.name.trim().toLowerCase()}`).digest('hex').slice(0, 16)}`;
}

async function resolveHotel(deps: ApiDeps, hotel: FolioRequestInput['hotel']): Promise<string> {
  if ('hotelId' in hotel) {
    if (!(await deps.store.hotels.get(hotel.hotelId))) {
      throw new ApiError(422, 'unknown_hotel', `hotel "${hotel.hotelId}" is not configured; create it with POST /v1/hotels or give the hotel inline`, [{ field: 'body.hotel.hotelId', problem: 'unknown hotel' }]);
    }
    return hotel.hotelId;
  }
  const hotelId = inlineHotelId(hotel.inline);
  if (!(await deps.store.hotels.get(hotelId))) {
    const { email, ...contact } = hotel.inline;
    await deps.store.hotels.upsert(HotelConfig.parse({ ...contact, hotelId, emails: email ? [email] : [] }));
  }
  return hotelId;
}

export interface Created {
  status: 200 | 202;
  folio: FolioView;
}

export async function createFolioRequest(deps: ApiDeps, principal: Principal, body: unknown, requestId?: string): Promise<Created> {
  const input = parse(FolioRequestInput, body);
  const hash = requestHash(input);
  const workflowId = folioWorkflowId(principal.clientId, input.clientReference);

  const existing = await deps.store.folios.byReference(principal.clientId, input.clientReference);
  if (existing) return repeat(deps, existing, hash);

  const hotelId = await resolveHotel(deps, input.hotel);
  const { hotel: _hotel, ...rest } = input;
  const request: FolioRequest = { ...rest, folioId: newFolioId(), clientId: principal.clientId, hotelId, receivedAt: new Date().toISOString() };
  const created = await deps.store.folios.create({ request, workflowId, clientReference: input.clientReference, requestHash: hash });
  if (!created) {
    // A concurrent create with the same reference won the race: answer as for a repeat.
    const winner = await deps.store.folios.byReference(principal.clientId, input.clientReference);
    if (!winner) throw new Error(`folio reference ${input.clientReference} is taken but cannot be read`);
    return repeat(deps, winner, hash);
  }
  await startWorkflow(deps, request, workflowId, requestId);
  // The correlation: this request id, the folio id and the workflow id (which the worker's logs carry).
  deps.logger.info({ requestId, folioId: request.folioId, workflowId, hotelId, clientId: principal.clientId }, 'folio request accepted');
  return { status: 202, folio: toFolioView(created) };
}

async function repeat(deps: ApiDeps, existing: { folio: FolioProjection; requestHash?: string }, hash: string): Promise<Created> {
  const { folio } = existing;
  if (existing.requestHash !== hash) {
    throw new ApiError(409, 'reference_conflict', `clientReference "${folio.clientReference}" is already used by a different request (folio ${folio.folioId})`, [
      { field: 'body.clientReference', problem: 'already used by a different request' },
    ]);
  }
  // The first attempt may have stored the projection and then failed to reach Temporal: start again (idempotent).
  if (folio.seq === 0 && folio.request) await startWorkflow(deps, folio.request, folio.workflowId);
  return { status: 200, folio: toFolioView(folio) };
}

/** Starts the folio's workflow; one already started (a repeat, a race) is the same outcome. */
async function startWorkflow(deps: ApiDeps, request: FolioRequest, workflowId: string, requestId?: string): Promise<void> {
  await viaEdge('start folio workflow', () =>
    deps.temporal.start(folioWorkflowType, workflowId, [request], {
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      // Which API request started it, for following one request across API, workflow and activity logs.
      ...(requestId && { memo: { requestId } }),
      // Filterable in the Web UI from the first second; the workflow keeps them current afterwards.
      typedSearchAttributes: [
        { key: ClientIdKey, value: request.clientId },
        { key: HotelIdKey, value: request.hotelId },
        { key: FolioStatusKey, value: FolioStatus.WaitingForCheckout },
        { key: CheckOutDateKey, value: new Date(`${request.checkOut}T00:00:00Z`) },
      ],
    }),
  );
}
