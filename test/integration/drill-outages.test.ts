// Outage drills, bounded and on loopback only: (1) the worker process is killed with SIGKILL three times
// while calls are in progress and started again each time; (2) the MongoDB-wire store is stopped for
// 30 s mid-run; (3) the Temporal dev server is stopped while calls are in progress and started again on
// the same database. Every folio must still complete, no folio is called about twice, nothing is lost,
// the projections agree with the workflows, and the API answers 503 (not a crash) while a dependency is
// down.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { createApp } from '../../api/app';
import { createOpsApp } from '../../api/ops';
import { createMetrics } from '../../observability/metrics';
import { listenLoopback, portOf } from '../helpers/api';
import { ApiKeys } from '../../api/auth';
import { loadConfig } from '../../config';
import { edgeFor } from '../../temporal/edge';
import { drillLedger } from '../helpers/raw-db';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { FolioStatus, folioWorkflowId, type FolioRequest } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { folioWorkflowType, agentToolSignal, documentReceivedSignal, type FolioState, folioStateQuery, recordingReadySignal, twilioStatusSignal } from '../../workflows/definitions';
import { allDay, daysFromNow } from '../helpers/lifecycle-world';
import { freePort, ROOT, startMongo, startProcess, startTemporal, startTemporalServer, tempDir, tool, workflowBundle } from '../helpers/stack';
import { portOpen } from '../../scripts/supervisor';
import { sqliteStoreArgs } from '../../scripts/ferretdb/args';
import { until } from '../helpers/workflow-harness';

const quiet = logger.child({}, { level: 'silent' });

interface ApiAnswer {
  status: number;
  code?: string;
}

interface DrillContext {
  states: (FolioState | undefined)[];
  restartWorker(kill: 'SIGKILL'): Promise<void>;
  elapsedMs: number;
  /** The real API over the drill's store and Temporal, with an operator key; a request that gets no HTTP answer is status 0. */
  api(method: 'GET' | 'POST', path: string): Promise<ApiAnswer>;
  /** A folio of the drill (its id), for API requests about one folio. */
  folioId: string;
}

interface Disruption {
  /** Called every half second with the folios' states; returns true while it still has work to do. */
  step(ctx: DrillContext): Promise<boolean>;
  /** A line for the test output. */
  summary(): string;
}

// The suite runs the drills small; bench/drills.sh runs them longer and bigger through these.
const SCALE = {
  hotels: Number(process.env.DRILL_HOTELS ?? 4),
  guests: Number(process.env.DRILL_GUESTS ?? 3),
  kills: Number(process.env.DRILL_KILLS ?? 3),
  storeDownMs: Number(process.env.DRILL_STORE_DOWN_SECONDS ?? 30) * 1000,
  temporalDownMs: Number(process.env.DRILL_TEMPORAL_DOWN_SECONDS ?? 15) * 1000,
  boundMs: Number(process.env.DRILL_SECONDS ?? 240) * 1000,
};
const GUESTS: [string, string][] = [['Ada', 'Lovelace'], ['Grace', 'Hopper'], ['Alan', 'Turing'], ['Edsger', 'Dijkstra'], ['Barbara', 'Liskov'], ['Donald', 'Knuth']];

