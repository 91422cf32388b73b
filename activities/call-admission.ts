// Whether a call may be placed now, checked right before we dial: the number (domain/dialling.ts), one call
// at a time to a number, and the quotas of the clients whose folios the call asks for. A refusal ends the
// call workflow at once (so its slot under the global cap is free again) and the folios' chase policy
// retries later, as for any failed call. The global cap on concurrent calls is a slot taken here too: none free
// is not a refusal but a wait (the caller asks again).
import type { Config } from '../config';
import type { Store } from '../adapters/mongo/store';
import { diallingProblem, knownDiallingHazard } from '../domain/dialling';
import { isUnvettedInlineHotel } from '../domain/client-view';
import type { Hotel } from '../domain/model';
import { MINUTE_MS } from '../domain/calendar';

/** A call that started longer ago than this is not counted as in progress, whatever its record says; a number's lease lasts as long. */
const IN_PROGRESS_WINDOW_MS = 30 * MINUTE_MS;
const DAY = 24 * 3600_000;

export interface CallRefusal {
  /** The failure type the activity throws (non-retryable). */
  type: 'DiallingRefused' | 'NumberInCall' | 'CallQuotaExceeded';
  message: string;
}

export interface CallRequest {
  callId: string;
  phone: string;
  hotelId: string;
  folioIds: string[];
}

export function createCallAdmission(deps: { config: Config; store: Store }) {
  const { config, store } = deps;

  async function numberRefusal(phone: string, hotel: Hotel | null): Promise<CallRefusal | undefined> {
    // A hotel a client gave inline (or one from before inline hotels were per client) gets the full rule,
    // within the countries its client may call; a hotel operators configured, only the known hazards.
    const clientHotel = hotel && (hotel.ownerClientId || isUnvettedInlineHotel(hotel));
    let allowed = config.DIAL_ALLOWED_COUNTRIES;
    if (hotel?.ownerClientId) {
      const own = (await store.clients.get(hotel.ownerClientId))?.allowedCountries;
      if (own) allowed = allowed.filter((c) => own.includes(c));
    }
    const problem = clientHotel ? diallingProblem(phone, hotel.country, { allowedCountries: allowed }) : knownDiallingHazard(phone, { allowedCountries: allowed });
    return problem && { type: 'DiallingRefused', message: `not calling ${hotel?.hotelId ?? 'the hotel'}: ${problem.message}` };
  }

  async function quotaRefusal(callId: string, clientIds: string[], now: Date): Promise<CallRefusal | undefined> {
    if (clientIds.length === 0) return undefined;
    const over: string[] = [];
    for (const clientId of clientIds) {
      const quotas = (await store.clients.get(clientId))?.quotas;
      const concurrent = quotas?.concurrentCalls ?? config.CLIENT_MAX_CONCURRENT_CALLS;
      const perDay = quotas?.callsPerDay ?? config.CLIENT_MAX_CALLS_PER_DAY;
      const inProgress = await store.calls.countPlaced({ clientId }, new Date(now.getTime() - IN_PROGRESS_WINDOW_MS), { unfinished: true, exceptCallId: callId });
      if (inProgress >= concurrent) {
        over.push(`${clientId} has ${inProgress} calls in progress (quota ${concurrent})`);
        continue;
      }
      const today = await store.calls.countPlaced({ clientId }, new Date(now.getTime() - DAY), { exceptCallId: callId });
      if (today >= perDay) over.push(`${clientId} had ${today} calls in 24 hours (quota ${perDay})`);
      // One client with quota left is enough: the call asks for its folios too.
      else return undefined;
    }
    return { type: 'CallQuotaExceeded', message: `call quota used up: ${over.join('; ')}` };
  }

  return {
    /** Why this call must not be placed now, or undefined when it may: then the call holds the number's lease (release it when it ends). */
    async refusal(call: CallRequest, now = new Date()): Promise<{ refusal?: CallRefusal; clientIds: string[] }> {
      const clientIds = await store.folios.clientIdsOf(call.folioIds);
      const hotel = await store.hotels.get(call.hotelId);
      const number = await numberRefusal(call.phone, hotel);
      if (number) return { refusal: number, clientIds };
      const inCall: CallRefusal = { type: 'NumberInCall', message: `another call to ${call.hotelId}'s number is in progress` };
      if ((await store.calls.countPlaced({ to: call.phone }, new Date(now.getTime() - IN_PROGRESS_WINDOW_MS), { unfinished: true, exceptCallId: call.callId })) > 0) return { refusal: inCall, clientIds };
      const quota = await quotaRefusal(call.callId, clientIds, now);
      if (quota) return { refusal: quota, clientIds };
      // Checked above, decided here: of calls racing for one number, only the one that takes its lease goes.
      if (!(await store.numberLeases.acquire(call.phone, call.callId, new Date(now.getTime() + IN_PROGRESS_WINDOW_MS), now))) return { refusal: inCall, clientIds };
      return { clientIds };
    },

    /** A slot under the global cap (MAX_CONCURRENT_CALLS) for this call; false while every slot is held. */
    takeSlot(callId: string, now = new Date()): Promise<boolean> {
      return store.callSlots.take(callId, config.MAX_CONCURRENT_CALLS, new Date(now.getTime() + IN_PROGRESS_WINDOW_MS), now);
    },

    /** Frees the call's number and its slot for the next call (when the call is finished). */
    async release(phone: string | undefined, callId: string): Promise<void> {
      await Promise.all([phone && store.numberLeases.release(phone, callId), store.callSlots.release(callId)]);
    },
  };
}
