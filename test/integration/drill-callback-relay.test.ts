// Fault drill, bounded and on loopback only: eight calls are in progress; their hotels' line floods the real
// API process with signed Twilio status callbacks (every one sent twice, as Twilio retries), each written to the
// callback inbox before it is answered (as when Temporal is slow) and the relay sending at most four at a time so
// a backlog builds; the API process is killed with SIGKILL while it relays, and
// started again. What the dead process left unanswered is sent again (as Twilio's connection retries would).
// Every callback must reach its call workflow exactly once: 0 lost, 0 applied twice — counted in the
// workflows' own histories, each signal decoded.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { dataConverter } from '../../temporal/data-converter';
import { edgeFor } from '../../temporal/edge';
import { callWorkflowType, type TwilioStatusMessage } from '../../workflows/definitions';
import { allDay } from '../helpers/dates';
import { ProjectionWriter } from '../../activities/projection-writer';
import { floodActivities, sleep, tally, type Placement } from '../helpers/flood';
import { drillLedger } from '../helpers/raw-db';
import { freePort, startMongo, startTemporal, workflowBundle } from '../helpers/stack';
import { startApiProcess, type ApiProcess } from '../helpers/api-process';
import { hex, send, twilioRequest } from '../helpers/webhook-client';
import { waitUntil } from '../helpers/inbox';

const CALLS = 8;
const PER_CALL = 60;
const COPIES = 2;
const IN_FLIGHT = 16;