describe('fault drills', function () {
  this.timeout(SCALE.boundMs + 60_000);

  it(`worker SIGKILLed ${SCALE.kills} times during calls: every folio completes once, projections agree`, async () => {
    let kills = 0;
    await drill(
      sharedTemporal,
      async () => (await startMongo()).uri,
      {
        async step({ states, restartWorker, elapsedMs }) {
          const calling = states.some((s) => s?.status === FolioStatus.Calling);
          if (kills < SCALE.kills && (calling || elapsedMs > 4_000 * (kills + 1))) {
            await restartWorker('SIGKILL');
            kills++;
          }
          return kills < SCALE.kills;
        },
        summary: () => `${kills} SIGKILLs`,
      },
    );
    assert.equal(kills, SCALE.kills);
  });

  it(`the store is down for ${SCALE.storeDownMs / 1000} s mid-run: the lifecycle waits it out and loses nothing`, async () => {
    // a store of this drill's own, so stopping it touches no other test
    const port = await freePort();
    const dir = tempDir('drill-store');
    const args = [...sqliteStoreArgs(dir), `--state-dir=${dir}`, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', '--telemetry=disable', '--log-level=error'];
    let ferret = startProcess(tool('ferretdb'), args);
    let phase: 'before' | 'down' | 'up' = 'before';
    let downAt = 0;
    let downFor = 0;
    const whileDown: ApiAnswer[] = [];
    await drill(
      sharedTemporal,
      async () => {
        const uri = `mongodb://127.0.0.1:${port}/`;
        for (let i = 0; i < 100 && !(await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 100));
        return uri;
      },
      {
        async step({ states, api, folioId }) {
          if (phase === 'before' && states.some((s) => s && s.status !== FolioStatus.WaitingForCheckout)) {
            ferret.kill('SIGTERM');
            await new Promise((r) => ferret.once('exit', r));
            phase = 'down';
            downAt = Date.now();
            // what a client and an operator see while the store is down
            whileDown.push(await api('GET', '/health/ready'), await api('GET', '/v1/folios?limit=5'), await api('GET', `/v1/folios/${folioId}`));
          } else if (phase === 'down' && Date.now() - downAt >= SCALE.storeDownMs) {
            ferret = startProcess(tool('ferretdb'), args);
            phase = 'up';
            downFor = Date.now() - downAt;
          }
          return phase !== 'up';
        },
        summary: () => `store down for ${(downFor / 1000).toFixed(1)} s, the API answered ${whileDown.map((a) => `${a.status}${a.code ? ` ${a.code}` : ''}`).join(' / ')} meanwhile`,
      },
      { storeDownTolerant: true },
    );
    assert.equal(phase, 'up');
    assert.deepEqual(
      whileDown.map((a) => [a.status, a.code]),
      [
        [503, undefined],
        [503, 'store_unavailable'],
        [503, 'store_unavailable'],
      ],
      'readiness, the list and a folio answered 503 while the store was down',
    );
  });

  it('the Temporal dev server is restarted while calls are in progress: every folio completes once', async () => {
    const server = await startTemporalServer('drill-temporal');
    const connection = await Connection.connect({ address: server.address });
    let phase: 'before' | 'down' | 'up' = 'before';
    let downFor = 0;
    const whileDown: ApiAnswer[] = [];
    try {
      await drill(
        async () => ({ address: server.address, client: new Client({ connection }) }),
        async () => (await startMongo()).uri,
        {
          async step({ states, api, folioId }) {
            if (phase === 'before' && states.some((s) => s?.status === FolioStatus.Calling)) {
              const downAt = Date.now();
              await server.stop();
              phase = 'down';
              // an operator's action needs Temporal: refused with 503; reading the projections still works
              whileDown.push(await api('GET', '/health/ready'), await api('POST', `/v1/folios/${folioId}/retry`), await api('GET', `/v1/folios/${folioId}`));
              await new Promise((r) => setTimeout(r, Math.max(0, SCALE.temporalDownMs - (Date.now() - downAt))));
              await server.start();
              downFor = Date.now() - downAt;
              phase = 'up';
            }
            return phase !== 'up';
          },
          summary: () => `Temporal down for ${(downFor / 1000).toFixed(1)} s, the API answered ${whileDown.map((a) => `${a.status}${a.code ? ` ${a.code}` : ''}`).join(' / ')} meanwhile`,
        },
        { temporalDownTolerant: true },
      );
    } finally {
      await connection.close();
      await server.stop();
    }
    assert.equal(phase, 'up');
    assert.deepEqual(
      whileDown.map((a) => [a.status, a.code]),
      [
        [503, undefined],
        [503, 'temporal_unavailable'],
        [200, undefined],
      ],
      'readiness and an operator action answered 503 while Temporal was down; the projection still read',
    );
  });
});

interface TemporalTarget {
  address: string;
  client: Client;
}

async function sharedTemporal(): Promise<TemporalTarget> {
  const env = await startTemporal();
  return { address: env.address, client: env.client };
}

async function drill(temporalTarget: () => Promise<TemporalTarget>, storeUri: () => Promise<string>, disruption: Disruption, opts: { storeDownTolerant?: boolean; temporalDownTolerant?: boolean } = {}): Promise<void> {
  const env = await temporalTarget();
  const mongoUri = await storeUri();
  const client = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 2000 });
  await client.connect();
  const dbName = `drill_${process.pid}_${randomUUID().slice(0, 6)}`;
  const db = client.db(dbName);
  const store = new Store(db);
  const placements = drillLedger<{ callId: string; callSid: string; hotelId: string; folioIds: string[] }>(db, 'drill_calls');
  await store.ensureIndexes();
  const taskQueue = `drill-${randomUUID()}`;
  const api = await startDrillApi(store, env.client, taskQueue);
  const bundlePath = path.join(tempDir('drill'), 'workflows.js');
  writeFileSync(bundlePath, (await workflowBundle()).code);
  const childEnv = {
    TEMPORAL_ADDRESS: env.address,
    MONGODB_URI: mongoUri,
    MONGODB_DB: dbName,
    TEMPORAL_TASK_QUEUE: taskQueue,
    BATCH_WINDOW_SECONDS: '1',
    DRILL_BUNDLE: bundlePath,
    LOG_LEVEL: 'warn',
  };
  let workerLog = '';
  const startWorker = async (): Promise<ChildProcess> => {
    const child = startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/drill-worker.ts')], { env: childEnv, cwd: ROOT });
    const keep = (b: Buffer) => void (workerLog = (workerLog + b.toString()).slice(-3000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => b.toString().includes('worker ready') && resolve());
      child.once('exit', (code) => reject(new Error(`drill worker exited (${code}) before it was ready`)));
    });
    return child;
  };

  // hotels × guests (4 × 3 in the suite): each hotel's folios are asked for in one call
  const requests: FolioRequest[] = [];
  for (let h = 0; h < SCALE.hotels; h++) {
    const hotelId = `drill-${dbName.slice(-6)}-${h}`; // dispatcher ids are per hotel: unique per drill
    await store.hotels.upsert(HotelConfig.parse({ hotelId, name: `Drill ${h}`, phone: `+4416329600${h}0`, timeZone: 'Europe/London', country: 'GB', emails: [`desk@${hotelId}.example`], businessHours: allDay }));
    for (let g = 0; g < SCALE.guests; g++) {
      requests.push({
        folioId: randomUUID(),
        clientId: 'drill',
        clientReference: `drill-${dbName.slice(-6)}-${h}-${g}`, // unique per drill: an earlier drill's runs may still be closing
        hotelId,
        guest: { firstName: GUESTS[g % GUESTS.length]![0], lastName: `${GUESTS[g % GUESTS.length]![1]}${g >= GUESTS.length ? `-${g}` : ''}`, additionalNames: [] },
        confirmationNumber: `DR${h}${g}00${h}`,
        checkIn: daysFromNow(-4),
        checkOut: daysFromNow(-2),
        delivery: {},
        priority: 'normal',
        receivedAt: new Date().toISOString(),
      });
    }
  }

  let worker = await startWorker();
  const restartWorker = async (signal: 'SIGKILL') => {
    worker.kill(signal);
    await new Promise((r) => worker.once('exit', r));
    worker = await startWorker();
  };
  for (const req of requests) {
    await env.client.workflow.start(folioWorkflowType.name, { args: [req, { checkoutGraceHours: 0 }], taskQueue, workflowId: folioWorkflowId(req.clientId, req.clientReference) });
  }
  const handle = (req: FolioRequest) => env.client.workflow.getHandle(folioWorkflowId(req.clientId, req.clientReference));
  const deadline = Date.now() + SCALE.boundMs;
  const documents = store.documents;
  const sent = new Set<string>();
  let disrupting = true;
  const started = Date.now();
  // the hotels' side of each call: rings, a person answers, talks a while (the kills land here), agrees
  const played = new Set<string>();
  let seq = 0;
  const playCall = async (c: { callId: string; callSid: string; folioIds: string[] }) => {
    // each callback's signal is retried until Temporal takes it, as our webhook endpoints do
    const send = async <A extends unknown[]>(def: SignalDefinition<A>, ...args: A) => {
      const retry = { maxMs: Math.max(0, deadline - Date.now()), firstDelayMs: 500 };
      assert.equal(await edgeFor(env.client, { TEMPORAL_TASK_QUEUE: taskQueue }, quiet).retrying(retry).send(c.callId, def, ...args), 'sent', `${def.name} to ${c.callId} by the drill's deadline`);
    };
    const status = (s: string, answeredBy?: string) => send(twilioStatusSignal, { callSid: c.callSid, status: s, sequence: ++seq, answeredBy });
    await status('ringing');
    await status('in-progress', 'human');
    await new Promise((r) => setTimeout(r, 1500));
    for (const folioId of c.folioIds) await send(agentToolSignal, { toolCallId: `${c.callSid}:${folioId}`, folioId, outcome: { kind: 'agreed' } });
    await send(recordingReadySignal, { recordingSid: `RE${c.callSid}`, recordingUrl: 'https://recordings.invalid/x', durationSeconds: 30 });
    await status('completed');
  };
  const hotels: Promise<void>[] = [];
  let last: unknown[] = [];
  const queryErrors = new Map<string, string>();
  for (;;) {
    const placedCalls = await placements
      .find()
      .toArray()
      .catch((e: unknown) => {
        if (opts.storeDownTolerant) return []; // the store is down: the hotels hear nothing new meanwhile
        throw e;
      });
    for (const c of placedCalls) {
      if (played.has(c.callId)) continue;
      played.add(c.callId);
      hotels.push(playCall(c));
    }
    if (Date.now() >= deadline) assert.fail(`folios did not all complete within ${SCALE.boundMs / 1000} s of the drill: ${JSON.stringify(last)}\n${await diagnose(requests.map(handle), workerLog)}`);
    // the hotels email the folios they promised (as the inbox monitor would signal them)
    const states = await Promise.all(
      requests.map((r) =>
        handle(r)
          .query(folioStateQuery)
          .catch((e: unknown) => void queryErrors.set(r.folioId, e instanceof Error ? e.message : String(e))),
      ),
    );
    for (const [i, s] of states.entries()) {
      const req = requests[i]!;
      if (s?.status === FolioStatus.AwaitingEmail && !sent.has(req.folioId)) {
        const pdf = await renderFolioPdf({ hotelName: `Drill`, guests: [req.guest], arrival: req.checkIn, departure: req.checkOut, folioNumber: `F${req.confirmationNumber}`, confirmationNumber: req.confirmationNumber, currency: 'GBP', nightlyRate: 150, taxRate: 0.2, layout: 'classic' });
        const ref = await documents.save(pdf, { source: 'email', filename: 'folio.pdf' }).catch(() => undefined);
        if (!ref) continue; // the store is down: the inbox monitor would retry the message later, so do we
        const delivered = await handle(req)
          .signal(documentReceivedSignal, ref)
          .then(() => true)
          .catch((e: unknown) => {
            if (opts.temporalDownTolerant) return false; // Temporal is down: the inbox monitor would signal again later, so do we
            throw e;
          });
        if (delivered) sent.add(req.folioId);
      }
    }
    last = states.map((s, i) => (s ? `${s.status}: ${s.history.map((h) => h.status).join('>')}` : `unqueryable (${queryErrors.get(requests[i]!.folioId)})`));
    if (states.every((s) => s?.status === FolioStatus.Completed)) break;
    if (disrupting) disrupting = await disruption.step({ states, restartWorker, elapsedMs: Date.now() - started, api: api.request, folioId: requests[0]!.folioId });
    await new Promise((r) => setTimeout(r, 500));
  }
  worker.kill('SIGTERM');
  await Promise.all(hotels);

  assert.equal(disrupting, false, 'the disruption ran to its end');
  const calls = await placements.find().toArray();
  const perCallId = new Map<string, number>();
  for (const c of calls) perCallId.set(c.callId, (perCallId.get(c.callId) ?? 0) + 1);
  assert.ok([...perCallId.values()].every((n) => n === 1), `one placement per call id: ${JSON.stringify([...perCallId])}`);
  // every folio was asked for in exactly one call (folios that joined in time share their hotel's call)
  const callsPerFolio = new Map<string, number>();
  for (const c of calls) for (const f of c.folioIds) callsPerFolio.set(f, (callsPerFolio.get(f) ?? 0) + 1);
  assert.deepEqual(requests.map((r) => callsPerFolio.get(r.folioId)), requests.map(() => 1), 'no folio was called about twice');
  assert.equal(await drillLedger(db, 'drill_emails').countDocuments(), 0, 'no email was needed, none was sent');
  // the terminal state is a durable write that may still be retrying what the outage interrupted: give it time
  for (const req of requests) {
    const p = await until(() => store.folios.get(req.folioId), (f) => f?.status === FolioStatus.Completed, `the projection of ${req.clientReference} at Completed`, 60_000);
    assert.equal(p?.status, FolioStatus.Completed, `projection of ${req.clientReference}`);
  }
  await api.close();
  await client.close();
  process.stdout.write(`      drill: ${disruption.summary()}, ${requests.length} folios completed in ${((Date.now() - started) / 1000).toFixed(1)} s, ${calls.length} calls for ${SCALE.hotels} hotels\n`);
}

