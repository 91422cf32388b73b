// Issue 14 item 6: any client could make the service call any E.164 number, as often as it liked, and take
// every call slot. Through the real API (request time) and the real call workflow, telephony activities and
// twilio SDK against the Twilio emulator (dial time): numbers are judged by what they are, the countries we
// call are configured, each client has quotas, and the consent announcement follows the number's country.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { createApp } from '../../api/app';
import { ApiKeys } from '../../api/auth';
import { hotelSnapshot, type BatchGuest, type Hotel } from '../../domain/model';
import { texts } from '../../adapters/telephony/messages';
import { newFolioId } from '../../api/folio-requests';
import type { CallInput } from '../../workflows/definitions';
import type { callWorkflow } from '../../workflows/call';
import { call, folioInput, HOTEL, startApi, type ApiHandle } from '../helpers/api';
import { freePort } from '../helpers/stack';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';

const inline = (phone: string, country: string) => ({ name: `Hotel ${phone}`, phone, email: 'desk@hotel.example', timeZone: 'Europe/London', country, language: 'en' });

describe('security: dialling (item 6)', function () {
  this.timeout(180_000);

  describe('when a request is made', () => {
    let api: ApiHandle;
    const go = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(api.url, method, path, opts);
    before(async () => {
      api = await startApi({ rateLimitPerMinute: 100_000 });
    });
    after(async () => api?.close());

    it('refuses premium, shared-cost, non-geographic and other numbers no front desk has, and a country other than the hotel’s', async () => {
      const refused: [string, string, RegExp][] = [
        ['+449012345678', 'GB', /premium-rate/],
        ['+4918012345678', 'DE', /shared-cost/],
        ['+870773100000', 'GB', /no country/], // Inmarsat (satellite)
        ['+80012345678', 'GB', /no country/], // international freephone
        ['+883510012345', 'GB', /no country/], // international networks
        ['+448001234567', 'GB', /toll-free/],
        ['+447012345678', 'GB', /personal-number/],
        ['+443001234567', 'GB', /uan/],
        ['+33123456789', 'GB', /belongs to FR/],
        ['+12025550123', 'CA', /belongs to US/],
        ['+74951234567', 'RU', /not allowed/],
        ['+4412345678', 'GB', /not a valid phone number/],
      ];
      for (const [phone, country, why] of refused) {
        const r = await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput({ hotel: { inline: inline(phone, country) } }) });
        assert.equal(r.status, 400, `${phone} (${country}) was accepted`);
        assert.equal(r.body.error.details[0].field, 'body.hotel.inline.phone');
        assert.match(r.body.error.message, why, phone);
      }
      assert.equal((await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput({ hotel: { inline: inline('+442079460000', 'GB') } }) })).status, 202);
      assert.equal((await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput({ hotel: { inline: inline('+33612345678', 'FR') } }) })).status, 202, 'a mobile is a front desk’s number too');
    });

    it('operators narrow the countries a client may have called; hotels operators write obey the same rule', async () => {
      const narrowed = await go('PATCH', '/v1/clients/client-a', { key: api.keys.operator, body: { allowedCountries: ['GB'] } });
      assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
      assert.deepEqual(narrowed.body.allowedCountries, ['GB']);
      const de = folioInput({ hotel: { inline: inline('+493012345678', 'DE') } });
      const r = await go('POST', '/v1/folios', { key: api.keys.a, body: de });
      assert.equal(r.status, 400);
      assert.match(r.body.error.message, /calls to DE are not allowed/);
      assert.equal((await go('POST', '/v1/folios', { key: api.keys.b, body: de })).status, 202, 'another client is not narrowed');
      // a client cannot widen its own list or raise its quotas
      const own = await go('PATCH', '/v1/clients/client-a', { key: api.keys.a, body: { allowedCountries: null, quotas: { concurrentCalls: 1000 } } });
      assert.equal(own.status, 403);

      const premium = await go('POST', '/v1/hotels', { key: api.keys.operator, body: { ...HOTEL, hotelId: 'premium-line', phone: '+449012345678' } });
      assert.equal(premium.status, 400);
      assert.equal(premium.body.error.details[0].field, 'body.phone');
    });
  });

  describe('when a call is placed', () => {
    let w: TelephonyWorld;
    let server: Server;
    let base: string;
    let operator: string;
    before(async () => {
      w = await startTelephonyWorld({ timeScale: 0.3 });
      // The real API on the telephony world's store: quotas are set the way operators set them.
      const keys = new ApiKeys(w.store.apiKeys);
      operator = (await keys.create({ clientId: 'ops', role: 'operator' })).key;
      const port = await freePort();
      server = createApp({ ...w.deps, keys }).listen(port, '127.0.0.1');
      base = `http://127.0.0.1:${port}`;
    });
    after(async () => {
      server?.closeAllConnections();
      server?.close();
      await w?.close();
    });

    /** A folio of this client as the API records it, and a guest line for a call batch. */
    const names = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'];
    let guests = 0;
    async function guestOf(clientId: string): Promise<BatchGuest> {
      const input = folioInput();
      const folioId = newFolioId();
      const workflowId = `folio:${clientId}:${input.clientReference}`;
      const request = { ...input, folioId, clientId, hotelId: 'h', receivedAt: new Date().toISOString(), guest: { ...input.guest, additionalNames: [] }, delivery: {}, priority: 'normal' as const };
      await w.store.folios.create({ request, workflowId, clientReference: input.clientReference, requestHash: 'x' });
      return { folioId, workflowId, guestName: names[guests++ % names.length]!, confirmationNumber: input.confirmationNumber, checkIn: input.checkIn, checkOut: input.checkOut };
    }

    /** The call workflow as the hotel's dispatcher starts it. */
    async function dial(hotel: Hotel, guests: BatchGuest[]) {
      const callId = `call-sec-${randomBytes(4).toString('hex')}`;
      const input: CallInput = { callId, hotel: hotelSnapshot(hotel), guests, replyTo: 'folios+sec@folio.test', overflowSeconds: 30 };
      return w.temporal.workflow.start<typeof callWorkflow>('callWorkflow', { taskQueue: w.taskQueue, workflowId: callId, args: [input], workflowExecutionTimeout: '3 minutes' });
    }
    const callsTo = (phone: string) => w.twilio.calls().filter((c) => c.params.to === phone);
    const refusedWith = (type: string) => (e: unknown) => e instanceof WorkflowFailedError && e.cause instanceof ActivityFailure && e.cause.cause instanceof ApplicationFailure && e.cause.cause.type === type;

    it('a number a client gave is judged at dial time too, also on records from before the rule', async () => {
      // An inline hotel from before inline hotels were per client (id h-…), and a client's own whose
      // number is in another country than the record says: what the API refuses today, still stored.
      const legacy = await w.addHotel('person-agree', { hotelId: `h-${randomBytes(8).toString('hex')}`, phone: '+449012345678', country: 'GB' });
      const mismatch = await w.addHotel('person-agree', { phone: '+33123456789', country: 'GB', ownerClientId: 'client-x' });
      for (const hotel of [legacy, mismatch]) {
        const handle = await dial(hotel, [await guestOf('client-x')]);
        await assert.rejects(handle.result(), refusedWith('DiallingRefused'));
        assert.equal(callsTo(hotel.phone).length, 0, `${hotel.phone} was dialled`);
      }
      // A premium number on a hotel operators configured is refused as well.
      const shared = await w.addHotel('person-agree', { phone: '+448712345678' });
      await assert.rejects((await dial(shared, [await guestOf('client-x')])).result(), refusedWith('DiallingRefused'));
      assert.equal(callsTo(shared.phone).length, 0);
    });

    it("a client's calls beyond its quotas are refused at once (freeing the slot); a batch another client needs still goes", async () => {
      const set = await call(base, 'PATCH', '/v1/clients/quota-a', { key: operator, body: { quotas: { concurrentCalls: 1, callsPerDay: 2 } } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const [h1, h2, h3] = [await w.addHotel('person-agree'), await w.addHotel('person-agree'), await w.addHotel('person-agree')];

      const first = await dial(h1, [await guestOf('quota-a')]);
      await until(() => callsTo(h1.phone).length === 1, 'the first call was never placed');
      const second = await dial(h2, [await guestOf('quota-a')]);
      const started = Date.now();
      await assert.rejects(second.result(), refusedWith('CallQuotaExceeded'));
      assert.ok(Date.now() - started < 15_000, 'the refused call held on to its slot');
      assert.equal(callsTo(h2.phone).length, 0, 'a call over the concurrency quota was placed');
      // The same hotel batch with another client's guest in it is placed: that client needs the call.
      const mixed = await dial(h2, [await guestOf('quota-a'), await guestOf('quota-b')]);
      assert.equal((await first.result()).disposition, 'conversation');
      assert.ok((await mixed.result()).callSid, 'the mixed batch was not placed');
      assert.equal(callsTo(h2.phone).length, 1);

      // Two calls in 24 hours for quota-a now (the first and the mixed one): the day's quota is used up.
      await assert.rejects((await dial(h3, [await guestOf('quota-a')])).result(), refusedWith('CallQuotaExceeded'));
      assert.equal(callsTo(h3.phone).length, 0, 'a call over the daily quota was placed');
    });

    it('one call at a time to a number, whichever hotel record names it', async () => {
      // Two clients gave the same hotel inline: two records, one front desk.
      const ofA = await w.addHotel('person-agree', { ownerClientId: 'line-a', phone: '+442079469990' });
      const ofB = await w.addHotel('person-agree', { ownerClientId: 'line-b', phone: '+442079469990' });
      const first = await dial(ofA, [await guestOf('line-a')]);
      await until(() => callsTo(ofA.phone).length === 1, 'the first call was never placed');
      await assert.rejects((await dial(ofB, [await guestOf('line-b')])).result(), refusedWith('NumberInCall'));
      assert.equal((await first.result()).disposition, 'conversation');
      assert.equal(callsTo(ofA.phone).length, 1);
    });

    it('the recording-consent announcement follows the country of the number dialled, not the one declared', async () => {
      // Declared in the US (no announcement there), but the number is German (all-party consent).
      const hotel = await w.addHotel('person-agree', { phone: '+493012345678', country: 'US', timeZone: 'America/New_York' });
      const result = await (await dial(hotel, [await guestOf('client-x')])).result();
      assert.ok(w.twilio.call(result.callSid!)!.said.includes(texts('en').consent), 'no consent announcement on a call to Germany');
      const doc = await w.store.calls.get(result.callId);
      assert.equal((doc?.context as { country?: string }).country, 'DE');
    });
  });
});

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(what);
    await new Promise((r) => setTimeout(r, 50));
  }
}
