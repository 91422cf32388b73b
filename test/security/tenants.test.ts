// Attacks across tenants through the real API (FerretDB, the Temporal dev server, a worker with the real
// folio workflow): a client steering another client's hotel contact data (issue 14 item 1), ids that work
// as credentials and another client's guest reaching a client through its timeline or views (item 3), and
// the hotel list handing every client every hotel's addresses and notes (item 4).
import assert from 'node:assert/strict';
import { call, folioInput, HOTEL, startApi, type ApiHandle } from '../helpers/api';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { batchStartedSignal, documentReceivedSignal } from '../../workflows/definitions';

const ATTACKER = 'desk@attacker.example';
const sonnenhof = (email: string) => ({ name: 'Hotel Sonnenhof', phone: '+498912345678', email, timeZone: 'Europe/Berlin', country: 'DE', language: 'de' });

describe('security: tenants and hotels', function () {
  this.timeout(120_000);
  let api: ApiHandle;
  const go = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(api.url, method, path, opts);

  before(async () => {
    api = await startApi({ worker: true, rateLimitPerMinute: 100_000 });
    assert.equal((await go('POST', '/v1/hotels', { key: api.keys.operator, body: { ...HOTEL, notes: 'night porter: ask for Sam, PIN 4711' } })).status, 201);
  });
  after(async () => api?.close());

  describe('item 1: inline hotel contact data is per client', () => {
    it("the first client to name a hotel inline does not decide another client's address", async () => {
      const a = await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput({ hotel: { inline: sonnenhof(ATTACKER) } }) });
      assert.equal(a.status, 202, JSON.stringify(a.body));
      const b = await go('POST', '/v1/folios', { key: api.keys.b, body: folioInput({ hotel: { inline: sonnenhof('rezeption@sonnenhof.example') } }) });
      assert.equal(b.status, 202, JSON.stringify(b.body));
      assert.notEqual(b.body.hotelId, a.body.hotelId, "client B's request uses client A's hotel record");

      // What each request's workflow will write to and call: the record its hotelId names.
      const hotelOfB = (await go('GET', `/v1/hotels/${b.body.hotelId}`, { key: api.keys.operator })).body;
      assert.deepEqual(hotelOfB.emails, ['rezeption@sonnenhof.example']);
      assert.equal(hotelOfB.ownerClientId, 'client-b');
      const hotelOfA = (await go('GET', `/v1/hotels/${a.body.hotelId}`, { key: api.keys.operator })).body;
      assert.deepEqual(hotelOfA.emails, [ATTACKER], "client B's data changed client A's record");

      // Naming the other's record by id answers as for a hotel that does not exist.
      for (const [key, hotelId] of [[api.keys.a, b.body.hotelId], [api.keys.b, a.body.hotelId]] as const) {
        const r = await go('POST', '/v1/folios', { key, body: folioInput({ hotel: { hotelId } }) });
        assert.equal(r.status, 422, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'unknown_hotel');
      }
    });

    it('an inline hotel copying a configured hotel never changes the shared record', async () => {
      const forged = { name: HOTEL.name, phone: HOTEL.phone, email: ATTACKER, timeZone: 'Pacific/Auckland', country: 'GB', language: 'en' };
      const a = await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput({ hotel: { inline: forged } }) });
      assert.equal(a.status, 202, JSON.stringify(a.body));
      assert.notEqual(a.body.hotelId, HOTEL.hotelId);
      const shared = (await go('GET', `/v1/hotels/${HOTEL.hotelId}`, { key: api.keys.operator })).body;
      assert.deepEqual(shared.emails, HOTEL.emails);
      assert.equal(shared.timeZone, HOTEL.timeZone);
      // Another client naming the configured hotel gets the operators' record.
      const b = await go('POST', '/v1/folios', { key: api.keys.b, body: folioInput({ hotel: { hotelId: HOTEL.hotelId } }) });
      assert.equal(b.status, 202);
      assert.equal(b.body.hotelId, HOTEL.hotelId);
    });
  });

  describe('item 4: GET /v1/hotels is scoped', () => {
    it("a client lists the shared hotels without their addresses, statistics or notes, and never another client's", async () => {
      const own = await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput({ hotel: { inline: { ...sonnenhof('a-desk@sonnenhof.example'), name: 'Haus Alpenrose' } } }) });
      const other = await go('POST', '/v1/folios', { key: api.keys.b, body: folioInput({ hotel: { inline: { ...sonnenhof('b-desk@sonnenhof.example'), name: 'Haus Edelweiss' } } }) });
      const items: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      do {
        const r = await go('GET', `/v1/hotels?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: api.keys.a });
        assert.equal(r.status, 200);
        items.push(...r.body.items);
        cursor = r.body.nextCursor;
      } while (cursor);
      const text = JSON.stringify(items);
      assert.ok(!items.some((h) => h.hotelId === other.body.hotelId), "another client's inline hotel is listed");
      assert.ok(!text.includes('b-desk@'), "another client's address is listed");
      for (const secret of [HOTEL.emails[0], 'PIN 4711', 'callsByHour', 'badEmails', 'sandboxProfile']) assert.ok(!text.includes(secret), `a client sees ${secret}`);
      const shared = items.find((h) => h.hotelId === HOTEL.hotelId);
      assert.deepEqual(shared, { hotelId: HOTEL.hotelId, name: HOTEL.name, country: 'GB', timeZone: 'Europe/London', language: 'en', own: false });
      const mine = items.find((h) => h.hotelId === own.body.hotelId);
      assert.deepEqual(mine?.emails, ['a-desk@sonnenhof.example'], 'its own inline hotel shows what it gave');

      assert.equal((await go('GET', `/v1/hotels/${other.body.hotelId}`, { key: api.keys.a })).status, 404);
      const one = await go('GET', `/v1/hotels/${HOTEL.hotelId}`, { key: api.keys.a });
      assert.equal(one.body.emails, undefined);
      assert.equal(one.body.notes, undefined);
      // Operators still see everything.
      const ops = await go('GET', `/v1/hotels/${HOTEL.hotelId}`, { key: api.keys.operator });
      assert.equal(ops.body.notes, 'night porter: ask for Sam, PIN 4711');
      const all = await go('GET', '/v1/hotels?limit=200', { key: api.keys.operator });
      assert.ok(all.body.items.some((h: { hotelId: string }) => h.hotelId === other.body.hotelId));
    });
  });

  describe("item 3: a client's view holds its own facts only", () => {
    it('no Message-IDs, batch or vendor ids, operator key ids, or another guest from a mixed batch reach the client', async () => {
      const inputA = folioInput({ guest: { firstName: 'Ada', lastName: 'Lovelace' }, confirmationNumber: 'CNF-ADA-1' });
      const inputB = folioInput({ guest: { firstName: 'Grace', lastName: 'Hopper' }, confirmationNumber: 'CNF-GRACE-9' });
      const a = (await go('POST', '/v1/folios', { key: api.keys.a, body: inputA })).body;
      assert.equal((await go('POST', '/v1/folios', { key: api.keys.b, body: inputB })).status, 202);
      const handle = api.temporal.workflow.getHandle(a.workflowId);
      await waitFor(async () => (await go('GET', `/v1/folios/${a.folioId}`, { key: api.keys.a })).body.freshness.seq > 0, 'the workflow never started');

      // The hotel's dispatcher puts both clients' guests in one email batch…
      await handle.signal(batchStartedSignal, { kind: 'email', batchId: 'email:grand-test:7' });
      // …and the hotel answers with client B's guest's folio, which reaches A's folio by its thread.
      const spec = { hotelName: HOTEL.name, arrival: inputB.checkIn, departure: inputB.checkOut, currency: 'GBP' as const, nightlyRate: 180, taxRate: 0.2, layout: 'classic' as const };
      const wrong = await renderFolioPdf({ ...spec, guests: [{ firstName: 'Grace', lastName: 'Hopper' }], folioNumber: 'F-9', confirmationNumber: 'CNF-GRACE-9' });
      const messageId = '<reply-7f3a@grand-test.example>';
      await handle.signal(documentReceivedSignal, await api.store.documents.save(wrong, { filename: 'folio.pdf', source: 'email', messageId }));
      await waitFor(async () => (await go('GET', `/v1/folios/${a.folioId}`, { key: api.keys.operator })).body.status === 'NeedsReview', 'the folio never reached review');

      const operatorView = JSON.stringify((await go('GET', `/v1/folios/${a.folioId}/events`, { key: api.keys.operator })).body);
      assert.ok(operatorView.includes(messageId) && operatorView.includes('email:grand-test:7'), 'operators keep the vendor and thread ids');
      await assertClientSeesOnlyItsOwn(a.folioId);

      // An operator supplies the right folio: the client learns an operator acted, not with which key.
      const right = await renderFolioPdf({ ...spec, arrival: inputA.checkIn, departure: inputA.checkOut, guests: [{ firstName: 'Ada', lastName: 'Lovelace' }], folioNumber: 'F-10', confirmationNumber: 'CNF-ADA-1' });
      const up = await go('POST', `/v1/folios/${a.folioId}/document?filename=folio.pdf`, { key: api.keys.operator, raw: right, contentType: 'application/pdf' });
      assert.equal(up.body.status, 'Completed', JSON.stringify(up.body));
      await waitFor(async () => (await go('GET', `/v1/folios/${a.folioId}`, { key: api.keys.a })).body.status === 'Completed', 'the projection never showed completion');
      const events = await assertClientSeesOnlyItsOwn(a.folioId);
      assert.deepEqual(events.find((e) => e.type === 'OperatorUploadedDocument')?.data, { by: 'operator' });
      const done = (await go('GET', `/v1/folios/${a.folioId}`, { key: api.keys.a })).body;
      assert.equal(done.extracted.confirmationNumber, 'CNF-ADA-1', 'its own checked folio is shown');
    });

    async function assertClientSeesOnlyItsOwn(folioId: string): Promise<{ type: string; data?: Record<string, unknown> }[]> {
      const views = [
        (await go('GET', `/v1/folios/${folioId}`, { key: api.keys.a })).body,
        (await go('GET', `/v1/folios/${folioId}?live=true`, { key: api.keys.a })).body,
        (await go('GET', `/v1/folios?clientReference=${(await go('GET', `/v1/folios/${folioId}`, { key: api.keys.a })).body.clientReference}`, { key: api.keys.a })).body,
      ];
      const events = (await go('GET', `/v1/folios/${folioId}/events`, { key: api.keys.a })).body.items as { type: string; data?: Record<string, unknown> }[];
      assert.ok(events.some((e) => e.type === 'FolioBatched') && events.some((e) => e.type === 'EmailReceived'), 'the timeline lacks the events under test');
      const text = JSON.stringify([views, events]);
      for (const leak of ['reply-7f3a', 'grand-test.example', 'email:grand-test:7', 'Grace', 'Hopper', 'CNF-GRACE-9', 'messageId', 'batchId', 'emailId', 'callId', 'callSid', 'operator:ops']) {
        assert.ok(!text.includes(leak), `the client sees "${leak}": ${text.slice(0, 3000)}`);
      }
      return events;
    }
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, ms = 45_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(what);
    await new Promise((r) => setTimeout(r, 200));
  }
}
