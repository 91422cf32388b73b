// Two clients on one API: each sees and acts on its own folios only; another client's folio is 404, never 200.
import assert from 'node:assert/strict';
import { ApiKeys } from '../../api/auth';
import { call, folioInput, HOTEL, startApi, type ApiHandle } from '../helpers/api';

describe('API isolation across clients', function () {
  this.timeout(60_000);
  let api: ApiHandle;
  let folioA: string;
  const ref = `shared-ref-${Date.now()}`;

  before(async () => {
    api = await startApi();
    assert.equal((await call(api.url, 'POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 201);
    const r = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body: folioInput({ clientReference: ref }) });
    assert.equal(r.status, 202);
    folioA = r.body.folioId;
  });
  after(async () => api?.close());

  it('hides client A’s folio from client B on every route', async () => {
    const b = api.keys.b;
    for (const [method, path, body] of [
      ['GET', `/v1/folios/${folioA}`],
      ['GET', `/v1/folios/${folioA}?live=true`],
      ['GET', `/v1/folios/${folioA}/events`],
      ['GET', `/v1/folios/${folioA}/document`],
      ['POST', `/v1/folios/${folioA}/cancel`, {}],
      ['POST', `/v1/folios/${folioA}/authorization`, {}],
    ] as [string, string, unknown][]) {
      const r = await call(api.url, method, path, { key: b, body });
      assert.equal(r.status, 404, `${method} ${path} → ${r.status}`);
      assert.ok(!JSON.stringify(r.body).includes('Lovelace'));
    }
    const list = await call(api.url, 'GET', '/v1/folios', { key: b });
    assert.deepEqual(list.body.items, []);
    assert.equal((await call(api.url, 'GET', `/v1/folios?clientReference=${ref}`, { key: b })).body.items.length, 0);
    assert.equal((await call(api.url, 'GET', '/v1/folios?clientId=client-a', { key: b })).status, 403);
  });

  it('lets client B use the same client reference for its own, separate folio', async () => {
    const r = await call(api.url, 'POST', '/v1/folios', { key: api.keys.b, body: folioInput({ clientReference: ref, confirmationNumber: 'B-999' }) });
    assert.equal(r.status, 202);
    assert.notEqual(r.body.folioId, folioA);
    assert.equal(r.body.workflowId, `folio:client-b:${ref}`);
    assert.equal((await call(api.url, 'GET', `/v1/folios/${r.body.folioId}`, { key: api.keys.a })).status, 404);
  });

  it('shows everything to the owner and to operators', async () => {
    assert.equal((await call(api.url, 'GET', `/v1/folios/${folioA}`, { key: api.keys.a })).status, 200);
    assert.equal((await call(api.url, 'GET', `/v1/folios/${folioA}`, { key: api.keys.operator })).status, 200);
    const all = await call(api.url, 'GET', `/v1/folios?clientReference=${ref}`, { key: api.keys.operator });
    assert.deepEqual(all.body.items.map((f: { clientId: string }) => f.clientId).sort(), ['client-a', 'client-b']);
  });

  it('refuses revoked keys at once', async () => {
    const keys = new ApiKeys(api.store.apiKeys);
    const { key, record } = await keys.create({ clientId: 'client-a', role: 'client' });
    assert.equal((await call(api.url, 'GET', '/v1/folios', { key })).status, 200);
    await keys.revoke(record._id);
    assert.equal((await call(api.url, 'GET', '/v1/folios', { key })).status, 401);
  });
});
