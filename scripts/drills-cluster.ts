// `npm run drills:cluster`: the production topology under faults, bounded, stopping by itself. It starts
// the whole of `npm run cluster` from nothing (time to ready) and runs the demo folios to their expected
// states; then, on the same cluster (TLS on), drill workers with scripted hotels at the vendor edge
// (test/helpers/drill-worker.ts) take load while a history service is killed with SIGKILL and restarted,
// one of two workers is killed, the frontend is restarted, and a third worker joins. Every folio must
// complete once: one call placement per call, no folio called twice, no email, projections equal to the
// workflows' state. Last, the same load with 1, 2 and 3 worker processes (each twice, in mirror order), as
// throughput ratios.
// Writes bench/results/cluster.json.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { Store } from '../adapters/mongo/store';
import { FieldCrypto } from '../adapters/mongo/field-crypto';
import { MongoClient, type Db } from 'mongodb';
import { edgeFor, GONE, type TemporalEdge } from '../temporal/edge';
import { drillLedger } from '../test/helpers/raw-db';
import { WORKFLOW_TYPES } from '../workflows/definitions';
import { temporalConnectionOptions } from '../temporal/client';
import { FolioStatus, folioWorkflowId, type FolioRequest } from '../domain/model';
import { HotelConfig } from '../domain/schemas';
import { renderFolioPdf } from '../sandbox/folio-pdf';
import { demoHotels, demoRequests } from '../sandbox/hotels/demo';
import { agentToolSignal, documentReceivedSignal, folioStateQuery, recordingReadySignal, twilioStatusSignal } from '../workflows/definitions';
import type { ProcessSpec } from './supervisor';
import { startCluster, type Cluster } from './cluster';
import { startLogged, temporalServiceSpec } from './cluster-temporal';
import { freeClusterPorts, ROOT, type ClusterPorts } from './cluster-topology';

const quiet = logger.child({}, { level: 'silent' });
const ALL_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));
const SIZE = {
  drillHotels: Number(process.env.DRILL_HOTELS ?? 8),
  throughputHotels: Number(process.env.THROUGHPUT_HOTELS ?? 20),
  guests: 3,
  boundMs: Number(process.env.DRILL_SECONDS ?? 300) * 1000,
  demoBoundMs: Number(process.env.DEMO_SECONDS ?? 480) * 1000,
};
const THROUGHPUT_ORDER = (process.env.THROUGHPUT_ORDER ?? '1,2,3,3,2,1').split(',').map(Number);
const NAMES: [string, string][] = [['Ada', 'Lovelace'], ['Grace', 'Hopper'], ['Alan', 'Turing']];

interface DrillResult {
  name: string;
  passed: boolean;
  seconds: number;
  summary: string;
}

interface World {
  cluster: Cluster;
  ports: ClusterPorts;
  client: Client;
  edge: TemporalEdge;
  store: Store;
  /** The drills' database: the scripted vendors' ledgers live beside the projections. */
  db: Db;
  bundlePath: string;
  mongoUri: string;
}

/** A drill worker on a task queue; ready when it says so in its log. */
function drillWorkerSpec(w: World, name: string, taskQueue: string): ProcessSpec {
  const log = path.join(w.cluster.sup.logDir, `${name}.log`);
  return {
    name,
    cmd: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, 'test/helpers/drill-worker.ts')],
    env: { ...w.cluster.env, MONGODB_URI: w.mongoUri, MONGODB_DB: 'drills', TEMPORAL_TASK_QUEUE: taskQueue, BATCH_WINDOW_SECONDS: '1', DRILL_BUNDLE: w.bundlePath, LOG_LEVEL: 'warn' },
    ready: async () => existsSync(log) && readFileSync(log, 'utf8').includes('worker ready'),
    readyTimeoutMs: 120_000,
  };
}

interface LoadContext {
  /** Statuses of the run's folios, by the projections. */
  statuses: string[];
  elapsedMs: number;
}

