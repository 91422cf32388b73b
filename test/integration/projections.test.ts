// The lifecycle activities against a real MongoDB-wire server (FerretDB), run in Temporal's
// MockActivityEnvironment: ordered, idempotent projections and a clear error for an unknown hotel; the
// worker's batching projection writer; slim list items and the stored needs-attention flag.
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import type { TemporalEdge } from '../../temporal/edge';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { ProjectionWriter } from '../../activities/projection-writer';
import { FolioStatus } from '../../domain/model';
import type { FolioProjectionUpdate } from '../../workflows/projection';
import { startMongo } from '../helpers/stack';

describe('lifecycle activities and projections (FerretDB)', () => {
  let store: Store;
  let acts: ReturnType<typeof createLifecycleActivities>;
  const env = new MockActivityEnvironment();
  const config = loadConfig({});

  before(async () => {
    store = new Store((await startMongo()).db());
    await store.ensureIndexes();
    // these tests never reach Temporal; the client is the network edge and stays unused
    acts = createLifecycleActivities({ config, store, temporal: {} as TemporalEdge });
  });

  const update = (seq: number, status: FolioStatus, events = 0, folioId = 'f-1'): FolioProjectionUpdate => ({
    folioId,
    seq,
    set: {
      status,
      workflowId: 'folio:c:r',
      clientId: 'c',
      clientReference: 'r',
      hotelId: 'h',
      checkOut: '2026-11-20',
      nextActionAt: '2026-11-29T10:00:00.000Z',
      nextAction: 'call',
      attention: null,
      attempts: { calls: seq, emails: 0, reminders: 0, callbacks: 0 },
      reviewReasons: null,
    },
    events: Array.from({ length: events }, (_, i) => ({ eventId: `${folioId}:${seq - events + i + 1}`, folioId, type: 'FolioQueuedForCall' as const, seq: seq - events + i + 1, at: new Date().toISOString() })),
  });

  it('applies newer updates and never lets a late one move the projection backwards', async () => {
    await env.run(acts.projectFolio, update(2, FolioStatus.Queued, 2));
    await env.run(acts.projectFolio, update(5, FolioStatus.Calling, 1));
    await env.run(acts.projectFolio, update(3, FolioStatus.RetryScheduled, 1)); // late, e.g. a retried activity
    const doc = await store.folios.get('f-1');
    assert.equal(doc?.status, FolioStatus.Calling);
    assert.equal(doc?.seq, 5);
    assert.equal(doc?.nextActionAt, '2026-11-29T10:00:00.000Z');
  });

  it('appends each event once, however often it is written', async () => {
    await env.run(acts.projectFolio, update(5, FolioStatus.Calling, 1));
    await env.run(acts.appendEvents, update(5, FolioStatus.Calling, 1).events);
    const events = await store.folios.timeline('f-1');
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 5]);
  });

  it('fails an unknown hotel without retrying', async () => {
    await assert.rejects(env.run(acts.loadHotel, { hotelId: 'nowhere' }), (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable && /nowhere/.test(e.message));
  });

  it('the writer batches passing states: per folio the newest state, every event, written in order', async () => {
    const lags: number[] = [];
    const writer = new ProjectionWriter(store, { flushAfterMs: 30, lag: { observe: (s: number) => void lags.push(s) } });
    writer.write(update(1, FolioStatus.WaitingForCheckout, 1, 'w-1'));
    writer.write(update(3, FolioStatus.Queued, 2, 'w-1'));
    writer.write(update(2, FolioStatus.RetryScheduled, 0, 'w-1')); // late: its state loses to seq 3
    writer.write(update(1, FolioStatus.WaitingForCheckout, 1, 'w-2'));
    assert.equal(writer.waiting, 2, 'one pending state per folio');
    await writer.settled();
    assert.equal(writer.counters.batches, 1, 'the four writes went out as one batch');
    assert.equal((await store.folios.get('w-1'))?.status, FolioStatus.Queued);
    assert.deepEqual((await store.folios.timeline('w-1')).map((e) => e.seq), [1, 2, 3]);
    assert.equal((await store.folios.get('w-2'))?.status, FolioStatus.WaitingForCheckout);
    assert.equal(lags.length, 2);
    assert.ok(lags.every((l) => l >= 0 && l < 5), `lags ${lags.join(',')}`);
  });

  it('a durable write resolves once stored, and a stored newer state is never overwritten by it', async () => {
    const writer = new ProjectionWriter(store);
    await writer.writeNow(update(7, FolioStatus.NeedsAttention, 1, 'w-3'));
    assert.equal((await store.folios.get('w-3'))?.status, FolioStatus.NeedsAttention);
    await writer.writeNow(update(6, FolioStatus.Queued, 0, 'w-3'));
    assert.equal((await store.folios.get('w-3'))?.seq, 7);
  });

  it('a failed batch is tried again, and a durable write reports the failure to its activity', async () => {
    let fail = 2;
    const flaky = {
      folios: Object.assign(Object.create(store.folios) as typeof store.folios, {
        appendEvents: async (events: Parameters<typeof store.folios.appendEvents>[0]) => {
          if (fail-- > 0) throw new Error('store away');
          return store.folios.appendEvents(events);
        },
      }),
    };
    const writer = new ProjectionWriter(flaky, { flushAfterMs: 1, logger: { warn() {} } as never });
    await assert.rejects(writer.writeNow(update(1, FolioStatus.Queued, 1, 'w-4')), /store away/);
    await writer.settled(); // the second failure, then the write
    assert.equal(writer.counters.failedBatches, 2);
    assert.equal((await store.folios.get('w-4'))?.status, FolioStatus.Queued);
    assert.deepEqual((await store.folios.timeline('w-4')).map((e) => e.seq), [1]);
  });

  it('a full batch of stored folios is written again without hanging FerretDB (it stalls on 100+ updates in flight)', async function () {
    this.timeout(60_000);
    // the writer's default batch is 200 folios; FerretDB 1.x on SQLite never answers a bulk of 100 or more
    // updates to stored documents, so a worker whose batch crossed that line stopped projecting for good
    const ids = Array.from({ length: 200 }, (_, i) => `b-${i}`);
    const first = await store.folios.projectMany(ids.map((id) => ({ folioId: id, seq: 1, set: update(1, FolioStatus.WaitingForCheckout, 0, id).set })));
    assert.ok(first.every(Boolean));
    const writer = new ProjectionWriter(store, { flushAfterMs: 1 });
    for (const id of ids) writer.write(update(2, FolioStatus.Queued, 1, id));
    await writer.settled();
    assert.equal(writer.counters.written, 200);
    assert.equal(writer.counters.failedBatches, 0);
    const stored = await Promise.all(ids.map((id) => store.folios.get(id)));
    assert.ok(stored.every((d) => d?.status === FolioStatus.Queued && d.seq === 2), 'every folio moved to its newer state');
  });

  it('list items are slim and "needs attention" is a stored flag the list filters by', async () => {
    await store.folios.projectMany([
      { folioId: 'l-1', seq: 1, set: { ...update(1, FolioStatus.NeedsReview, 0, 'l-1').set, clientId: 'lc', extracted: { confidence: {} } as never } },
      { folioId: 'l-2', seq: 1, set: { ...update(1, FolioStatus.Queued, 0, 'l-2').set, clientId: 'lc', attention: 'SLA breached' } },
      { folioId: 'l-3', seq: 1, set: { ...update(1, FolioStatus.Queued, 0, 'l-3').set, clientId: 'lc' } },
    ]);
    const needs = await store.folios.list({ clientId: 'lc', needsAttention: true }, { limit: 10 });
    assert.deepEqual(needs.items.map((i) => i.folioId), ['l-1', 'l-2']);
    const rest = await store.folios.list({ clientId: 'lc', needsAttention: false }, { limit: 10 });
    assert.deepEqual(rest.items.map((i) => i.folioId), ['l-3']);
    assert.ok(!('extracted' in needs.items[0]!) && !('request' in needs.items[0]!), 'no request or extraction in a list item');
    assert.deepEqual((await store.folios.get('l-1'))?.extracted, { confidence: {} }, 'one folio still reads its extraction');
    // the person acts, the flag follows
    await store.folios.project('l-2', 2, { ...update(2, FolioStatus.Queued, 0, 'l-2').set, clientId: 'lc' });
    assert.deepEqual((await store.folios.list({ clientId: 'lc', needsAttention: true }, { limit: 10 })).items.map((i) => i.folioId), ['l-1']);
  });
});
