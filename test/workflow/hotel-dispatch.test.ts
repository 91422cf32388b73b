// One hotel's dispatcher: the batching window (on one deadline timer), business hours, a hotel change,
// withdrawals and continue-as-new. The real dispatcher, call and email workflows with the real
// lifecycle activities; scripted hotels at the vendor edge. What it told each folio is read from its history.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DispatchItem } from '../../domain/batching';
import { hotelDispatchWorkflowId, hotelSnapshot, type BatchGuest } from '../../domain/model';
import { callStateQuery, dispatchStateQuery, enqueueSignal, hotelUpdatedSignal, withdrawSignal, type BatchStartedMessage, type CallOutcomeMessage, type EmailSentMessage } from '../../workflows/definitions';
import { agrees, LifecycleWorld } from '../helpers/lifecycle-world';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createDevServer } from '../helpers/stack';
import { runsOf, signalsSentBy, until } from '../helpers/workflow-harness';

const WINDOW_MS = 60_000;
const POLICY = { windowMs: WINDOW_MS, maxGuestsPerCall: 2, maxGuestsPerEmail: 20 };

describe('hotel dispatch workflow (time-skipping server)', function () {
  this.timeout(120_000);
  let world: LifecycleWorld;

  before(async function () {
    this.timeout(180_000); // the first file bundles the workflows; a server starts
    // the global call cap is taken by the real placeCall (test/integration/telephony-calls.test.ts), not at this vendor edge
    world = await LifecycleWorld.create({ ownServer: true, config: { CALL_OVERFLOW_SECONDS: '60', CALL_MAX_GUESTS: '8' } });
  });
  after(async () => world?.stop());

  const client = () => world.client;
  const now = () => world.env.currentTimeMs();

  function guest(name = 'Ada Lovelace'): BatchGuest {
    const folioId = randomUUID();
    return { folioId, workflowId: `folio:dispatch-test:${folioId}`, guestName: name, confirmationNumber: `CNF-${folioId.slice(0, 6)}`, checkIn: '2026-07-01', checkOut: '2026-07-03' };
  }

  /** What the folio's enqueueAtHotel activity does: signal-with-start of the hotel's dispatcher. */
  async function enqueue(hotelId: string, item: DispatchItem, batchPolicy = POLICY) {
    return client().workflow.signalWithStart('hotelDispatchWorkflow', {
      workflowId: hotelDispatchWorkflowId(hotelId),
      taskQueue: world.config.TEMPORAL_TASK_QUEUE,
      args: [{ hotelId, batchPolicy, overflowSeconds: 60 }],
      signal: enqueueSignal,
      signalArgs: [item],
    });
  }

  async function hotel(partial: Parameters<LifecycleWorld['addHotel']>[0]) {
    const h = await world.addHotel(partial);
    world.scripts.set(h.hotelId, [{ line: 'human', say: agrees }]);
    return h;
  }

  /** Lets the dispatcher run until it ends (with nothing pending; the server skips the time to it). */
  const runToIdle = (hotelId: string) => client().workflow.getHandle(hotelDispatchWorkflowId(hotelId)).result();

  async function told(hotelId: string) {
    const sent = await signalsSentBy(client(), hotelDispatchWorkflowId(hotelId));
    const to = <T>(name: string, g: BatchGuest) => sent.filter((s) => s.name === name && s.to === g.workflowId).map((s) => s.arg as T);
    return {
      started: (g: BatchGuest) => to<BatchStartedMessage>('batchStarted', g),
      outcome: (g: BatchGuest) => to<CallOutcomeMessage>('callOutcome', g),
      emailed: (g: BatchGuest) => to<EmailSentMessage>('emailSent', g),
    };
  }

  const startedAt = async (workflowId: string) => (await client().workflow.getHandle(workflowId).describe()).startTime.getTime();

  it('folios due within the batching window are asked for in one call, and each hears its own outcome', async () => {
    const { hotelId } = await hotel({ hotelId: `window-${randomUUID().slice(0, 6)}` });
    world.scripts.set(hotelId, [{ line: 'human', say: (g) => (g.guestName.startsWith('Ada') ? { kind: 'agreed' } : { kind: 'no_such_booking' }) }]);
    const [a, b] = [guest('Ada Lovelace'), guest('Grace Hopper')];
    const t0 = await now();
    await enqueue(hotelId, { kind: 'call', guest: a });
    await world.env.sleep(30_000);
    await enqueue(hotelId, { kind: 'call', guest: b });
    await runToIdle(hotelId);

    const calls = world.callsTo(hotelId);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].input.guests.map((g) => g.folioId), [a.folioId, b.folioId]);
    const at = await startedAt(calls[0].input.callId);
    assert.ok(at >= t0 + WINDOW_MS && at < t0 + WINDOW_MS + 30_000, `called when the first folio's window closed (${at - t0} ms after it came)`);
    const t = await told(hotelId);
    for (const g of [a, b]) assert.deepEqual(t.started(g).map((m) => [m.kind, m.batchId]), [['call', calls[0].input.callId.replace(/^call:/, '')]]);
    assert.deepEqual(t.outcome(a).map((m) => [m.disposition, m.outcome]), [['conversation', { kind: 'agreed' }]]);
    assert.deepEqual(t.outcome(b).map((m) => [m.disposition, m.outcome]), [['conversation', { kind: 'no_such_booking' }]]);
    assert.equal(t.outcome(a)[0].call?.callSid, calls[0].callSid, 'the call course travels with the outcome');
  });

  it('a batch takes no more guests than a call may cover; the rest go in the next call', async () => {
    const { hotelId } = await hotel({ hotelId: `cap-${randomUUID().slice(0, 6)}` });
    const gs = [guest(), guest(), guest()];
    for (const g of gs) await enqueue(hotelId, { kind: 'call', guest: g });
    await runToIdle(hotelId);
    assert.deepEqual(
      world.callsTo(hotelId).map((c) => c.input.guests.map((g) => g.folioId)),
      [[gs[0].folioId, gs[1].folioId], [gs[2].folioId]],
    );
  });

  it('a call waits for the hotel to open; a written request to the closed hotel does not', async () => {
    const hour = new Date(await now()).getUTCHours();
    const open = (hour + 2) % 24;
    const hh = (x: number) => `${String(x).padStart(2, '0')}:00`;
    const window = [{ open: hh(open), close: open === 23 ? '24:00' : hh(open + 1) }];
    const { hotelId } = await hotel({ hotelId: `hours-${randomUUID().slice(0, 6)}`, timeZone: 'UTC', businessHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, window])) });
    const [byPhone, byEmail] = [guest(), guest()];
    await enqueue(hotelId, { kind: 'call', guest: byPhone });
    await enqueue(hotelId, { kind: 'email', guest: byEmail });
    const handle = client().workflow.getHandle(hotelDispatchWorkflowId(hotelId));
    await world.env.sleep(WINDOW_MS + 5_000);
    const waiting = await until(() => handle.query(dispatchStateQuery), (s) => !!s.waitingFor?.startsWith('business hours'), 'the dispatcher waiting for the hotel to open');
    assert.deepEqual(waiting.pending.map((p) => p.guest.folioId), [byPhone.folioId], 'the email went; the call waits');
    await runToIdle(hotelId);

    const t = await told(hotelId);
    const openAt = t.started(byPhone)[0].deferredUntil!;
    assert.equal(new Date(openAt).getUTCHours(), open);
    assert.ok((await startedAt(world.callsTo(hotelId)[0].input.callId)) >= openAt, 'called once the hotel opened');
    assert.equal(t.started(byEmail)[0].deferredUntil, undefined);
    const emailId = world.emails.find((e) => e.hotel.hotelId === hotelId)!.emailId;
    assert.ok((await startedAt(emailId)) < openAt, 'the written request went while the hotel was closed');
    assert.deepEqual(t.emailed(byEmail).map((m) => [m.kind, m.emailId]), [['request', emailId]]);
  });

  it('a hotel that never opens gets no call: each folio hears the attempt failed and its chase policy decides', async () => {
    const { hotelId } = await hotel({ hotelId: `never-${randomUUID().slice(0, 6)}`, businessHours: {} });
    const g = guest();
    await enqueue(hotelId, { kind: 'call', guest: g });
    await runToIdle(hotelId);
    assert.equal(world.callsTo(hotelId).length, 0);
    assert.deepEqual((await told(hotelId)).outcome(g).map((m) => [m.callId, m.disposition]), [[`none:${hotelId}`, 'failed']]);
  });

  it('keeps one deadline timer through the signals of a batching window, asks nobody for a call slot (the call takes its own as it dials), and ends with nothing pending', async () => {
    const { hotelId } = await hotel({ hotelId: `one-timer-${randomUUID().slice(0, 6)}` });
    const gs = [guest('Ada Lovelace'), guest('Grace Hopper'), guest('Alan Turing')];
    for (const g of gs) {
      await enqueue(hotelId, { kind: 'call', guest: g }, { ...POLICY, maxGuestsPerCall: 8 });
      await world.env.sleep(10_000);
    }
    await runToIdle(hotelId);

    assert.deepEqual(world.callsTo(hotelId).map((c) => c.input.guests.map((g) => g.folioId)), [gs.map((g) => g.folioId)]);
    const events = (await client().workflow.getHandle(hotelDispatchWorkflowId(hotelId)).fetchHistory()).events ?? [];
    // the window's timer, not restarted by the two enqueues that came during it; no idle wait after the call
    assert.equal(events.filter((e) => e.timerStartedEventAttributes).length, 1, 'timers started');
    const activities = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(activities.filter((a) => /CallSlot/.test(a)), [], 'no call-slot round trip');
  });

  it("tells a batch's folios in one workflow task each time, not one task per folio", async () => {
    const { hotelId } = await hotel({ hotelId: `at-once-${randomUUID().slice(0, 6)}` });
    const gs = [guest('Ada Lovelace'), guest('Grace Hopper'), guest('Alan Turing'), guest('Edsger Dijkstra')];
    for (const g of gs) await enqueue(hotelId, { kind: 'call', guest: g }, { ...POLICY, maxGuestsPerCall: 8 });
    await runToIdle(hotelId);

    const t = await told(hotelId);
    for (const g of gs) assert.equal(t.started(g).length + t.outcome(g).length, 2, `${g.guestName} heard the batch start and its outcome`);
    // the signals a workflow task sends sit between its WorkflowTaskCompleted and the next one: a run of 4 per batch message
    const events = (await client().workflow.getHandle(hotelDispatchWorkflowId(hotelId)).fetchHistory()).events ?? [];
    const runs: number[] = [];
    let inTask = 0;
    for (const e of events) {
      if (e.workflowTaskCompletedEventAttributes) {
        if (inTask) runs.push(inTask);
        inTask = 0;
      } else if (e.signalExternalWorkflowExecutionInitiatedEventAttributes) inTask++;
    }
    if (inTask) runs.push(inTask);
    assert.deepEqual(runs, [4, 4], 'batch started, then the call outcomes: each sent by one task');
    assert.ok(events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch'), 'the patch marker is in the history');
  });

  describe('call once, email the rest', () => {
    const HOLDS_MS = 12 * 3_600_000;
    const policy = { ...POLICY, maxGuestsPerCall: 1, emailAfterAgreementMs: HOLDS_MS };

    it('after the desk agreed on the phone, the first-time call items still pending go as one written request that says so; the others are called', async () => {
      const { hotelId } = await hotel({ hotelId: `agreed-${randomUUID().slice(0, 6)}` });
      world.scripts.set(hotelId, [{ line: 'human', say: () => ({ kind: 'agreed', email: `folios@${hotelId}.example` }) }]);
      const [first, b, c, callback] = [guest('Ada Lovelace'), guest('Grace Hopper'), guest('Alan Turing'), guest('Edsger Dijkstra')];
      await enqueue(hotelId, { kind: 'call', guest: first, mayGoInWriting: true }, policy);
      await enqueue(hotelId, { kind: 'call', guest: b, mayGoInWriting: true }, policy);
      await enqueue(hotelId, { kind: 'call', guest: c, mayGoInWriting: true }, policy);
      // e.g. the call back a hotel asked for: it says something particular, and is called
      await enqueue(hotelId, { kind: 'call', guest: callback }, policy);
      await runToIdle(hotelId);

      const calls = world.callsTo(hotelId);
      assert.deepEqual(calls.map((x) => x.input.guests.map((g) => g.folioId)), [[first.folioId], [callback.folioId]]);
      const emails = world.emails.filter((e) => e.hotel.hotelId === hotelId);
      assert.equal(emails.length, 1, 'one written request for the rest');
      assert.deepEqual(emails[0].guests.map((g) => g.folioId), [b.folioId, c.folioId]);
      assert.equal(emails[0].kind, 'request');
      assert.equal(emails[0].followsCall?.callId, calls[0].input.callId, 'it refers to the call on which the desk agreed');
      assert.deepEqual(emails[0].guests.map((g) => g.writeTo), [`folios@${hotelId}.example`, `folios@${hotelId}.example`], 'to the address given on that call');
      const t = await told(hotelId);
      for (const g of [b, c]) {
        assert.deepEqual(t.started(g).map((m) => m.kind), ['email']);
        assert.deepEqual(t.emailed(g).map((m) => m.emailId), [emails[0].emailId]);
        assert.deepEqual(t.outcome(g), [], 'no call outcome for a folio asked in writing');
      }
    });

    it('a later dispatcher starts from the agreement the hotel record keeps, and calls again once it is too old', async () => {
      const { hotelId } = await hotel({ hotelId: `agreed-later-${randomUUID().slice(0, 6)}` });
      const recent = guest('Grace Hopper');
      await client().workflow.signalWithStart('hotelDispatchWorkflow', {
        workflowId: hotelDispatchWorkflowId(hotelId),
        taskQueue: world.config.TEMPORAL_TASK_QUEUE,
        args: [{ hotelId, batchPolicy: policy, overflowSeconds: 60, agreement: { callId: 'call:earlier', at: (await now()) - 3_600_000 } }],
        signal: enqueueSignal,
        signalArgs: [{ kind: 'call', guest: recent, mayGoInWriting: true }],
      });
      await runToIdle(hotelId);
      assert.equal(world.callsTo(hotelId).length, 0);
      assert.deepEqual(world.emails.filter((e) => e.hotel.hotelId === hotelId).map((e) => [e.followsCall?.callId, e.guests.map((g) => g.folioId)]), [['call:earlier', [recent.folioId]]]);

      const stale = guest('Alan Turing');
      await client().workflow.signalWithStart('hotelDispatchWorkflow', {
        workflowId: hotelDispatchWorkflowId(hotelId),
        taskQueue: world.config.TEMPORAL_TASK_QUEUE,
        args: [{ hotelId, batchPolicy: policy, overflowSeconds: 60, agreement: { callId: 'call:earlier', at: (await now()) - HOLDS_MS - 60_000 } }],
        signal: enqueueSignal,
        signalArgs: [{ kind: 'call', guest: stale, mayGoInWriting: true }],
      });
      await runToIdle(hotelId);
      assert.deepEqual(world.callsTo(hotelId).map((x) => x.input.guests.map((g) => g.folioId)), [[stale.folioId]]);
    });

    it('an address the hotel refuses ends the agreement: the next folio is called', async () => {
      const { hotelId } = await hotel({ hotelId: `agreed-refused-${randomUUID().slice(0, 6)}` });
      world.emailScripts.set(hotelId, 'reject');
      const [first, second, third] = [guest('Ada Lovelace'), guest('Grace Hopper'), guest('Alan Turing')];
      for (const g of [first, second, third]) await enqueue(hotelId, { kind: 'call', guest: g, mayGoInWriting: true }, { ...policy, maxGuestsPerEmail: 1 });
      await runToIdle(hotelId);
      assert.deepEqual(world.callsTo(hotelId).map((x) => x.input.guests.map((g) => g.folioId)), [[first.folioId], [third.folioId]]);
      assert.deepEqual(world.emails.filter((e) => e.hotel.hotelId === hotelId).map((e) => e.guests.map((g) => g.folioId)), [[second.folioId]]);
      assert.deepEqual((await told(hotelId)).emailed(second).map((m) => m.rejected), ['550 mailbox unavailable']);
    });
  });

  it('a hotel changed mid-wait is called with its new details', async () => {
    const h = await hotel({ hotelId: `changed-${randomUUID().slice(0, 6)}` });
    await enqueue(h.hotelId, { kind: 'call', guest: guest() });
    await client().workflow.getHandle(hotelDispatchWorkflowId(h.hotelId)).signal(hotelUpdatedSignal, hotelSnapshot({ ...h, phone: '+441632960999' }));
    await runToIdle(h.hotelId);
    assert.deepEqual(world.callsTo(h.hotelId).map((c) => c.input.hotel.phone), ['+441632960999']);
  });

});

