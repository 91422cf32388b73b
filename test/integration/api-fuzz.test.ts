// Thousands of malformed requests (bounded) at the real app: no 5xx, ever, and every 4xx says why.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { call, folioInput, HOTEL, startApi, type ApiHandle } from '../helpers/api';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

describe('API fuzz: malformed requests never produce a 5xx', function () {
  this.timeout(300_000);
  let api: ApiHandle;
  let folioId: string;
  before(async () => {
    // With a worker: actions on the real folio reach a running workflow, as in production.
    api = await startApi({ rateLimitPerMinute: 1_000_000, worker: true });
    await call(api.url, 'POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL });
    folioId = (await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body: folioInput() })).body.folioId;
  });
  after(async () => api?.close());

  it(`answers ${RUNS} malformed requests with 2xx/4xx only`, async () => {
    const valid = folioInput();
    const anything = fc.oneof(fc.jsonValue(), fc.string(), fc.constant(null), fc.integer(), fc.double(), fc.array(fc.jsonValue(), { maxLength: 3 }));
    // A valid request with one field replaced, removed or added: the shapes that get closest to the logic.
    const mutated = fc.tuple(fc.constantFrom(...Object.keys(valid), 'guest.firstName', 'hotel.inline', 'extra'), anything, fc.boolean()).map(([field, value, drop]) => {
      const copy: Record<string, unknown> = JSON.parse(JSON.stringify(valid));
      const [head, tail] = field.split('.');
      if (tail) copy[head] = { ...(copy[head] as object), [tail]: value };
      else if (drop) delete copy[head];
      else copy[head] = value;
      return copy;
    });
    const segment = fc.oneof(fc.constant(folioId), fc.constant('grand-test'), fc.string({ maxLength: 40 }).map(encodeURIComponent), fc.constant('%E0%A4%A'), fc.constant('..%2F..'));
    const path = fc.oneof(
      fc.constant('/v1/folios'),
      fc.constant('/v1/folios/batch'),
      fc.constant('/v1/hotels'),
      fc.constant('/v1/unmatched'),
      segment.map((s) => `/v1/unmatched/${s}/assign`),
      segment.map((s) => `/v1/hotels/${s}`),
      segment.map((s) => `/v1/clients/${s}`),
      fc.tuple(fc.constantFrom('client-a', 'client-b'), segment).map(([c, s]) => `/v1/clients/${c}/delivery-secrets/${s}`),
      segment.map((s) => `/v1/folios/${s}`),
      fc.tuple(segment, fc.constantFrom('events', 'document', 'cancel', 'retry', 'callback', 'review', 'nope')).map(([s, a]) => `/v1/folios/${s}/${a}`),
      fc.constantFrom('/codec/decode', '/codec/encode', '/health/ready', '/openapi.json', '/v2/x', '/'),
    );
    const query = fc.oneof(
      fc.constant(''),
      fc.dictionary(fc.constantFrom('status', 'limit', 'cursor', 'live', 'checkOutFrom', 'needsAttention', 'clientId', 'afterSeq', 'filename', 'x'), fc.string({ maxLength: 20 })).map((q) => `?${new URLSearchParams(q)}`),
      fc.constantFrom('?limit=-1', '?limit=1e9', '?status=Completed&status=Queued', '?live=true&live=false', '?cursor=%FF', '?a[b]=c'),
    );
    const body = fc.oneof(
      mutated.map((b) => ({ raw: JSON.stringify(b) })),
      anything.map((b) => ({ raw: JSON.stringify(b) })),
      fc.string({ maxLength: 200 }).map((raw) => ({ raw })),
      fc.constantFrom({ raw: '{"a":' }, { raw: '\u0000' }, { raw: '{"__proto__":{"x":1}}' }, { raw: '[]' }, { raw: '' }),
      fc.constant({ raw: JSON.stringify({ requests: [valid, {}, null, 'x'] }) }),
      fc.constant({ raw: JSON.stringify({ payloads: [{ metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' }, data: 'AAAA' }] }) }),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      path,
      query,
      body,
      key: fc.constantFrom<'a' | 'b' | 'operator' | 'none' | 'junk'>('a', 'b', 'operator', 'operator', 'none', 'junk'),
      contentType: fc.constantFrom('application/json', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'text/plain', 'application/pdf', 'application/x-www-form-urlencoded'),
    });

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const key = r.key === 'none' ? undefined : r.key === 'junk' ? 'fk_0123456789abcdef_nope' : api.keys[r.key];
        const withBody = r.method !== 'GET';
        const res = await call(api.url, r.method, r.path + r.query, { key, ...(withBody && { raw: r.body.raw, contentType: r.contentType }) });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `${r.method} ${r.path}${r.query} ${r.contentType} ${r.body.raw.slice(0, 200)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        if (res.status >= 400 && res.headers.get('content-type')?.includes('json')) {
          assert.equal(typeof res.body.error?.message, 'string');
          assert.ok(res.body.error.message.length > 0);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000), endOnFailure: true },
    );
    process.stdout.write(`      statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
  });
});
