// The callback relay's two ways in, against the real Temporal dev server (reached through a loopback proxy that
// can stop forwarding, as a stalled network or a busy frontend would) and the real FerretDB: a callback that
// reaches its workflow at once is answered without being written down; one that does not get there in time is
// written to the callback inbox, answered, and applied once when it gets through; with the direct path off,
// every callback is written down first. Each is counted in the workflow's own history.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Store } from '../../adapters/mongo/store';
import { CallbackRelay } from '../../adapters/callbacks/relay';
import { createLogger } from '../../config/logger';
import { edgeFor } from '../../temporal/edge';
import { callWorkflowType, twilioStatusSignal } from '../../workflows/definitions';
import { startMongo, startTemporal } from '../helpers/stack';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { waitUntil } from '../helpers/inbox';

const EventType = temporal.api.enums.v1.EventType;
const silent = createLogger(undefined, 'silent');

describe('callback relay: straight to the workflow, or written down first', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let proxy: TcpProxy;
  let connection: Connection;
  let store: Store;
  const relays: CallbackRelay[] = [];

  before(async () => {
    const mongo = await startMongo();
    env = await startTemporal();
    store = new Store(mongo.client.db(`relay_direct_${process.pid}_${randomUUID().slice(0, 6)}`));
    await store.ensureIndexes();
    proxy = await startTcpProxy(Number(env.address.split(':').pop()));
    connection = await Connection.connect({ address: `127.0.0.1:${proxy.port}` });
  });
  after(async () => {
    for (const r of relays) await r.stop();
    proxy?.release();
    await connection?.close();
    await proxy?.close();
  });

  const relay = (directWaitMs: number) => {
    const edge = edgeFor(new Client({ connection, namespace: env.namespace ?? 'default' }), { TEMPORAL_TASK_QUEUE: 'unused' }, silent);
    const r = new CallbackRelay({ store, edge, logger: silent, maxInFlight: 4, leaseMs: 30_000, giveUpMs: 600_000, directWaitMs }).start();
    relays.push(r);
    return r;
  };
  // No worker: the call workflow's history alone shows which signals arrived, and how often.
  const startCall = async () => {
    const callId = `call-relay-${randomUUID()}`;
    await env.client.workflow.start(callWorkflowType.name, { taskQueue: `no-worker-${randomUUID()}`, workflowId: callId, args: [], workflowExecutionTimeout: '5 minutes' });
    return callId;
  };
  const statusesIn = async (callId: string) =>
    (await env.client.workflow.getHandle(callId).fetchHistory()).events!.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length;
  const status = (sequence: number) => ({ callSid: 'CA0123456789abcdef0123456789abcdef', status: 'ringing', sequence });

  it('a callback that reaches its workflow at once is answered as delivered and not written down; a repeat is recognised', async () => {
    const r = relay(2000);
    const callId = await startCall();
    assert.equal(await r.accept('twilio', callId, twilioStatusSignal, status(1)), 'delivered');
    assert.equal(await statusesIn(callId), 1);
    assert.deepEqual(await store.callbacks.forWorkflow(callId), [], 'nothing in the callback inbox');
    assert.equal(await r.accept('twilio', callId, twilioStatusSignal, status(1)), 'duplicate', "the vendor's retry of the same callback");
    assert.equal(await r.accept('twilio', callId, twilioStatusSignal, status(2)), 'delivered');
    assert.equal(await statusesIn(callId), 2);
  });

  it('one that does not reach its workflow in time is written down, answered, and applied once when it gets through', async () => {
    const r = relay(300);
    const callId = await startCall();
    proxy.hold();
    try {
      const t0 = Date.now();
      assert.equal(await r.accept('twilio', callId, twilioStatusSignal, status(5)), 'written');
      const waited = Date.now() - t0;
      assert.ok(waited >= 250 && waited < 5000, `answered after ${waited} ms: about the direct wait, not the signal's deadline`);
      const [cb] = await store.callbacks.forWorkflow(callId);
      assert.equal(cb?.state, 'pending', 'written down while its send is still out');
      assert.equal(await statusesIn(callId), 0);
    } finally {
      proxy.release();
    }
    await waitUntil(async () => (await store.callbacks.forWorkflow(callId))[0]?.state === 'delivered', 60_000, 'the relay to record the delivery');
    await new Promise((ok) => setTimeout(ok, 1000));
    assert.equal(await statusesIn(callId), 1, 'applied exactly once');
    assert.equal((await store.callbacks.forWorkflow(callId))[0]?.outcome, 'sent');
  });

  it('with the direct wait at 0 every callback is written down first and sent from the callback inbox', async () => {
    const r = relay(0);
    const callId = await startCall();
    assert.equal(await r.accept('twilio', callId, twilioStatusSignal, status(9)), 'written');
    assert.equal(await r.accept('twilio', callId, twilioStatusSignal, status(9)), 'duplicate');
    await waitUntil(async () => (await store.callbacks.forWorkflow(callId))[0]?.state === 'delivered', 60_000, 'the relay to deliver it');
    assert.equal(await statusesIn(callId), 1);
    assert.deepEqual(r.taken, { delivered: 0, written: 1, duplicate: 1 });
  });
});
