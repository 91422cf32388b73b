// /metrics reads the pipeline figures from real projections (FerretDB): folios by status, calls by outcome,
// answer rate, inbox outcomes, extraction confidence, time to folio.
import assert from 'node:assert/strict';
import { Store } from '../../adapters/mongo/store';
import { COLLECTIONS } from '../../adapters/mongo/collections';
import { rawCollection } from '../helpers/raw-db';
import { FolioStatus } from '../../domain/model';
import { createMetrics } from '../../observability/metrics';
import { startMongo } from '../helpers/stack';

describe('API metrics from the projections', function () {
  this.timeout(30_000);

  it('reports what the collections hold', async () => {
    // Seeded as the writers leave them (with a history of 30 hours), then read back through the store.
    const db = (await startMongo()).db();
    const store = new Store(db);
    const now = Date.now();
    const folio = (id: string, status: FolioStatus, extra: Record<string, unknown> = {}) => ({
      _id: id, workflowId: `folio:c:${id}`, clientId: 'c', clientReference: id, hotelId: 'h', status, seq: 3, checkOut: '2026-11-01',
      createdAt: new Date(now - 30 * 3_600_000), updatedAt: new Date(now), ...extra,
    });
    await rawCollection(db, COLLECTIONS.folios).insertMany([folio('f1', FolioStatus.Completed), folio('f2', FolioStatus.Completed), folio('f3', FolioStatus.NeedsAttention, { needsAttention: true })]);
    // what was read from each document lives beside the list entry
    await rawCollection(db, COLLECTIONS.folioDetails).insertMany([
      { _id: 'f1', seq: 3, updatedAt: new Date(now), extracted: { confidence: { total: 0.92, guestNames: 0.71 } } },
      { _id: 'f2', seq: 3, updatedAt: new Date(now), extracted: { confidence: { total: 0.99 } } },
    ]);
    await rawCollection(db, COLLECTIONS.calls).insertMany([
      { _id: 'c1', hotelId: 'h', folioIds: ['f1'], status: 'completed', disposition: 'conversation', updatedAt: new Date() },
      { _id: 'c2', hotelId: 'h', folioIds: ['f2'], status: 'completed', disposition: 'voicemail', updatedAt: new Date() },
      { _id: 'c3', hotelId: 'h', folioIds: ['f2'], status: 'completed', disposition: 'conversation', updatedAt: new Date() },
      { _id: 'c4', hotelId: 'h', folioIds: ['f3'], status: 'ringing', updatedAt: new Date() },
    ]);
    await rawCollection<{ _id: string; outcome: string }>(db, COLLECTIONS.processedMessages).insertMany([
      { _id: 'm1', outcome: 'signalled' },
      { _id: 'm2', outcome: 'signalled' },
      { _id: 'm3', outcome: 'unmatched' },
    ]);
    await rawCollection<{ _id: string; assigned?: object }>(db, COLLECTIONS.unmatched).insertMany([{ _id: 'm3' }, { _id: 'm0', assigned: { folioId: 'f1' } }]);

    const metrics = createMetrics(store);
    const res = { headers: {} as Record<string, string>, body: '', setHeader(k: string, v: string) { this.headers[k] = v; }, send(b: string) { this.body = b; } };
    await new Promise<void>((resolve, reject) => {
      const out = metrics.handler({} as never, res as never, reject);
      Promise.resolve(out).then(() => resolve(), reject);
    });
    const text = res.body;
    assert.match(text, /folio_folios\{status="Completed"\} 2/);
    assert.match(text, /folio_folios\{status="NeedsAttention"\} 1/);
    assert.match(text, /folio_folios\{status="Queued"\} 0/);
    assert.match(text, /folio_calls\{disposition="conversation"\} 2/);
    assert.match(text, /folio_calls\{disposition="voicemail"\} 1/);
    assert.match(text, /folio_call_answer_ratio 0\.6666/);
    assert.match(text, /folio_inbox_messages\{outcome="signalled"\} 2/);
    assert.match(text, /folio_inbox_unmatched_waiting 1/);
    // Lowest field confidence per folio: 0.71 and 0.99.
    assert.match(text, /folio_extraction_confidence_bucket\{le="0.8"\} 1/);
    assert.match(text, /folio_extraction_confidence_count 2/);
    // Both completed 30 hours after the request.
    assert.match(text, /folio_time_to_folio_hours_bucket\{le="24"\} 0/);
    assert.match(text, /folio_time_to_folio_hours_bucket\{le="48"\} 2/);
  });
});