/** One load: hotels × guests started on a task queue, the hotels answering and emailing at once, until all complete. */
async function runLoad(w: World, o: { taskQueue: string; hotels: number; step?: (ctx: LoadContext) => Promise<boolean> }): Promise<{ seconds: number; folios: number; calls: number; note: string }> {
  const tag = o.taskQueue;
  const hotelIds: string[] = [];
  const requests: FolioRequest[] = [];
  for (let h = 0; h < o.hotels; h++) {
    const hotelId = `${tag}-h${h}`;
    hotelIds.push(hotelId);
    await w.store.hotels.upsert(HotelConfig.parse({ hotelId, name: `Drill ${h}`, phone: `+4416329${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`, timeZone: 'Europe/London', country: 'GB', emails: [`desk@${hotelId}.example`], businessHours: ALL_DAY }));
    for (let g = 0; g < SIZE.guests; g++) {
      const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
      requests.push({ folioId: randomUUID(), clientId: 'drill', clientReference: `${tag}-${h}-${g}`, hotelId, guest: { firstName: NAMES[g]![0], lastName: NAMES[g]![1], additionalNames: [] }, confirmationNumber: `DR${h}${g}${tag.length}`, checkIn: day(-4), checkOut: day(-2), delivery: {}, priority: 'normal', receivedAt: new Date().toISOString() });
    }
  }
  const started = Date.now();
  const deadline = started + SIZE.boundMs;
  const retry = () => ({ maxMs: Math.max(0, deadline - Date.now()), firstDelayMs: 500 });
  for (const req of requests) await w.edge.start(WORKFLOW_TYPES.folio, folioWorkflowId(req.clientId, req.clientReference), [req, { checkoutGraceHours: 0 }], { taskQueue: o.taskQueue });

  const calls = drillLedger<{ callId: string; callSid: string; hotelId: string; folioIds: string[] }>(w.db, 'drill_calls');
  const documents = w.store.documents;
  const send = () => w.edge.retrying(retry());
  const played = new Set<string>();
  const emailed = new Set<string>();
  const hotelsTalking: Promise<unknown>[] = [];
  let seq = 0;
  // the hotel's side of a call, as Twilio's callbacks and the voice agent report it
  const play = async (c: { callId: string; callSid: string; folioIds: string[] }) => {
    const status = (s: string, answeredBy?: string) => send().send(c.callId, twilioStatusSignal, { callSid: c.callSid, status: s, sequence: ++seq, answeredBy });
    await status('ringing');
    await status('in-progress', 'human');
    await new Promise((r) => setTimeout(r, 500));
    for (const folioId of c.folioIds) await send().send(c.callId, agentToolSignal, { toolCallId: `${c.callSid}:${folioId}`, folioId, outcome: { kind: 'agreed' } });
    await send().send(c.callId, recordingReadySignal, { recordingSid: `RE${c.callSid}`, recordingUrl: 'https://recordings.invalid/x', durationSeconds: 30 });
    await status('completed');
  };
  let stepping = !!o.step;
  let statuses: string[] = [];
  let reported = started;
  for (;;) {
    if (Date.now() - reported > 15_000) {
      reported = Date.now();
      process.stdout.write(`    ${((reported - started) / 1000).toFixed(0)} s: ${JSON.stringify(count(statuses))}\n`);
    }
    if (Date.now() > deadline) throw new Error(`not all ${requests.length} folios completed within ${SIZE.boundMs / 1000} s: ${JSON.stringify(count(statuses))}`);
    for (const c of await calls.find({ hotelId: { $in: hotelIds } }).toArray().catch(() => [])) {
      if (played.has(c.callId)) continue;
      played.add(c.callId);
      hotelsTalking.push(play(c));
    }
    const docs = await w.store.folios.statuses(requests.map((r) => r.folioId)).catch(() => undefined);
    if (docs) {
      const byId = docs;
      statuses = requests.map((r) => byId.get(r.folioId) ?? 'none');
    }
    // the hotels email what they promised (as the inbox monitor would signal it)
    for (const [i, s] of statuses.entries()) {
      const req = requests[i]!;
      if (s !== FolioStatus.AwaitingEmail || emailed.has(req.folioId)) continue;
      emailed.add(req.folioId);
      hotelsTalking.push(
        (async () => {
          const pdf = await renderFolioPdf({ hotelName: 'Drill', guests: [req.guest], arrival: req.checkIn, departure: req.checkOut, folioNumber: `F${req.confirmationNumber}`, confirmationNumber: req.confirmationNumber, currency: 'GBP', nightlyRate: 150, taxRate: 0.2, layout: 'classic' });
          const ref = await documents.save(pdf, { source: 'email', filename: 'folio.pdf' });
          await send().send(folioWorkflowId(req.clientId, req.clientReference), documentReceivedSignal, ref);
        })(),
      );
    }
    if (statuses.every((s) => s === FolioStatus.Completed)) break;
    if (stepping) stepping = await o.step!({ statuses, elapsedMs: Date.now() - started });
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (Date.now() - started) / 1000;
  await Promise.all(hotelsTalking);
  if (stepping) throw new Error('the folios completed before the disruption ran to its end');

  // every folio once: one placement per call, each folio in exactly one call, no email, projections = workflow state
  const placed = await calls.find({ hotelId: { $in: hotelIds } }).toArray();
  const perCall = count(placed.map((c) => c.callId));
  const twice = Object.entries(perCall).filter(([, n]) => n > 1);
  if (twice.length) throw new Error(`calls placed twice: ${JSON.stringify(twice)}`);
  const perFolio = count(placed.flatMap((c) => c.folioIds));
  const wrong = requests.filter((r) => perFolio[r.folioId] !== 1);
  if (wrong.length) throw new Error(`${wrong.length} folios were not called about exactly once: ${JSON.stringify(wrong.map((r) => [r.clientReference, perFolio[r.folioId] ?? 0]))}`);
  const emails = await drillLedger(w.db, 'drill_emails').countDocuments({ hotelId: { $in: hotelIds } });
  if (emails) throw new Error(`${emails} emails were sent; none was needed`);
  for (const req of requests) {
    const state = await w.edge.query(folioWorkflowId(req.clientId, req.clientReference), folioStateQuery);
    const projection = await w.store.folios.get(req.folioId);
    const inWorkflow = state === GONE ? 'gone' : state.status;
    if (inWorkflow !== FolioStatus.Completed || projection?.status !== inWorkflow) throw new Error(`${req.clientReference}: workflow ${inWorkflow}, projection ${projection?.status}`);
  }
  return { seconds, folios: requests.length, calls: placed.length, note: `${requests.length} folios completed in ${seconds.toFixed(1)} s, ${placed.length} calls for ${o.hotels} hotels` };
}

function count(xs: string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const x of xs) c[x] = (c[x] ?? 0) + 1;
  return c;
}