/** What an operator would look at when a drill overruns: each unfinished workflow's state in Temporal, and the worker's last words. */
async function diagnose(handles: WorkflowHandle[], workerLog: string): Promise<string> {
  const lines = await Promise.all(
    handles.map(async (h) => {
      const d = await h.describe().catch((e: unknown) => ({ error: String(e) }));
      if ('error' in d) return `${h.workflowId}: describe failed: ${d.error}`;
      if (d.status.name === 'COMPLETED') return undefined;
      const raw = d.raw.pendingWorkflowTask;
      const task = raw ? ` workflow task attempt ${raw.attempt} (${raw.state})` : '';
      const acts = (d.raw.pendingActivities ?? []).map((a) => `${a.activityType?.name} attempt ${a.attempt}: ${a.lastFailure?.message ?? ''}`).join('; ');
      return `${h.workflowId}: ${d.status.name}, ${d.historyLength} events;${task} ${acts}`;
    }),
  );
  return [...lines.filter(Boolean), `worker output (last 3,000 characters):\n${workerLog}`].join('\n');
}

/** The real API on a loopback port over the drill's store and Temporal client, with an operator key. */
async function startDrillApi(store: Store, temporal: Client, taskQueue: string) {
  const keys = new ApiKeys(store.apiKeys);
  const { key } = await keys.create({ clientId: 'drill-ops', role: 'operator' });
  const config = loadConfig({ LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: taskQueue });
  const edge = edgeFor(temporal, config, quiet);
  const metrics = createMetrics(store);
  const server = await listenLoopback(createApp({ config, store, temporal: edge, logger: quiet, keys, metrics }));
  // readiness is asked on the operations port, everything else on the public one
  const ops = await listenLoopback(createOpsApp({ store, temporal: edge, metrics }));
  return {
    async request(method: 'GET' | 'POST', p: string): Promise<ApiAnswer> {
      try {
        const port = portOf(p.startsWith('/health/') ? ops : server);
        const res = await fetch(`http://127.0.0.1:${port}${p}`, { method, headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(30_000) });
        const body = (await res.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
        return { status: res.status, code: body?.error?.code };
      } catch {
        return { status: 0 }; // no HTTP answer at all: the API crashed or hung
      }
    },
    async close() {
      for (const s of [server, ops]) s.closeAllConnections();
      await Promise.all([server, ops].map((s) => new Promise((r) => s.close(r))));
    },
  };
}
