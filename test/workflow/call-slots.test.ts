// The call-slot semaphore that dispatcher runs from before the lean-dispatch patch take their slots from (calls
// now take theirs in placeCall): slots granted up to the capacity, waiters served in order, a released slot
// passed on, a lost holder's lease expiring, a vanished requester not holding a slot.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { signalsSentBy, startHarness, terminateAll, until, type Harness } from '../helpers/workflow-harness';
import { LEASE_MS } from '../../workflows/call-slots';
import { acquireCallSlotSignal, callSlotsStateQuery, releaseCallSlotSignal } from '../../workflows/definitions';

describe('call slots workflow (time-skipping server)', function () {
  this.timeout(60_000);
  let h: Harness;
  /** The semaphores (and so the requesters) never end: ended with the file. */
  const running: string[] = [];

  before(async function () {
    this.timeout(180_000); // the first file bundles the workflows; a server starts
    h = await startHarness('call-slots', {});
  });
  after(async () => {
    await terminateAll(h.client, running);
    await h?.stop();
  });

  /**
   * A requester that exists and takes grants: a running workflow that never ends (a semaphore of its own; the
   * grant is a signal it has no handler for). Hotel dispatchers, the requesters of old, now end when idle.
   */
  async function requester(): Promise<string> {
    return (await slots(1)).workflowId;
  }

  async function slots(capacity: number): Promise<WorkflowHandle> {
    const handle = await h.client.workflow.start('callSlotsWorkflow', { args: [{ capacity }], taskQueue: h.taskQueue, workflowId: `call-slots:${randomUUID()}` });
    running.push(handle.workflowId);
    return handle;
  }

  const state = (s: WorkflowHandle) => s.query(callSlotsStateQuery);
  const settled = (s: WorkflowHandle, held: string[], waiting: string[]) =>
    until(() => state(s), (v) => JSON.stringify([v.held, v.waiting]) === JSON.stringify([held, waiting]), `held ${held} waiting ${waiting}`);

  it('grants up to the capacity, queues the rest in order, and passes a released slot to the next', async () => {
    const s = await slots(2);
    const [a, b, c, d] = [await requester(), await requester(), await requester(), await requester()];
    for (const [lease, wf] of [['la', a], ['lb', b], ['lc', c], ['ld', d]]) await s.signal(acquireCallSlotSignal, { leaseId: lease, workflowId: wf });
    await settled(s, ['la', 'lb'], ['lc', 'ld']);
    await s.signal(releaseCallSlotSignal, { leaseId: 'la' });
    await settled(s, ['lb', 'lc'], ['ld']);
    // a waiter that gives up before its turn leaves the queue
    await s.signal(releaseCallSlotSignal, { leaseId: 'ld' });
    await settled(s, ['lb', 'lc'], []);
    const grants = (await signalsSentBy(h.client, s.workflowId)).filter((g) => g.name === 'callSlotGranted');
    assert.deepEqual(
      grants.map((g) => [g.to, (g.arg as { leaseId: string }).leaseId]),
      [[a, 'la'], [b, 'lb'], [c, 'lc']],
      'each grant goes to its requester, once',
    );
  });

  it('grants a repeated request for a held slot again without taking a second slot', async () => {
    const s = await slots(1);
    const a = await requester();
    await s.signal(acquireCallSlotSignal, { leaseId: 'la', workflowId: a });
    await settled(s, ['la'], []);
    await s.signal(acquireCallSlotSignal, { leaseId: 'la', workflowId: a }); // an activity retry
    await until(async () => (await signalsSentBy(h.client, s.workflowId)).length, (n) => n === 2, 'the second grant');
    assert.deepEqual((await state(s)).held, ['la']);
  });

  it('a lease whose holder never releases it expires, and the slot goes to the next waiter', async () => {
    const s = await slots(1);
    const [a, b] = [await requester(), await requester()];
    await s.signal(acquireCallSlotSignal, { leaseId: 'lost', workflowId: a });
    await s.signal(acquireCallSlotSignal, { leaseId: 'next', workflowId: b });
    await settled(s, ['lost'], ['next']);
    await h.env.sleep(LEASE_MS - 60_000);
    assert.deepEqual((await state(s)).held, ['lost'], 'held until the lease runs out');
    await h.env.sleep(2 * 60_000);
    await settled(s, ['next'], []);
  });

  it('a requester that no longer exists does not keep the slot', async () => {
    const s = await slots(1);
    const b = await requester();
    await s.signal(acquireCallSlotSignal, { leaseId: 'ghost', workflowId: `hotel:gone-${randomUUID()}` });
    await s.signal(acquireCallSlotSignal, { leaseId: 'live', workflowId: b });
    await settled(s, ['live'], []);
  });
});