const inCall = (ctx: LoadContext) => ctx.statuses.some((s) => s === FolioStatus.Calling) || ctx.elapsedMs > 15_000;

/** Workers for a run, started together; their names carry the run's task queue. */
async function startWorkers(w: World, taskQueue: string, n: number, from = 1): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `${taskQueue}-w${from + i}`);
  await Promise.all(names.map((name) => startLogged(w.cluster.sup, drillWorkerSpec(w, name, taskQueue))));
  return names;
}

/** After a run: its work is done, and a drill worker keeps its connections open after draining, so it is killed. */
async function stopWorkers(w: World, names: string[]): Promise<void> {
  for (const n of names) if (w.cluster.sup.pid(n)) await w.cluster.sup.kill(n, 'SIGKILL');
}

/** The demo folios of `npm start`, through the API behind the balancer, each to the state its hotel is set up for. */
async function demoDrill(cluster: Cluster): Promise<string> {
  const api = `${cluster.env.PUBLIC_BASE_URL}/v1`;
  const headers = { authorization: `Bearer ${cluster.keys.clientKey}`, 'content-type': 'application/json' };
  const expected = new Map(demoHotels().map((h) => [h.hotelId, h.expect.split('→').pop()!.trim()]));
  const r = await fetch(`${api}/folios/batch`, { method: 'POST', headers, body: JSON.stringify({ requests: demoRequests() }) });
  const body = (await r.json()) as { results?: { folio?: { folioId: string; hotelId: string } }[] };
  const folios = (body.results ?? []).flatMap((x) => (x.folio ? [x.folio] : []));
  if (folios.length !== expected.size) throw new Error(`the demo batch was not accepted: HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
  const started = Date.now();
  const now = new Map<string, string>();
  while (folios.some((f) => now.get(f.hotelId) !== expected.get(f.hotelId))) {
    if (Date.now() - started > SIZE.demoBoundMs) throw new Error(`demo folios not where expected after ${SIZE.demoBoundMs / 1000} s: ${JSON.stringify(folios.filter((f) => now.get(f.hotelId) !== expected.get(f.hotelId)).map((f) => [f.hotelId, now.get(f.hotelId), expected.get(f.hotelId)]))}`);
    await new Promise((res) => setTimeout(res, 3000));
    for (const f of folios) {
      const g = await fetch(`${api}/folios/${f.folioId}`, { headers }).catch(() => undefined);
      if (g?.ok) now.set(f.hotelId, ((await g.json()) as { status: string }).status);
    }
  }
  return `${folios.length} demo folios reached their expected states (${Object.entries(count([...now.values()])).map(([s, n]) => `${n} ${s}`).join(', ')}) in ${((Date.now() - started) / 1000).toFixed(0)} s`;
}

async function main() {
  const startedAt = new Date();
  const dir = mkdtempSync(path.join(tmpdir(), 'folio-cluster-drills-'));
  chmodSync(dir, 0o755); // PostgreSQL and Dovecot run as their own users below it
  const ports = await freeClusterPorts({ apis: 2, workers: 2 });
  const results: DrillResult[] = [];
  const drill = async (name: string, run: () => Promise<string>) => {
    const t = Date.now();
    process.stdout.write(`drill: ${name} …\n`);
    try {
      const summary = await run();
      results.push({ name, passed: true, seconds: (Date.now() - t) / 1000, summary });
      process.stdout.write(`  passed: ${summary}\n`);
    } catch (e) {
      results.push({ name, passed: false, seconds: (Date.now() - t) / 1000, summary: (e as Error).message });
      process.stdout.write(`  FAILED: ${(e as Error).message}\n`);
    }
  };
  let cluster: Cluster | undefined;
  let world: World | undefined;
  const interrupted = async () => {
    process.stdout.write('\ninterrupted: stopping the cluster …\n');
    await cluster?.stop();
    process.exit(130);
  };
  process.once('SIGINT', () => void interrupted());
  process.once('SIGTERM', () => void interrupted());
  const throughputRuns: { workers: number; folios: number; seconds: number; calls: number; loadAverage1m: number }[] = [];
  try {
    process.stdout.write(`cluster drills in ${dir} (logs in ${path.join(dir, 'logs')})\n`);
    cluster = await startCluster({ dataDir: dir, ports, tls: true, workers: 2, apis: 2, sandbox: true, ui: true, prometheus: true, inboxMonitor: true }, (l) => process.stdout.write(`  ${l}\n`));
    process.stdout.write(`ready in ${cluster.readySeconds.toFixed(1)} s (cold: empty data directory, TLS on)\n`);
    await drill('the demo folios of npm start on the cluster', () => demoDrill(cluster!));

    // the drills' own workers replace the sandbox's: scripted hotels, a task queue per run
    for (const name of ['inbox-monitor', 'worker-1', 'worker-2', 'sandbox']) await cluster.sup.kill(name, 'SIGTERM');
    const mongoUri = cluster.env.MONGODB_URI!;
    const mongo = await MongoClient.connect(mongoUri);
    const db = mongo.db('drills');
    const store = new Store(db, { client: mongo, crypto: FieldCrypto.fromConfig(loadConfig(cluster.env)) });
    await store.ensureIndexes();
    const connection = await Connection.connect(temporalConnectionOptions(loadConfig(cluster.env)));
    const bundlePath = path.join(dir, 'workflows.js');
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), failureConverterPath: FAILURE_CONVERTER_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } })).code);
    const client = new Client({ connection });
    world = { cluster, ports, client, edge: edgeFor(client, { TEMPORAL_TASK_QUEUE: 'drills' }, quiet), store, db, bundlePath, mongoUri };
    const w = world;
    const pg = cluster.pg;
    const tls = cluster.tls;

    /** A drill load on two workers of its own, disrupted once while calls are in progress. */
    const disrupted = async (taskQueue: string, disrupt: (workers: string[]) => Promise<void>, beforeStop = async () => {}) => {
      const workers = await startWorkers(w, taskQueue, 2);
      const step = async (ctx: LoadContext) => {
        if (!inCall(ctx)) return true;
        await disrupt(workers);
        return false;
      };
      const r = await runLoad(w, { taskQueue, hotels: SIZE.drillHotels, step });
      await beforeStop();
      await stopWorkers(w, workers);
      return r.note;
    };
    /** Stops a Temporal service (SIGKILL: a crash; SIGTERM: a restart), waits, starts it again; seconds it was away. */
    const bounce = async (service: 'history' | 'frontend', signal: NodeJS.Signals, whileDown = async () => {}) => {
      const t = Date.now();
      await w.cluster.sup.kill(`temporal-${service}`, signal);
      await whileDown();
      await new Promise((res) => setTimeout(res, 3000));
      await startLogged(w.cluster.sup, temporalServiceSpec(service, ports, pg, tls));
      return (Date.now() - t) / 1000;
    };

    await drill('kill -9 the history service mid-run and restart it', async () => {
      let down = 0;
      const note = await disrupted('history-kill', async () => {
        down = await bounce('history', 'SIGKILL');
      });
      return `history down and back in ${down.toFixed(1)} s; ${note}`;
    });

    await drill('kill one of two workers mid-run', async () => {
      const note = await disrupted('worker-kill', (workers) => w.cluster.sup.kill(workers[0]!, 'SIGKILL').then(() => undefined));
      return `one worker SIGKILLed during calls, the other took over; ${note}`;
    });

    await drill('restart the frontend mid-run', async () => {
      let readiness = 0;
      let down = 0;
      const note = await disrupted('frontend-restart', async () => {
        down = await bounce('frontend', 'SIGTERM', async () => {
          // an API process's operations port answers, naming Temporal as what is down
          readiness = await fetch(`http://127.0.0.1:${ports.apiOps[0]}/health/ready`, { signal: AbortSignal.timeout(20_000) }).then((x) => x.status, () => 0);
        });
      });
      if (readiness !== 503) throw new Error(`the API answered ${readiness} for readiness while the frontend was down, not 503`);
      return `frontend down for ${down.toFixed(1)} s (API readiness 503 meanwhile); ${note}`;
    });

    await drill('add a third worker mid-run', async () => {
      let pollers = 0;
      const added: string[] = [];
      const note = await disrupted(
        'scale-out',
        async () => {
          added.push(...(await startWorkers(w, 'scale-out', 1, 3)));
        },
        async () => {
          const described = await w.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: 'scale-out' }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW });
          pollers = new Set((described.pollers ?? []).map((p) => p.identity)).size;
          await stopWorkers(w, added);
        },
      );
      if (pollers < 3) throw new Error(`${pollers} worker identities polled the task queue, not 3`);
      return `a third worker joined and polled (${pollers} pollers); ${note}`;
    });

    // 1, 2, 3 workers and back (3, 2, 1): load from elsewhere on the machine drifts, and the mirror order spreads it evenly
    let run = 0;
    for (const n of THROUGHPUT_ORDER) {
      const taskQueue = `throughput-${n}-${++run}`;
      const workers = await startWorkers(w, taskQueue, n);
      const r = await runLoad(w, { taskQueue, hotels: SIZE.throughputHotels });
      await stopWorkers(w, workers);
      throughputRuns.push({ workers: n, folios: r.folios, seconds: r.seconds, calls: r.calls, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 });
      process.stdout.write(`throughput with ${n} worker process${n > 1 ? 'es' : ''}: ${r.folios} folios in ${r.seconds.toFixed(1)} s = ${(r.folios / r.seconds).toFixed(2)} folios/s (${r.calls} calls; load average ${loadavg()[0]!.toFixed(1)})\n`);
    }
  } catch (e) {
    process.stdout.write(`cluster drills stopped: ${(e as Error).message}\n`);
  } finally {
    await world?.client.connection.close().catch(() => undefined);
    await world?.store.close().catch(() => undefined);
    await cluster?.stop();
  }

  // folios per second with n workers: all folios of its runs over all their seconds
  const rate = (n: number) => {
    const runs = throughputRuns.filter((r) => r.workers === n);
    return runs.length ? runs.reduce((a, r) => a + r.folios, 0) / runs.reduce((a, r) => a + r.seconds, 0) : undefined;
  };
  const throughput = Object.fromEntries([1, 2, 3].map((n) => [n, rate(n) === undefined ? null : Math.round(rate(n)! * 1000) / 1000]));
  const ratio = (n: number) => (rate(n) && rate(1) ? Math.round((rate(n)! / rate(1)!) * 100) / 100 : null);
  const passed = results.filter((r) => r.passed).length;
  const out = {
    readySeconds: cluster ? Math.round(cluster.readySeconds * 10) / 10 : null,
    throughputRatio2to1: ratio(2),
    throughputRatio3to1: ratio(3),
    drillsPassed: passed,
    drillsRun: results.length,
    foliosPerSecond: throughput,
    throughputRuns,
    drills: results,
    machine: { cpus: cpus().length, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
    command: 'npm run drills:cluster',
    date: startedAt.toISOString(),
  };
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'cluster.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`\n== cluster drills ${out.date}\nready in ${out.readySeconds} s; drills passed ${passed}/${results.length}; throughput 2:1 ${out.throughputRatio2to1}, 3:1 ${out.throughputRatio3to1}\nwrote bench/results/cluster.json\n`);
  const ok = passed === results.length && results.length === 5 && out.throughputRatio3to1 !== null;
  if (ok) rmSync(dir, { recursive: true, force: true });
  else process.stdout.write(`logs kept in ${path.join(dir, 'logs')}\n`);
  process.exit(ok ? 0 : 1);
}

void main();
