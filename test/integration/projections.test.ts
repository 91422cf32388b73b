// The lifecycle activities against a real MongoDB-wire server (FerretDB), run in Temporal's
// MockActivityEnvironment: ordered, idempotent projections and a clear error for an unknown hotel.
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import type { TemporalEdge } from '../../temporal/edge';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { createLifecycleActivities } from '../../activities/lifecycle';
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

  const update = (seq: number, status: FolioStatus, events = 0): FolioProjectionUpdate => ({
    folioId: 'f-1',
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
    events: Array.from({ length: events }, (_, i) => ({ eventId: `f-1:${seq - events + i + 1}`, folioId: 'f-1', type: 'FolioQueuedForCall' as const, seq: seq - events + i + 1, at: new Date().toISOString() })),
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
});
