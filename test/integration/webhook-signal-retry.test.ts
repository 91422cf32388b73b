// A webhook's signal outlives a Temporal restart: the API answers the vendor at once and keeps trying the
// signal in the background, so a status callback that lands while Temporal is down is not lost.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { logger } from '../../config/logger';
import { edgeFor, GONE, TemporalUnavailableError, type RetryBudget } from '../../temporal/edge';
import { callWorkflowType, twilioStatusSignal } from '../../workflows/definitions';
import { startTemporalServer, type TemporalServer } from '../helpers/stack';

const EventType = temporal.api.enums.v1.EventType;
const quiet = logger.child({}, { level: 'silent' });

describe('webhook signals across a Temporal outage', function () {
  this.timeout(120_000);
  let server: TemporalServer;
  let connection: Connection;
  let client: Client;

  before(async () => {
    server = await startTemporalServer('signal-retry');
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  });

  after(async () => {
    await connection?.close();
    await server?.stop();
  });

  // No worker: the call workflow's history alone shows whether the signal arrived, and how often.
  const startCall = async () => {
    const callId = `call-retry-${randomUUID()}`;
    await client.workflow.start(callWorkflowType.name, { taskQueue: `no-worker-${randomUUID()}`, workflowId: callId, args: [] });
    return callId;
  };
  const deliver = (retry: RetryBudget, callId: string) => edgeFor(client, { TEMPORAL_TASK_QUEUE: 'unused' }, quiet).retrying(retry).send(callId, twilioStatusSignal, { callSid: 'CA1', status: 'completed', sequence: 3 });
  const signalsIn = async (callId: string) => (await client.workflow.getHandle(callId).fetchHistory()).events!.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length;

  it('a signal sent while Temporal is down is delivered once it is back', async () => {
    const callId = await startCall();
    await server.stop();
    const delivery = deliver({ maxMs: 60_000, firstDelayMs: 200 }, callId);
    await new Promise((r) => setTimeout(r, 3000));
    await server.start();
    assert.equal(await delivery, 'sent');
    // delivered, and not once per failed attempt: at least once, and a second time only when the server took an
    // attempt but its answer was lost as it came back (the client gives each attempt a new request id; the call
    // workflow applies a repeated status once, by its sequence: test/workflow/call.test.ts)
    const n = await signalsIn(callId);
    assert.ok(n >= 1 && n <= 2, `the signal arrived ${n} times`);
  });

  it('gives up after its budget, and says so, when Temporal stays down', async () => {
    const callId = await startCall();
    await server.stop();
    try {
      const t0 = Date.now();
      await assert.rejects(deliver({ maxMs: 1500, firstDelayMs: 200 }, callId), TemporalUnavailableError);
      assert.ok(Date.now() - t0 < 5_000, `bounded by its budget (1.5 s, attempts of at least 1 s): took ${Date.now() - t0} ms`);
    } finally {
      await server.start();
    }
    assert.equal(await signalsIn(callId), 0);
  });

  it('a callback for a call that does not exist answers GONE at once', async () => {
    assert.equal(await deliver({ maxMs: 60_000, firstDelayMs: 200 }, `call-none-${randomUUID()}`), GONE);
  });
});