// On a dev server of its own: the Java time-skipping server reports no history length to the worker and never
// suggests continue-as-new (this one suggests it after a few hundred events, as a real one does after thousands),
// and it mishandles the cancellation race of a call hung up mid-way.
describe('hotel dispatch workflow (dev server)', function () {
  this.timeout(120_000);
  let world: LifecycleWorld;
  let env: TestWorkflowEnvironment;

  before(async function () {
    this.timeout(180_000); // the first file bundles the workflows; a server starts
    env = await createDevServer({ 'limit.historyCount.suggestContinueAsNew': 300 });
    world = await LifecycleWorld.create({ env, config: { CALL_OVERFLOW_SECONDS: '60', CALL_MAX_GUESTS: '8' } });
  });
  after(async () => {
    await world?.stop();
    await env?.teardown();
  });

  it('continues as new before its history grows large, carrying the pending work and the batch count', async () => {
    const hotelId = `long-${randomUUID().slice(0, 6)}`;
    await world.addHotel({ hotelId });
    world.scripts.set(hotelId, [{ line: 'human', say: agrees }]);
    const folioId = randomUUID();
    const g: BatchGuest = { folioId, workflowId: `folio:dispatch-test:${folioId}`, guestName: 'Ada Lovelace', confirmationNumber: 'CNF-9', checkIn: '2026-07-01', checkOut: '2026-07-03' };
    const later = Date.now() + 3_600_000; // not due while the signals pour in
    const handle = await world.client.workflow.signalWithStart('hotelDispatchWorkflow', {
      workflowId: hotelDispatchWorkflowId(hotelId),
      taskQueue: world.config.TEMPORAL_TASK_QUEUE,
      args: [{ hotelId, batchPolicy: { ...POLICY, windowMs: 1_000 }, overflowSeconds: 60 }],
      signal: enqueueSignal,
      signalArgs: [{ kind: 'call', guest: g, notBefore: later }],
    });
    const firstRun = (await handle.describe()).runId;
    // every enqueue of the same folio replaces it (keeping its place and first-seen time) and wakes the loop
    for (let sent = 0; (await handle.describe()).runId === firstRun; sent += 20) {
      assert.ok(sent < 1_000, `the dispatcher continued as new by now (history ${(await handle.describe()).historyLength} events)`);
      for (let i = 0; i < 20; i++) await handle.signal(enqueueSignal, { kind: 'call', guest: g, notBefore: later });
    }
    const carried = await until(() => handle.query(dispatchStateQuery), (s) => s.pending.length > 0, 'the new run answering');
    assert.deepEqual(carried.pending.map((p) => [p.guest.folioId, p.notBefore]), [[folioId, later]]);
    assert.equal(carried.batchesRun, 0);
    // now due: the new run calls once
    await handle.signal(enqueueSignal, { kind: 'call', guest: g });
    const call = await until(() => world.callsTo(hotelId)[0], (c) => !!c, 'the call placed', 60_000);
    await world.client.workflow.getHandle(call.input.callId).result();
    assert.deepEqual(call.input.guests.map((x) => x.folioId), [folioId]);
    assert.match(call.input.callId, /:1$/, 'the first batch of the hotel, whatever the run');
    assert.ok((await runsOf(world.client, hotelDispatchWorkflowId(hotelId))).length >= 2);
    // with nothing pending after its call the dispatcher ends by itself, possibly before this line: stop it if not
    await handle.terminate('test over').catch((e: unknown) => {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    });
  });

  it('a withdrawn folio is left out; withdrawing every folio of a running call hangs it up', async () => {
    const hotelId = `withdrawn-${randomUUID().slice(0, 6)}`;
    await world.addHotel({ hotelId });
    world.scripts.set(hotelId, [{ line: 'human-stalls' }]);
    const guest = (): BatchGuest => {
      const folioId = randomUUID();
      return { folioId, workflowId: `folio:dispatch-test:${folioId}`, guestName: 'Ada Lovelace', confirmationNumber: 'CNF-7', checkIn: '2026-07-01', checkOut: '2026-07-03' };
    };
    const [gone, stays] = [guest(), guest()];
    const enqueue = (g: BatchGuest) =>
      world.client.workflow.signalWithStart('hotelDispatchWorkflow', {
        workflowId: hotelDispatchWorkflowId(hotelId),
        taskQueue: world.config.TEMPORAL_TASK_QUEUE,
        args: [{ hotelId, batchPolicy: { ...POLICY, windowMs: 2_000 }, overflowSeconds: 120 }],
        signal: enqueueSignal,
        signalArgs: [{ kind: 'call', guest: g }],
      });
    const handle = await enqueue(gone);
    await enqueue(stays);
    await handle.signal(withdrawSignal, { folioId: gone.folioId });
    const call = await until(() => world.callsTo(hotelId)[0], (c) => !!c, 'the call placed', 60_000);
    assert.deepEqual(call.input.guests.map((g) => g.folioId), [stays.folioId]);
    const onThePhone = (st: { callSid?: string; status: string }) => !!st.callSid && st.status === 'in-progress';
    await until(() => world.client.workflow.getHandle(call.input.callId).query(callStateQuery), onThePhone, 'the hotel on the phone');
    await handle.signal(withdrawSignal, { folioId: stays.folioId });
    const told = await until(
      async () => (await signalsSentBy(world.client, hotelDispatchWorkflowId(hotelId))).filter((m) => m.name === 'callOutcome'),
      (sent) => sent.length > 0,
      'the outcome routed',
      60_000,
    );
    assert.equal(call.ended, 'cancelled', 'hung up');
    assert.deepEqual(told.map((m) => [m.to, (m.arg as CallOutcomeMessage).disposition]), [[stays.workflowId, 'canceled']]);
    await handle.result(); // nothing pending any more: the dispatcher ends by itself
  });
});
