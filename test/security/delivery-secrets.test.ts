// Issue 14 item 5: one signing secret for every client let any client forge another client's result
// notifications. Through the real API and worker (folios completed by the real workflow, delivered by the
// real activity to receivers on loopback): each client signs with its own secret, rotates it through the
// API with an overlap, and cannot reach another client's.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ApiKeys } from '../../api/auth';
import { verifyDelivery } from '../../activities/delivery';
import { COLLECTIONS } from '../../adapters/mongo/collections';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { call, folioInput, HOTEL, startApi, type ApiHandle } from '../helpers/api';
import { rawCollection } from '../helpers/raw-db';
import { startReceiver, type Receiver } from '../helpers/receiver';

/** A Folio-Signature made with a secret, as anyone holding it can. */
function forge(secret: string, body: string): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

describe('security: delivery signing secrets per client (item 5)', function () {
  this.timeout(180_000);
  let api: ApiHandle;
  let hookA: Receiver;
  let hookB: Receiver;
  const go = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(api.url, method, path, opts);

  before(async () => {
    api = await startApi({ worker: true, rateLimitPerMinute: 100_000 });
    [hookA, hookB] = await Promise.all([startReceiver(), startReceiver()]);
    assert.equal((await go('POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 201);
  });
  after(async () => {
    await api?.close();
    await hookA?.close();
    await hookB?.close();
  });

  /** A folio of this client, completed by the workflow (an operator supplies the matching folio); resolves with the delivery its endpoint got. */
  async function completeAndReceive(key: string, hook: Receiver) {
    const input = folioInput({ delivery: { webhookUrl: `${hook.url}/folio-hook` } });
    const created = await go('POST', '/v1/folios', { key, body: input });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const pdf = await renderFolioPdf({ hotelName: HOTEL.name, guests: [input.guest], arrival: input.checkIn, departure: input.checkOut, folioNumber: 'F-1', confirmationNumber: input.confirmationNumber, currency: 'GBP', nightlyRate: 150, taxRate: 0.2, layout: 'classic' });
    const seen = hook.received.length;
    const up = await go('POST', `/v1/folios/${created.body.folioId}/document?filename=folio.pdf`, { key: api.keys.operator, raw: pdf, contentType: 'application/pdf' });
    assert.equal(up.body.status, 'Completed', JSON.stringify(up.body));
    const got = await hook.next(seen + 1);
    assert.equal(JSON.parse(got.body).folioId, created.body.folioId);
    return { body: got.body, signature: String(got.headers['folio-signature']) };
  }

  const rotate = async (key: string, clientId: string, overlapHours?: number) => {
    const r = await go('POST', `/v1/clients/${clientId}/delivery-secrets`, { key, body: overlapHours === undefined ? {} : { overlapHours } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { secretId: string; secret: string; createdAt: string; previousExpireAt: string | null };
  };

  it("a client cannot forge another client's notification with the secret it holds", async () => {
    const secretA = await rotate(api.keys.a, 'client-a');
    const secretB = await rotate(api.keys.b, 'client-b');
    assert.notEqual(secretA.secret, secretB.secret);

    const toA = await completeAndReceive(api.keys.a, hookA);
    assert.ok(verifyDelivery(secretA.secret, toA.body, toA.signature), "A's own delivery verifies with A's secret");
    const toB = await completeAndReceive(api.keys.b, hookB);
    assert.ok(verifyDelivery(secretB.secret, toB.body, toB.signature));

    // Client A, holding its own secret, makes up a result for one of B's folios and signs it.
    const forged = JSON.stringify({ ...JSON.parse(toB.body), status: 'Completed', extracted: { total: 1, currency: 'EUR' }, sentAt: new Date().toISOString() });
    assert.equal(verifyDelivery(secretB.secret, forged, forge(secretA.secret, forged)), false, "B's endpoint accepts A's forgery");
    assert.equal(verifyDelivery(secretB.secret, toA.body, toA.signature), false, "A's deliveries verify with B's secret");
  });

  it('a client reaches only its own secrets; they are stored sealed and never shown again', async () => {
    for (const [method, path] of [['POST', '/v1/clients/client-b/delivery-secrets'], ['GET', '/v1/clients/client-b'], ['PATCH', '/v1/clients/client-b']] as const) {
      const r = await go(method, path, { key: api.keys.a, ...(method !== 'GET' && { body: {} }) });
      assert.equal(r.status, 404, `${method} ${path} with client A's key: ${r.status}`);
    }
    const listed = (await go('GET', '/v1/clients/client-b', { key: api.keys.b })).body;
    const current = listed.deliverySecrets.at(-1);
    assert.equal((await go('DELETE', `/v1/clients/client-b/delivery-secrets/${current.secretId}`, { key: api.keys.a })).status, 404);
    assert.ok(!JSON.stringify(listed).includes('whsec_'), 'the settings show a secret value');
    const stored = JSON.stringify(await rawCollection(api.db, COLLECTIONS.clients).find({}).toArray());
    assert.ok(stored.includes(current.secretId) && !stored.includes('whsec_'), 'a secret is stored in clear');
  });

  it('rotation: old and new both sign during the overlap; the old one stops when revoked, or at once with no overlap', async () => {
    const first = await rotate(api.keys.a, 'client-a', 0);
    const second = await rotate(api.keys.a, 'client-a', 1);
    assert.ok(second.previousExpireAt && Date.parse(second.previousExpireAt) > Date.now() + 3500_000, 'the overlap is the hour asked for');

    const during = await completeAndReceive(api.keys.a, hookA);
    assert.equal(during.signature.split(',').filter((p) => p.startsWith('v1=')).length, 2, 'two signatures during the overlap');
    assert.ok(verifyDelivery(first.secret, during.body, during.signature), 'a receiver still on the old secret verifies');
    assert.ok(verifyDelivery(second.secret, during.body, during.signature), 'a receiver on the new secret verifies');

    assert.equal((await go('DELETE', `/v1/clients/client-a/delivery-secrets/${first.secretId}`, { key: api.keys.a })).status, 204);
    const after = await completeAndReceive(api.keys.a, hookA);
    assert.equal(verifyDelivery(first.secret, after.body, after.signature), false, 'a revoked secret still signs');
    assert.ok(verifyDelivery(second.secret, after.body, after.signature));
    assert.equal((await go('DELETE', `/v1/clients/client-a/delivery-secrets/${second.secretId}`, { key: api.keys.a })).status, 409, 'the only secret that signs can be replaced, not removed');

    const third = await rotate(api.keys.a, 'client-a', 0);
    assert.equal(third.previousExpireAt, new Date(Date.parse(third.createdAt)).toISOString());
    const next = await completeAndReceive(api.keys.a, hookA);
    assert.equal(verifyDelivery(second.secret, next.body, next.signature), false, 'a secret replaced without overlap still signs');
    assert.ok(verifyDelivery(third.secret, next.body, next.signature));
  });

  it('a webhook without a secret of the client is refused when the request is made', async () => {
    const { key } = await new ApiKeys(api.store.apiKeys).create({ clientId: 'client-c', role: 'client' });
    const r = await go('POST', '/v1/folios', { key, body: folioInput({ delivery: { webhookUrl: `${hookA.url}/c` } }) });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'delivery_secret_required');
  });
});
