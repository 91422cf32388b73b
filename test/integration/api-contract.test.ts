// Contract tests from the OpenAPI document: every documented route and status is exercised through the
// real app (FerretDB, Temporal dev server, a worker with the real folio workflow), and every JSON body is
// checked against the documented schema (in test/helpers/api.ts).
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { DefaultPayloadConverter } from '@temporalio/common';
import { Store } from '../../adapters/mongo/store';
import { ROUTES, buildOpenApi } from '../../api/openapi';
import { codecFromConfig } from '../../temporal/codec';
import { call, folioInput, HOTEL, listenLoopback, portOf, seen, startApi, undocumented, type ApiHandle } from '../helpers/api';
import { createOpsApp } from '../../api/ops';
import { Readiness } from '../../api/contract';
import { createMetrics } from '../../observability/metrics';
import { startTemporal } from '../helpers/stack';
import { Client } from '@temporalio/client';
import { dataConverter } from '../../temporal/data-converter';
import { ApiKeys } from '../../api/auth';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { edgeFor } from '../../temporal/edge';
import { callOutcomeSignal } from '../../workflows/definitions';
import { daysFromNow } from '../helpers/dates';
import { rawCollection } from '../helpers/raw-db';
import { DAY_MS } from '../../domain/calendar';

const nextWeekday10am = () => {
  const d = new Date(Date.now() + 3 * DAY_MS);
  while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(10, 0, 0, 0);
  return d.toISOString();
};

