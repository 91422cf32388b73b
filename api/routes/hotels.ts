// /v1/hotels: hotel configuration (phone, emails, time zone, business hours, IVR path, channel preference).
// Any key may read; operators write. A change reaches the hotel's running dispatch workflow as a signal.
import express, { type Router } from 'express';
import { hotelDispatchWorkflowId, hotelSnapshot, type Hotel } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { hotelUpdatedSignal } from '../../workflows/definitions';
import type { ApiDeps } from '../deps';
import { requireOperator } from '../auth';
import { ApiError, notFound, parse } from '../errors';
import { HotelCreate, HotelIdParams, HotelReplace, ListHotelsQuery } from '../contract';
import { viaEdge } from '../workflow-calls';


export function createHotelsRouter(deps: ApiDeps): Router {
  const router = express.Router();

  async function notifyDispatcher(hotel: Hotel): Promise<void> {
    // No dispatcher running for this hotel (GONE) is fine: the next one starts from the stored configuration.
    await viaEdge('hotelUpdated', () => deps.temporal.send(hotelDispatchWorkflowId(hotel.hotelId), hotelUpdatedSignal, hotelSnapshot(hotel)));
    // Folios already chasing this hotel take the new contact data and channel preference too.
    for await (const workflowId of deps.store.folios.openAtHotel(hotel.hotelId)) {
      await deps.temporal.send(workflowId, hotelUpdatedSignal, hotelSnapshot(hotel)).catch((e: unknown) => {
        deps.logger.warn({ hotelId: hotel.hotelId, workflowId, err: String(e) }, 'folio not told of the hotel change');
      });
    }
  }

  router.get('/', async (req, res) => {
    const q = parse(ListHotelsQuery, req.query, 'query');
    const page = await deps.store.hotels.list({ limit: q.limit, after: q.cursor });
    res.json({ items: page.items, nextCursor: page.next ?? null });
  });

  router.get('/:hotelId', async (req, res) => {
    const { hotelId } = parse(HotelIdParams, req.params, 'params');
    const hotel = await deps.store.hotels.getStored(hotelId);
    if (!hotel) throw notFound(`hotel ${hotelId}`);
    res.json(hotel);
  });

  router.post('/', requireOperator, async (req, res) => {
    const input = parse(HotelCreate, req.body);
    if (await deps.store.hotels.get(input.hotelId)) throw new ApiError(409, 'hotel_exists', `hotel "${input.hotelId}" exists already; change it with PUT /v1/hotels/${input.hotelId}`, [{ field: 'body.hotelId', problem: 'exists already' }]);
    const hotel = HotelConfig.parse(input);
    await deps.store.hotels.upsert(hotel);
    deps.logger.info({ hotelId: hotel.hotelId }, 'hotel created');
    res.status(201).location(`/v1/hotels/${hotel.hotelId}`).json(await deps.store.hotels.getStored(hotel.hotelId));
  });

  router.put('/:hotelId', requireOperator, async (req, res) => {
    const { hotelId } = parse(HotelIdParams, req.params, 'params');
    const input = parse(HotelReplace, req.body);
    const existing = await deps.store.hotels.get(hotelId);
    if (!existing) throw notFound(`hotel ${hotelId}`);
    // Learned statistics stay: they belong to the system, not to the caller.
    // Addresses that bounced stay marked while they are still listed; a changed list starts clean for them.
    const badEmails = (existing.badEmails ?? []).filter((e) => (input.emails ?? []).includes(e));
    const hotel = parse(HotelConfig, { ...input, hotelId, stats: existing.stats, badEmails }, 'params');
    // A full replacement: a field left out (e.g. ivrPath) is removed, not kept from before.
    await deps.store.hotels.replace(hotel);
    await notifyDispatcher(hotel);
    deps.logger.info({ hotelId }, 'hotel updated');
    res.json(await deps.store.hotels.getStored(hotelId));
  });

  return router;
}
