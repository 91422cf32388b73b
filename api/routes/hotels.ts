// /v1/hotels: hotel configuration (phone, emails, time zone, business hours, IVR path, channel preference).
// Operators read and write everything; a change reaches the hotel's running dispatch workflow as a signal.
// A client key lists and reads only the shared hotels and its own inline ones, and of a shared hotel only
// what it needs to name it in a request (no addresses, statistics, notes or menu paths).
import express, { type Router } from 'express';
import { hotelDispatchWorkflowId, hotelSnapshot, type Hotel } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { hotelUpdatedSignal } from '../../workflows/definitions';
import type { ApiDeps } from '../deps';
import { principalOf, requireOperator, type Principal } from '../auth';
import type { StoredHotel } from '../../adapters/mongo/hotels';
import { hotelVisibleTo } from '../../domain/client-view';
import { diallingProblem } from '../../domain/dialling';
import { ApiError, notFound, parse } from '../errors';
import { HotelCreate, HotelIdParams, HotelReplace, ListHotelsQuery, type HotelClientView } from '../contract';
import { viaEdge } from '../workflow-calls';

/** A hotel as a client key sees it: enough to name it; its own inline hotel's contact data too. */
export function hotelForClient(h: StoredHotel, clientId: string): HotelClientView {
  const own = h.ownerClientId === clientId;
  return { hotelId: h.hotelId, name: h.name, country: h.country, timeZone: h.timeZone, language: h.language, own, ...(own && { phone: h.phone, emails: h.emails }) };
}

const hotelView = (h: StoredHotel, p: Principal) => (p.role === 'operator' ? h : hotelForClient(h, p.clientId));

export function createHotelsRouter(deps: ApiDeps): Router {
  const router = express.Router();

  async function notifyDispatcher(hotel: Hotel): Promise<void> {
    // No dispatcher running for this hotel (GONE) is fine: the next one starts from the stored configuration.
    await viaEdge(hotelUpdatedSignal.name, () => deps.temporal.send(hotelDispatchWorkflowId(hotel.hotelId), hotelUpdatedSignal, hotelSnapshot(hotel)));
    // Folios already chasing this hotel take the new contact data and channel preference too.
    for await (const workflowId of deps.store.folios.openAtHotel(hotel.hotelId)) {
      await deps.temporal.send(workflowId, hotelUpdatedSignal, hotelSnapshot(hotel)).catch((e: unknown) => {
        deps.logger.warn({ hotelId: hotel.hotelId, workflowId, err: String(e) }, 'folio not told of the hotel change');
      });
    }
  }

  /** The number must be one we call, in the country the hotel is said to be in. */
  function checkPhone(hotel: { phone: string; country: string }): void {
    const problem = diallingProblem(hotel.phone, hotel.country, { allowedCountries: deps.config.DIAL_ALLOWED_COUNTRIES });
    if (problem) throw new ApiError(400, 'invalid_request', `invalid body: body.phone ${problem.message}`, [{ field: 'body.phone', problem: problem.message }]);
  }

  router.get('/', async (req, res) => {
    const q = parse(ListHotelsQuery, req.query, 'query');
    const p = principalOf(res);
    const page = await deps.store.hotels.list({ limit: q.limit, after: q.cursor }, p.role === 'operator' ? undefined : p.clientId);
    res.json({ items: page.items.map((h) => hotelView(h, p)), nextCursor: page.next ?? null });
  });

  router.get('/:hotelId', async (req, res) => {
    const { hotelId } = parse(HotelIdParams, req.params, 'params');
    const p = principalOf(res);
    const hotel = await deps.store.hotels.getStored(hotelId);
    // Another client's inline hotel is 404, like one that does not exist.
    if (!hotel || (p.role !== 'operator' && !hotelVisibleTo(hotel, p.clientId))) throw notFound(`hotel ${hotelId}`);
    res.json(hotelView(hotel, p));
  });

  router.post('/', requireOperator, async (req, res) => {
    const input = parse(HotelCreate, req.body);
    if (await deps.store.hotels.get(input.hotelId)) throw new ApiError(409, 'hotel_exists', `hotel "${input.hotelId}" exists already; change it with PUT /v1/hotels/${input.hotelId}`, [{ field: 'body.hotelId', problem: 'exists already' }]);
    const hotel = HotelConfig.parse(input);
    checkPhone(hotel);
    await deps.store.hotels.upsert(hotel);
    deps.logger.info({ hotelId: hotel.hotelId }, 'hotel created');
    res.status(201).location(`/v1/hotels/${hotel.hotelId}`).json(await deps.store.hotels.getStored(hotel.hotelId));
  });

  router.put('/:hotelId', requireOperator, async (req, res) => {
    const { hotelId } = parse(HotelIdParams, req.params, 'params');
    const input = parse(HotelReplace, req.body);
    const existing = await deps.store.hotels.get(hotelId);
    if (!existing) throw notFound(`hotel ${hotelId}`);
    // Learned statistics and contacts stay: they belong to the system, not to the caller.
    // Addresses that bounced stay marked while they are still listed; a changed list starts clean for them.
    const badEmails = (existing.badEmails ?? []).filter((e) => (input.emails ?? []).includes(e));
    // Whose inline hotel it is stays too: an operator's change does not make it shared.
    const hotel = parse(HotelConfig, { ...input, hotelId, stats: existing.stats, learnedContacts: existing.learnedContacts, badEmails, ownerClientId: existing.ownerClientId }, 'params');
    checkPhone(hotel);
    // A full replacement: a field left out (e.g. ivrPath) is removed, not kept from before.
    await deps.store.hotels.replace(hotel);
    await notifyDispatcher(hotel);
    deps.logger.info({ hotelId }, 'hotel updated');
    res.json(await deps.store.hotels.getStored(hotelId));
  });

  return router;
}