describe('fault drills: the API killed while it relays callbacks', function () {
  this.timeout(420_000);
  let api: ApiProcess | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let client: Client | undefined;
  const callIds: string[] = [];
  after(async () => {
    await api?.kill('SIGTERM');
    for (const id of callIds) await client?.workflow.getHandle(id).terminate('drill over').catch(() => undefined);
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
  });

  it('SIGKILL of the API mid-relay: every accepted callback is applied exactly once', async () => {
    const [env, mongo] = await Promise.all([startTemporal(), startMongo()]);
    const run = randomUUID().slice(0, 6);
    const dbName = `relay_${process.pid}_${run}`;
    const db = mongo.client.db(dbName);
    const store = new Store(db);
    await store.ensureIndexes();
    const port = await freePort();
    const token = hex(16);
    const settings = {
      LOG_LEVEL: 'warn',
      MONGODB_URI: mongo.uri,
      MONGODB_DB: dbName,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: `relay-${run}`,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      TWILIO_ACCOUNT_SID: `AC${hex(16)}`,
      TWILIO_AUTH_TOKEN: token,
      TWILIO_FROM_NUMBER: '+15005550006',
      // every callback written down first (the path a slow or unreachable Temporal takes) and a small relay, so a
      // backlog is there to be interrupted; a short lease, so the next process takes it over
      RELAY_DIRECT_WAIT_MS: '0',
      RELAY_MAX_IN_FLIGHT: '4',
      RELAY_LEASE_SECONDS: '5',
    };
    const config = loadConfig(settings);
    const converter = dataConverter(config);
    client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter: converter });
    worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue: config.TEMPORAL_TASK_QUEUE, workflowBundle: await workflowBundle(), dataConverter: converter, activities: floodActivities(config, store, db, edgeFor(client, config), new ProjectionWriter(store)) });
    running = worker.run();

    // eight calls, each placed (the scripted line records it) and answered, so each waits for its conversation
    const hotel = { hotelId: `relay-${run}`, name: 'Relay Hotel', phone: '+441632960100', emails: [], timeZone: 'Europe/London', language: 'en' as const, businessHours: allDay, closedDates: [], channelPreference: 'phone-first' as const };
    for (let i = 0; i < CALLS; i++) {
      const callId = `call:relay-${run}:${i}`;
      callIds.push(callId);
      // each call its own line: one call at a time per number is the rule (activities/call-admission.ts)
      const line = { ...hotel, hotelId: `${hotel.hotelId}-${i}`, phone: `+4416329601${String(i).padStart(2, '0')}` };
      await client.workflow.start(callWorkflowType.name, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: callId, args: [{ callId, hotel: line, guests: [{ folioId: `f-${run}-${i}`, workflowId: `folio:drill:${run}-${i}`, guestName: 'Ada Lovelace', confirmationNumber: `RL${i}`, checkIn: '2026-01-01', checkOut: '2026-01-03' }], overflowSeconds: 900 }] });
    }
    const placements = drillLedger<Placement>(db, 'drill_calls');
    await waitUntil(async () => (await placements.countDocuments()) === CALLS, 120_000, 'every call to be placed');
    const lines = await placements.find().toArray();

    // every callback the hotels' lines send: each call's answer (sequence 1) first, as Twilio sends it, so no call
    // waits out its answer timeout behind the flood on a busy machine; then ringing reports 10 … 10+PER_CALL-1
    const callbacks = [1, ...Array.from({ length: PER_CALL }, (_, k) => 10 + k)].flatMap((sequence) => lines.map((p) => ({ p, sequence })));
    const expected = callbacks.length;
    const request = ({ p, sequence }: (typeof callbacks)[number]) =>
      twilioRequest(p.statusUrl, { AccountSid: config.TWILIO_ACCOUNT_SID!, CallSid: p.callSid, CallStatus: sequence === 1 ? 'in-progress' : 'ringing', SequenceNumber: String(sequence), Timestamp: new Date(0).toUTCString() }, { token });

    api = await startApiProcess(settings, port);
    const queue = callbacks.flatMap((c) => Array.from({ length: COPIES }, () => c));
    let accepted = 0;
    let unanswered = 0;
    let killedWith: Map<string, number> | undefined;
    let killing: Promise<void> | undefined;
    const flood = async () => {
      const workers = Array.from({ length: IN_FLIGHT }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const answer = await send(request(c)).catch(() => undefined);
          if (answer?.status === 204) accepted++;
          else {
            // not answered (the process died under it): sent again, as Twilio's retry would
            if (answer !== undefined) assert.fail(`a genuine callback was answered ${answer.status}: ${answer.text}`);
            unanswered++;
            queue.push(c);
            await sleep(100);
          }
          // kill once a third is in and the relay has a backlog; start a new process at once
          if (!killing && accepted >= (expected * COPIES) / 3) {
            killing = (async () => {
              killedWith = await store.callbacks.countByState();
              await api!.kill('SIGKILL');
              api = await startApiProcess(settings, port);
            })();
          }
        }
      });
      await Promise.all(workers);
    };
    await flood();
    await killing;
    if (queue.length) await flood(); // what came back to the queue while the new process started
    assert.ok(killedWith && (killedWith.get('pending') ?? 0) > 0, `the relay had a backlog when it was killed: ${JSON.stringify([...(killedWith ?? [])])}`);

    await waitUntil(async () => ((await store.callbacks.countByState()).get('pending') ?? 0) === 0, 180_000, 'the relay to deliver every accepted callback').catch(async (e: Error) => {
      // what still waits, and why: the last error and the attempts of each
      const waiting = await db.collection('callback_inbox').find({ state: 'pending' }).project({ attempts: 1, lastError: 1, lease: 1 }).toArray();
      const why = tally(waiting.map((c) => `${String(c.lastError ?? 'never tried').slice(0, 120)} (attempts ${c.attempts}${c.lease ? ', leased' : ''})`));
      throw new Error(`${e.message}: ${waiting.length} pending — ${JSON.stringify([...why])}`);
    });
    await sleep(1000);

    // ---- each call's history: every sequence exactly once ----
    const codec = converter.payloadCodecs![0]!;
    let lost = 0;
    let twice = 0;
    let applied = 0;
    for (const p of lines) {
      const events = (await client.workflow.getHandle(p.callId).fetchHistory()).events ?? [];
      const signals = events.flatMap((e) => (e.workflowExecutionSignaledEventAttributes?.signalName === 'twilioStatus' ? [e.workflowExecutionSignaledEventAttributes.input!.payloads!] : []));
      const sequences: number[] = [];
      for (const payloads of signals) sequences.push(defaultPayloadConverter.fromPayload<TwilioStatusMessage>((await codec.decode(payloads))[0]!).sequence);
      const counts = tally(sequences.map(String));
      for (const { sequence } of callbacks.filter((c) => c.p.callId === p.callId)) {
        const n = counts.get(String(sequence)) ?? 0;
        if (n === 0) lost++;
        if (n > 1) twice++;
      }
      applied += sequences.length;
    }
    const dead = (await store.callbacks.countByState()).get('dead') ?? 0;
    // told to a workflow that had already ended: a drill whose calls ended early would count these as lost
    const gone = await db.collection('callback_inbox').countDocuments({ outcome: 'gone' });
    process.stdout.write(
      `      drill: ${expected} callbacks (${expected * COPIES} signed requests, every one twice; ${unanswered} sends found the process dead or starting and were sent again); API killed with ${killedWith!.get('pending') ?? 0} waiting in the relay; ${applied} signals applied: ${lost} lost, ${twice} applied twice, ${dead} dead letters, ${gone} told to an ended call\n`,
    );
    assert.deepEqual({ lost, twice, dead, gone, applied }, { lost: 0, twice: 0, dead: 0, gone: 0, applied: expected });
  });
});