describe('API contract (OpenAPI routes and statuses)', function () {
  this.timeout(120_000);
  let api: ApiHandle;
  let go: (method: string, path: string, opts?: Parameters<typeof call>[3]) => ReturnType<typeof call>;
  /** The folio the upload test leaves with a document (the integrity test alters its stored records). */
  let withDocument: { folioId: string; documentId: string } | undefined;

  before(async () => {
    api = await startApi({ worker: true, rateLimitPerMinute: 100_000 });
    go = (m, p, o) => call(api.url, m, p, o);
  });
  after(async () => api?.close());

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = await go('GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.0.3');
    assert.deepEqual(Object.keys(doc.body.paths).sort(), [...new Set(ROUTES.map((r) => r.path))].sort());
    const index = await go('GET', '/', { headers: { 'x-request-id': 'trace-42' } });
    assert.equal(index.body.docs, '/docs');
    assert.equal(index.headers.get('x-request-id'), 'trace-42');
    assert.match((await go('GET', '/', { headers: { 'x-request-id': 'bad id with spaces' } })).headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const page = await go('GET', '/docs/');
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /swagger/i);
  });

  it('health: liveness on the public port; readiness on the operations port, unready when MongoDB is unreachable', async () => {
    assert.equal((await go('GET', '/health/live')).status, 200);
    assert.equal((await go('GET', '/health/ready')).status, 404);
    assert.equal((await go('GET', '/metrics')).status, 404);
    const ready = await call(api.opsUrl, 'GET', '/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.temporal.ok, true);
    assert.equal(ready.body.mongodb.ok, true);
    assert.ok(Readiness.safeParse(ready.body).success, JSON.stringify(ready.body));
    // Operations for a store whose MongoDB is a closed port: readiness names which part is down.
    const dead = new MongoClient('mongodb://127.0.0.1:1/', { serverSelectionTimeoutMS: 300 });
    const env = await startTemporal();
    const store = new Store(dead.db('x'));
    const ops = await listenLoopback(createOpsApp({ store, metrics: createMetrics(store), temporal: edgeFor(new Client({ connection: env.connection, dataConverter: dataConverter(api.config) }), api.config) }));
    try {
      const r = await call(`http://127.0.0.1:${portOf(ops)}`, 'GET', '/health/ready');
      assert.equal(r.status, 503);
      assert.equal(r.body.mongodb.ok, false);
      assert.equal(r.body.temporal.ok, true);
    } finally {
      ops.close();
      await dead.close();
    }
  });

  it('hotels: create, conflict, read, list, replace, and who may write', async () => {
    assert.equal((await go('POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 201);
    assert.equal((await go('POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 409);
    const bad = await go('POST', '/v1/hotels', { key: api.keys.operator, body: { ...HOTEL, hotelId: 'x2', timeZone: 'Mars/Base' } });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.details.some((d: { field: string }) => d.field === 'body.timeZone'));
    assert.equal((await go('POST', '/v1/hotels', { key: api.keys.a, body: { ...HOTEL, hotelId: 'x3' } })).status, 403);
    assert.equal((await go('GET', '/v1/hotels', { key: api.keys.a })).status, 200);
    assert.equal((await go('GET', '/v1/hotels')).status, 401);
    const one = await go('GET', '/v1/hotels/grand-test', { key: api.keys.a });
    assert.equal(one.status, 200);
    assert.equal(one.body.name, HOTEL.name);
    assert.equal((await go('GET', '/v1/hotels/nope', { key: api.keys.a })).status, 404);
    const { hotelId: _id, ...replace } = HOTEL;
    const put = await go('PUT', '/v1/hotels/grand-test', { key: api.keys.operator, body: { ...replace, ivrPath: '1w2', channelPreference: 'email-first' } });
    assert.equal(put.status, 200);
    assert.equal(put.body.ivrPath, '1w2');
    assert.equal((await go('PUT', '/v1/hotels/grand-test', { key: api.keys.operator, body: { ...replace, phone: '12' } })).status, 400);
    const webmail = await go('PUT', '/v1/hotels/grand-test', { key: api.keys.operator, body: { ...replace, folioSenders: ['@gmail.com'] } });
    assert.equal(webmail.status, 400, 'a whole webmail domain cannot vouch for a hotel');
    assert.ok(webmail.body.error.details.some((d: { field: string; problem: string }) => d.field === 'body.folioSenders.0' && /public webmail domain/.test(d.problem)), JSON.stringify(webmail.body));
    const chain = await go('PUT', '/v1/hotels/grand-test', { key: api.keys.operator, body: { ...replace, ivrPath: '1w2', channelPreference: 'email-first', chain: 'Meridian Hotels', folioSenders: ['AP@Meridian-Office.example', '@meridian-office.example'] } });
    assert.equal(chain.status, 200);
    assert.equal(chain.body.chain, 'Meridian Hotels');
    assert.deepEqual(chain.body.folioSenders, ['ap@meridian-office.example', '@meridian-office.example']);
    assert.equal((await go('PUT', '/v1/hotels/nope', { key: api.keys.operator, body: replace })).status, 404);
  });

  let folioId: string;
  let input: ReturnType<typeof folioInput>;

  it('creates a folio: 202 + Location, idempotent repeat 200, conflicting repeat 409', async () => {
    input = folioInput();
    const created = await go('POST', '/v1/folios', { key: api.keys.a, body: input });
    assert.equal(created.status, 202);
    folioId = created.body.folioId;
    assert.equal(created.headers.get('location'), `/v1/folios/${folioId}`);
    assert.equal(created.body.status, 'WaitingForCheckout');
    const again = await go('POST', '/v1/folios', { key: api.keys.a, body: input });
    assert.equal(again.status, 200);
    assert.equal(again.body.folioId, folioId);
    const conflict = await go('POST', '/v1/folios', { key: api.keys.a, body: { ...input, confirmationNumber: 'OTHER' } });
    assert.equal(conflict.status, 409);
    assert.match(conflict.body.error.message, new RegExp(input.clientReference));
  });

  it('rejects bad folio input with 4xx naming the field', async () => {
    const cases: [unknown, number, string][] = [
      [{ ...folioInput(), checkOut: '2020-01-01', checkIn: '2020-01-05' }, 400, 'body.checkOut'],
      [{ ...folioInput(), hotel: { hotelId: 'no-such-hotel' } }, 422, 'body.hotel.hotelId'],
      [{ ...folioInput(), surprise: 1 }, 400, 'body'],
      [{ ...folioInput(), hotel: { inline: { name: 'X', phone: '555', timeZone: 'Europe/Paris', country: 'FR' } } }, 400, 'body.hotel'],
    ];
    for (const [body, status, field] of cases) {
      const r = await go('POST', '/v1/folios', { key: api.keys.a, body });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.ok(r.body.error.details.some((d: { field: string }) => d.field.startsWith(field)), JSON.stringify(r.body));
    }
    const malformed = await go('POST', '/v1/folios', { key: api.keys.a, raw: '{"clientReference": ' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'malformed_json');
    const huge = await go('POST', '/v1/folios', { key: api.keys.a, body: { ...folioInput(), pad: 'x'.repeat(300_000) } });
    assert.equal(huge.status, 413);
    assert.equal((await go('POST', '/v1/folios', { body: folioInput() })).status, 401);
  });

  it('rate-limits per key with 429', async () => {
    const limited = await startApi({ rateLimitPerMinute: 2 });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(limited.url, 'POST', '/v1/folios', { key: limited.keys.a, body: {} })).status);
      assert.deepEqual(statuses, [400, 400, 429]);
      const over = await call(limited.url, 'POST', '/v1/folios', { key: limited.keys.a, body: {} });
      assert.equal(over.status, 429);
      assert.ok(Number(over.headers.get('retry-after')) > 0, 'no Retry-After');
      assert.ok(over.headers.get('ratelimit-policy'), 'no RateLimit-Policy');
      // Another key has its own budget.
      assert.equal((await call(limited.url, 'POST', '/v1/folios', { key: limited.keys.b, body: {} })).status, 400);
    } finally {
      await limited.close();
    }
  });

  it('creates many in one call with per-item results', async () => {
    const ok = folioInput();
    const r = await go('POST', '/v1/folios/batch', { key: api.keys.a, body: { requests: [ok, { ...folioInput(), checkIn: 'tomorrow' }, ok, input] } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results.map((x: { status: number }) => x.status), [202, 400, 200, 200]);
    assert.equal(r.body.results[3].folio.folioId, folioId);
    assert.equal((await go('POST', '/v1/folios/batch', { key: api.keys.a, body: { requests: [] } })).status, 400);
    assert.equal((await go('POST', '/v1/folios/batch', { body: { requests: [ok] } })).status, 401);
  });

  it('lists with filters and cursor pagination', async () => {
    const all = [];
    let cursor: string | null = null;
    do {
      const r = await go('GET', `/v1/folios?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { key: api.keys.a });
      assert.equal(r.status, 200);
      all.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.equal(all.length, 2);
    assert.equal(new Set(all.map((f) => f.folioId)).size, 2);
    const byRef = await go('GET', `/v1/folios?clientReference=${input.clientReference}&status=WaitingForCheckout&hotelId=grand-test&checkOutFrom=${input.checkOut}&checkOutTo=${input.checkOut}&needsAttention=false`, { key: api.keys.a });
    assert.deepEqual(byRef.body.items.map((f: { folioId: string }) => f.folioId), [folioId]);
    assert.equal((await go('GET', '/v1/folios?needsAttention=true', { key: api.keys.a })).body.items.length, 0);
    assert.equal((await go('GET', '/v1/folios?status=Sleeping', { key: api.keys.a })).status, 400);
    assert.equal((await go('GET', '/v1/folios?cursor=%%%', { key: api.keys.a })).status, 400);
    assert.equal((await go('GET', '/v1/folios')).status, 401);
    assert.equal((await go('GET', '/v1/folios?clientId=client-b', { key: api.keys.a })).status, 403);
    assert.equal((await go('GET', '/v1/folios?clientId=client-a', { key: api.keys.operator })).body.items.length, 2);
  });

  it('reads one folio from the projection, live on request, and its timeline', async () => {
    // The worker's first projection write (seq > 0) shows the workflow is running.
    const deadline = Date.now() + 30_000;
    let r;
    do {
      r = await go('GET', `/v1/folios/${folioId}`, { key: api.keys.a });
      if (r.body.freshness.seq > 0) break;
      await new Promise((res) => setTimeout(res, 200));
    } while (Date.now() < deadline);
    assert.equal(r.status, 200);
    assert.ok(r.body.freshness.seq > 0, 'the workflow never wrote its projection');
    const live = await go('GET', `/v1/folios/${folioId}?live=true`, { key: api.keys.a });
    assert.equal(live.status, 200);
    assert.equal(live.body.live.folioId, folioId);
    assert.equal((await go('GET', `/v1/folios/${folioId}?live=maybe`, { key: api.keys.a })).status, 400);
    assert.equal((await go('GET', `/v1/folios/${folioId}`)).status, 401);
    assert.equal((await go('GET', '/v1/folios/01NOSUCHFOLIO', { key: api.keys.a })).status, 404);
    const events = await go('GET', `/v1/folios/${folioId}/events`, { key: api.keys.a });
    assert.equal(events.status, 200);
    assert.ok(events.body.items.some((e: { type: string }) => e.type === 'FolioRequestAccepted'));
    assert.equal((await go('GET', '/v1/folios/01NOSUCHFOLIO/events', { key: api.keys.a })).status, 404);
    assert.equal((await go('GET', `/v1/folios/${folioId}/document`, { key: api.keys.a })).status, 404);
  });

  it('operator actions reach the workflow; clients may only cancel their own', async () => {
    assert.equal((await go('POST', `/v1/folios/${folioId}/retry`, { key: api.keys.a, body: {} })).status, 403);
    assert.equal((await go('POST', '/v1/folios/01NOSUCH/retry', { key: api.keys.operator, body: {} })).status, 404);
    assert.equal((await go('POST', `/v1/folios/${folioId}/retry`, { key: api.keys.operator, body: { note: 'hotel reopened' } })).status, 202);

    const review = await go('POST', `/v1/folios/${folioId}/review`, { key: api.keys.operator, body: { approve: true } });
    assert.equal(review.status, 409);
    assert.match(review.body.error.message, /not waiting for review/);
    assert.equal((await go('POST', `/v1/folios/${folioId}/review`, { key: api.keys.operator, body: { approve: 'yes' } })).status, 400);
    assert.equal((await go('POST', `/v1/folios/${folioId}/review`, { key: api.keys.a, body: { approve: true } })).status, 403);

    assert.equal((await go('POST', `/v1/folios/${folioId}/document`, { key: api.keys.a, raw: Buffer.from('%PDF-1.4'), contentType: 'application/pdf' })).status, 403);
    assert.equal((await go('POST', '/v1/folios/01NOSUCH/document', { key: api.keys.operator, raw: Buffer.from('%PDF-1.4'), contentType: 'application/pdf' })).status, 404);
    assert.equal((await go('POST', `/v1/folios/${folioId}/document`, { key: api.keys.operator, raw: '{}', contentType: 'application/json' })).status, 415);
    const small = await startApi({ env: { MAX_DOCUMENT_MB: '1' } });
    try {
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_200_000, 0x20)]);
      assert.equal((await call(small.url, 'POST', '/v1/folios/01ANY/document', { key: small.keys.operator, raw: big, contentType: 'application/pdf' })).status, 413);
      assert.equal((await call(small.url, 'POST', '/v1/folios/01ANY/authorization', { key: small.keys.a, raw: big, contentType: 'application/pdf' })).status, 413);
    } finally {
      await small.close();
    }
    const disguised = await go('POST', `/v1/folios/${folioId}/document`, { key: api.keys.operator, raw: 'Dear guest, here is a text', contentType: 'application/pdf' });
    assert.equal(disguised.status, 415);
    assert.match(disguised.body.error.message, /text\/plain, not a PDF or an image/);

    // the guest's signed form: the owning client may upload it, but only once the hotel asked for one
    const unasked = await go('POST', `/v1/folios/${folioId}/authorization`, { key: api.keys.a, raw: Buffer.from('%PDF-1.4\n%form\n'), contentType: 'application/pdf' });
    assert.equal(unasked.status, 409);
    assert.match(unasked.body.error.message, /has not asked for a signed form/);
    assert.equal((await go('POST', `/v1/folios/${folioId}/authorization`, { key: api.keys.a, raw: 'a signed form, honestly', contentType: 'application/pdf' })).status, 415);
    assert.equal((await go('POST', '/v1/folios/01NOSUCH/authorization', { key: api.keys.a, raw: Buffer.from('%PDF-1.4'), contentType: 'application/pdf' })).status, 404);

    assert.equal((await go('POST', '/v1/folios/01NOSUCH/cancel', { key: api.keys.a, body: {} })).status, 404);
    assert.equal((await go('POST', `/v1/folios/${folioId}/cancel`, { key: api.keys.a, body: { note: 'guest paid directly' } })).status, 202);
    await api.temporal.workflow.getHandle((await go('GET', `/v1/folios/${folioId}`, { key: api.keys.a })).body.workflowId).result();
    const late = await go('POST', `/v1/folios/${folioId}/cancel`, { key: api.keys.a, body: {} });
    assert.equal(late.status, 409);
    assert.equal((await go('PUT', `/v1/folios/${folioId}/callback`, { key: api.keys.operator, body: { at: nextWeekday10am() } })).status, 409);
  });

  it('sets and moves a callback through the workflow update', async () => {
    const created = await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput() });
    const id = created.body.folioId;
    const until = Date.now() + 30_000;
    while ((await api.store.folios.get(id))!.seq === 0) {
      assert.ok(Date.now() < until, 'the workflow never projected');
      await new Promise((r) => setTimeout(r, 100));
    }
    const at = nextWeekday10am();
    const cb = await go('PUT', `/v1/folios/${id}/callback`, { key: api.keys.operator, body: { at, note: 'asked by phone' } });
    assert.equal(cb.status, 200, JSON.stringify(cb.body));
    assert.equal(cb.body.callbackAt, at);
    const unreadable = await go('PUT', `/v1/folios/${id}/callback`, { key: api.keys.operator, body: { phrase: 'when pigs fly' } });
    assert.ok([400, 409].includes(unreadable.status), JSON.stringify(unreadable.body));
    assert.match(unreadable.body.error.message, /pigs/);
    assert.equal((await go('PUT', `/v1/folios/${id}/callback`, { key: api.keys.operator, body: {} })).status, 400);
    assert.equal((await go('PUT', `/v1/folios/${id}/callback`, { key: api.keys.a, body: { at } })).status, 403);
    assert.equal((await go('PUT', '/v1/folios/01NOSUCH/callback', { key: api.keys.operator, body: { at } })).status, 404);
  });

  it('hotel changes reach the hotel’s running dispatch workflow', async () => {
    // Checked out days ago: due at once, so the folio joins its hotel's dispatcher (signal-with-start).
    const day = (n: number) => daysFromNow(-n);
    assert.equal((await go('POST', '/v1/folios', { key: api.keys.b, body: folioInput({ checkIn: day(6), checkOut: day(4) }) })).status, 202);
    const dispatcher = api.temporal.workflow.getHandle('hotel:grand-test');
    const until = Date.now() + 20_000;
    for (;;) {
      const running = await dispatcher.describe().then((d) => d.status.name === 'RUNNING', () => false);
      if (running) break;
      assert.ok(Date.now() < until, 'no dispatcher started for the hotel');
      await new Promise((r) => setTimeout(r, 200));
    }
    const { hotelId: _id, ...replace } = HOTEL;
    assert.equal((await go('PUT', '/v1/hotels/grand-test', { key: api.keys.operator, body: { ...replace, ivrPath: '3w1' } })).status, 200);
    const history = await dispatcher.fetchHistory();
    const signals = (history.events ?? []).map((e) => e.workflowExecutionSignaledEventAttributes?.signalName).filter(Boolean);
    assert.ok(signals.includes('hotelUpdated'), `signals seen: ${signals.join(', ')}`);
  });

  it('upload by hand, review, and download the document', async () => {
    const input2 = folioInput();
    const created = await go('POST', '/v1/folios', { key: api.keys.a, body: input2 });
    assert.equal(created.status, 202);
    const id = created.body.folioId;
    // A folio for someone else: extraction reads it, the checks fail, a person must review.
    const pdf = await renderFolioPdf({ hotelName: HOTEL.name, guests: [{ firstName: 'Charles', lastName: 'Babbage' }], arrival: input2.checkIn, departure: input2.checkOut, folioNumber: 'F-1001', confirmationNumber: 'OTHER-1', currency: 'GBP', nightlyRate: 180, taxRate: 0.2, layout: 'classic' });
    const up = await go('POST', `/v1/folios/${id}/document?filename=folio.pdf&note=sent%20by%20fax`, { key: api.keys.operator, raw: pdf, contentType: 'application/pdf' });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.status, 'NeedsReview');
    assert.equal(up.body.document.size, pdf.length);
    // Reads come from the projection, which the workflow writes just after answering the update.
    const until = Date.now() + 15_000;
    while (!(await go('GET', `/v1/folios/${id}`, { key: api.keys.a })).body.document) {
      assert.ok(Date.now() < until, 'the projection never showed the document');
      await new Promise((r) => setTimeout(r, 100));
    }
    // In review: the operator reads it, the client does not (it has not passed the checks).
    const doc = await go('GET', `/v1/folios/${id}/document`, { key: api.keys.operator });
    assert.equal(doc.status, 200);
    assert.equal(doc.headers.get('content-type'), 'application/pdf');
    assert.ok(Buffer.compare(doc.body as Buffer, pdf) === 0, 'downloaded bytes differ from the upload');
    assert.equal((await go('GET', `/v1/folios/${id}/document`, { key: api.keys.a })).status, 404);
    assert.equal((await go('GET', `/v1/folios/${id}/document?original=true`, { key: api.keys.a })).status, 403);
    const needs = await go('GET', '/v1/folios?needsAttention=true', { key: api.keys.a });
    assert.ok(needs.body.items.some((f: { folioId: string }) => f.folioId === id));
    const approved = await go('POST', `/v1/folios/${id}/review`, { key: api.keys.operator, body: { approve: true, note: 'guest travelled as Babbage' } });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'Completed');
    while ((await go('GET', `/v1/folios/${id}`, { key: api.keys.a })).body.status !== 'Completed') {
      assert.ok(Date.now() < until + 15_000, 'the projection never showed the folio completed');
      await new Promise((r) => setTimeout(r, 100));
    }
    const approvedDoc = await go('GET', `/v1/folios/${id}/document`, { key: api.keys.a });
    assert.equal(approvedDoc.status, 200, 'approved by a person: the client reads it');
    assert.ok(Buffer.compare(approvedDoc.body as Buffer, pdf) === 0);
    withDocument = { folioId: id, documentId: up.body.document.documentId };
  });

  it('a stored record altered beneath the API (sealed at rest) is refused with a 500 naming it', async () => {
    assert.ok(withDocument, 'runs after the upload test');
    const { folioId, documentId } = withDocument;
    const flipLast = async (name: string, filter: object, field: string) => {
      const coll = rawCollection(api.db, name);
      const doc = (await coll.findOne(filter))!;
      const bytes = Buffer.from((field.split('.').reduce<any>((v, k) => v[k], doc) as { buffer: Uint8Array }).buffer);
      bytes[bytes.length - 1] ^= 0x01;
      await coll.updateOne({ _id: doc._id }, { $set: { [field]: bytes } });
    };
    await flipLast('documents.chunks', { files_id: documentId }, 'data');
    await flipLast('events', { folioId, data: { $exists: true } }, 'data.ct');
    await flipLast('folio_details', { _id: folioId }, 'request.ct');
    for (const path of [`/v1/folios/${folioId}`, `/v1/folios/${folioId}/events`, `/v1/folios/${folioId}/document`]) {
      const r = await go('GET', path, { key: api.keys.operator });
      assert.equal(r.status, 500, path);
      assert.equal(r.body.error.code, 'stored_record_unreadable');
      assert.match(r.body.error.message, /integrity check/);
    }
  });

  it('unmatched messages: list and assign to a folio (operators only)', async () => {
    const target = (await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput() })).body.folioId;
    const pdf = await renderFolioPdf({ hotelName: HOTEL.name, guests: [{ firstName: 'Ada', lastName: 'Lovelace' }], arrival: '2026-01-02', departure: '2026-01-04', folioNumber: 'F-2002', currency: 'GBP', nightlyRate: 150, taxRate: 0.2, layout: 'modern' });
    const document = await api.store.documents.save(pdf, { filename: 'scan.pdf', source: 'email', messageId: '<m1@hotel.example>' });
    // What the inbox monitor leaves when no rule ties a reply to a request.
    await api.store.unmatched.put({ _id: '<m1@hotel.example>', messageId: '<m1@hotel.example>', from: 'frontdesk@grand-test.example', subject: 'Your folio', receivedAt: new Date(), reason: 'no reply token, no thread', candidates: [], documents: [document], rejectedAttachments: [], textExcerpt: 'Please find attached.' });
    const list = await go('GET', '/v1/unmatched?limit=10', { key: api.keys.operator });
    assert.equal(list.status, 200);
    assert.equal(list.body.items[0].unmatchedId, '<m1@hotel.example>');
    assert.equal((await go('GET', '/v1/unmatched?cursor=nonsense', { key: api.keys.operator })).status, 400);
    assert.equal((await go('GET', '/v1/unmatched', { key: api.keys.a })).status, 403);
    const path = `/v1/unmatched/${encodeURIComponent('<m1@hotel.example>')}/assign`;
    assert.equal((await go('POST', path, { key: api.keys.a, body: { folioId: target } })).status, 403);
    assert.equal((await go('POST', path, { key: api.keys.operator, body: { folioId: 'NOSUCHFOLIO' } })).status, 404);
    assert.equal((await go('POST', '/v1/unmatched/nope/assign', { key: api.keys.operator, body: { folioId: target } })).status, 404);
    const assigned = await go('POST', path, { key: api.keys.operator, body: { folioId: target } });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.deepEqual([assigned.body.documents, assigned.body.alreadyAssigned], [1, false]);
    assert.equal((await go('POST', path, { key: api.keys.operator, body: { folioId: folioId } })).status, 409);
  });

  it('dead letters: listed for operators only', async () => {
    await api.store.deadLetters.add({ kind: 'mail', key: 'mid:stuck@hotel.example', subject: 'message <stuck@hotel.example>', reason: 'object store refused the write', attempts: 3 });
    const list = await go('GET', '/v1/dead-letters?kind=mail', { key: api.keys.operator });
    assert.equal(list.status, 200);
    assert.equal(list.body.items[0].deadLetterId, 'mail:mid:stuck@hotel.example');
    assert.equal((await go('GET', '/v1/dead-letters?kind=nonsense', { key: api.keys.operator })).status, 400);
    assert.equal((await go('GET', '/v1/dead-letters', { key: api.keys.a })).status, 403);
    // a callback given up on goes back to the relay's line once
    const edge = edgeFor(api.temporal, api.config);
    await api.store.callbacks.accept({ _id: 'cb-contract', source: 'twilio', workflowId: 'call-contract-none', signal: 'twilioStatus', payloads: await edge.encode([{ callSid: 'CA1', status: 'ringing', sequence: 1 }]) });
    const [claimed] = await api.store.callbacks.claim('contract', 1, 60_000);
    await api.store.callbacks.dead(claimed!._id, 'contract', 'Temporal is not reachable');
    await api.store.deadLetters.add({ kind: 'callback', key: 'cb-contract', subject: 'twilioStatus for call-contract-none (from twilio)', reason: 'Temporal is not reachable', attempts: 9 });
    const replay = (id: string, key: string) => go('POST', `/v1/dead-letters/${encodeURIComponent(id)}/replay`, { key });
    assert.equal((await replay('callback:cb-contract', api.keys.a)).status, 403);
    assert.equal((await replay('callback:nope', api.keys.operator)).status, 404);
    assert.equal((await replay('callback:cb-contract', api.keys.operator)).status, 200);
    assert.equal((await replay('callback:cb-contract', api.keys.operator)).status, 409);
    assert.equal((await api.store.callbacks.get('cb-contract'))?.state !== 'dead', true);
  });

  it('client settings and delivery secrets: own only, operators for quotas', async () => {
    const own = await go('GET', '/v1/clients/client-a', { key: api.keys.a });
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.policy, { acceptDepartureMismatch: false });
    assert.equal((await go('GET', '/v1/clients/client-a')).status, 401);
    assert.equal((await go('GET', '/v1/clients/client-b', { key: api.keys.a })).status, 404);
    const patched = await go('PATCH', '/v1/clients/client-a', { key: api.keys.a, body: { policy: { acceptDepartureMismatch: true } } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.policy.acceptDepartureMismatch, true);
    assert.equal((await go('PATCH', '/v1/clients/client-a', { key: api.keys.a, body: { quotas: { concurrentCalls: 99 } } })).status, 403);
    assert.equal((await go('PATCH', '/v1/clients/client-a', { key: api.keys.operator, body: { quotas: { concurrentCalls: 0 } } })).status, 400);
    assert.equal((await go('PATCH', '/v1/clients/client-b', { key: api.keys.a, body: {} })).status, 404);
    const first = await go('POST', '/v1/clients/client-a/delivery-secrets', { key: api.keys.a, body: {} });
    assert.equal(first.status, 201);
    assert.match(first.body.secret, /^whsec_/);
    assert.equal((await go('POST', '/v1/clients/client-a/delivery-secrets', { key: api.keys.a, body: { overlapHours: -1 } })).status, 400);
    assert.equal((await go('POST', '/v1/clients/client-b/delivery-secrets', { key: api.keys.a, body: {} })).status, 404);
    assert.equal((await go('DELETE', `/v1/clients/client-a/delivery-secrets/${first.body.secretId}`, { key: api.keys.a })).status, 409);
    const second = await go('POST', '/v1/clients/client-a/delivery-secrets', { key: api.keys.operator, body: { overlapHours: 2 } });
    assert.equal(second.body.previousExpireAt !== null, true);
    assert.equal((await go('DELETE', `/v1/clients/client-a/delivery-secrets/${first.body.secretId}`, { key: api.keys.a })).status, 204);
    assert.equal((await go('DELETE', `/v1/clients/client-a/delivery-secrets/${first.body.secretId}`, { key: api.keys.a })).status, 404);
    // The policy travels with each request the client makes from now on.
    const created = await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput() });
    assert.deepEqual(created.body.request.clientPolicy, { acceptDepartureMismatch: true });
  });

  it('codec-only keys open /codec and nothing else', async () => {
    const { key } = await new ApiKeys(api.store.apiKeys).create({ clientId: 'webui', role: 'codec' });
    assert.equal((await go('GET', '/v1/folios', { key })).status, 403);
    const r = await go('POST', `/codec/${encodeURIComponent(key)}/encode`, { body: { payloads: [] } });
    assert.equal(r.status, 200);
  });

  it('codec endpoint in the Web UI format, operator key only', async () => {
    const codec = codecFromConfig(api.config);
    const [enc] = await codec.encode([new DefaultPayloadConverter().toPayload({ guest: 'Ada Lovelace' })]);
    const payloads = { payloads: [{ metadata: Object.fromEntries(Object.entries(enc.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(enc.data!).toString('base64') }] };
    const dec = await go('POST', '/codec/decode', { key: api.keys.operator, body: payloads, headers: { origin: 'http://127.0.0.1:8233', 'x-namespace': 'default' } });
    assert.equal(dec.status, 200);
    assert.equal(dec.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8233');
    assert.deepEqual(JSON.parse(Buffer.from(dec.body.payloads[0].data, 'base64').toString()), { guest: 'Ada Lovelace' });
    assert.equal((await go('POST', '/codec/decode', { key: api.keys.a, body: payloads })).status, 403);
    assert.equal((await go('POST', '/codec/decode', { body: payloads })).status, 401);
    assert.equal((await go('POST', '/codec/decode', { key: api.keys.operator, body: payloads, headers: { origin: 'http://evil.example' } })).status, 403);
    assert.equal((await go('POST', '/codec/decode', { key: api.keys.operator, body: { payloads: [{ data: 'not base64!' }] } })).status, 400);
    const encoded = await go('POST', '/codec/encode', { key: api.keys.operator, body: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') }] } });
    assert.equal(encoded.status, 200);
    assert.equal(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString(), 'binary/encrypted');
    assert.equal((await go('POST', '/codec/encode', { body: payloads })).status, 401);
  });

  it("the guest's signed form: uploaded by the owning client once the hotel asked for it", async () => {
    const input3 = folioInput({ checkIn: daysFromNow(-6), checkOut: daysFromNow(-4) });
    const created = await go('POST', '/v1/folios', { key: api.keys.a, body: input3 });
    assert.equal(created.status, 202);
    const id = created.body.folioId;
    const status = async () => (await go('GET', `/v1/folios/${id}`, { key: api.keys.a })).body.status as string;
    const reach = async (wanted: string) => {
      for (const until = Date.now() + 20_000; (await status()) !== wanted; await new Promise((r) => setTimeout(r, 200))) assert.ok(Date.now() < until, `never ${wanted}`);
    };
    await reach('Queued');
    // this API's worker places no calls: the hotel's answer arrives as the call workflow would report it
    await api.temporal.workflow.getHandle(created.body.workflowId).signal(callOutcomeSignal, { callId: 'call:test:1', disposition: 'conversation', outcome: { kind: 'authorization_required', form: 'authorisation form' } });
    await reach('AwaitingClient');
    const form = Buffer.from('%PDF-1.4\n% signed by the guest\n%%EOF\n');
    assert.equal((await go('POST', `/v1/folios/${id}/authorization`, { raw: form, contentType: 'application/pdf' })).status, 401);
    assert.equal((await go('POST', `/v1/folios/${id}/authorization`, { key: api.keys.b, raw: form, contentType: 'application/pdf' })).status, 404);
    const up = await go('POST', `/v1/folios/${id}/authorization?filename=form.pdf`, { key: api.keys.a, raw: form, contentType: 'application/pdf' });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.document.size, form.length);
    await go('POST', `/v1/folios/${id}/cancel`, { key: api.keys.a, body: {} });
  });

  it('covered every documented route and status, and answered nothing undocumented', () => {
    const doc = buildOpenApi();
    const missing: string[] = [];
    for (const r of ROUTES) {
      const key = `${r.method.toUpperCase()} ${r.path}`;
      assert.ok(doc.paths?.[r.path]?.[r.method], `${key} missing from the document`);
      for (const status of Object.keys(r.responses).map(Number)) if (!seen.get(key)?.has(status)) missing.push(`${key} → ${status}`);
    }
    assert.deepEqual(undocumented, [], 'statuses the document does not list');
    assert.deepEqual(missing, [], 'documented but never exercised');
  });
});
