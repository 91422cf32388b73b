// Open workflows at rest: N folio lifecycles started through the real API (POST /v1/folios) that wait on their
// check-out timers on a real Temporal dev server (SQLite file), run by the real worker process (workers/main.ts,
// the sandbox's defaults, its own process); then that process's memory, the server database's size and the API's
// list latency over that many projections (the real Express app, real keys, FerretDB).
//   npx tsx bench/at-rest.ts [--postgres] [--max-cached N] [--n 100000] [--hotels 300] [--max-wall-minutes 20] [--requests 300]
//        [--results bench/results/at-rest.json]
// Lists are timed per shape as the count passes 1k, 10k and 100k (those below N) and at N; the figures are written as JSON.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { ApiKeys } from '../api/auth';
import { Store } from '../adapters/mongo/store';
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { generatePopulation } from '../sandbox/population';
import { SANDBOX_ENV } from '../scripts/dev-stack';
import { freePort, ROOT, startMongo, startMongoOnPostgres, startProcess, startTemporalServer, stopStack, tempDir } from '../test/helpers/stack';
import { arg, inPool, planRequests, quantile, runBench, textArg } from './requests';
import { edgeFor } from '../temporal/edge';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const round1 = (x: number) => Math.round(x * 10) / 10;
/** 1000 → 1k, 100000 → 100k, 2500 → 2500. */
const label = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
const sizeOf = (file: string) => ['', '-wal', '-shm'].reduce((s, ext) => s + (existsSync(file + ext) ? statSync(file + ext).size : 0), 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process's resident memory now and at its peak (Linux /proc), in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** One sample's value from a Prometheus text exposition (0 when absent). */
function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

async function main() {
  const p = { store: process.argv.includes('--postgres') ? 'postgres' : 'sqlite', n: arg('n', 100_000), hotels: arg('hotels', 300), maxWallMinutes: arg('max-wall-minutes', 20), requests: arg('requests', 300), seed: arg('seed', 3), maxCached: arg('max-cached', 0) };
  const results = textArg('results') ?? 'bench/results/at-rest.json';
  const command = `npx tsx bench/at-rest.ts ${process.argv.slice(2).join(' ')}`.trim();
  console.log(command);
  console.log(`started ${new Date().toISOString()}`);
  const wallDeadline = Date.now() + p.maxWallMinutes * 60_000;
  const { address, dbFile } = await startTemporalServer('at-rest');
  const mongo = p.store === 'postgres' ? await startMongoOnPostgres() : await startMongo();
  const dbName = `at_rest_${process.pid}`;
  const [apiPort, sdkMetrics, workerOps, extractionOps, extractionMetrics] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  // the deployment's configuration, as the worker process reads it from its environment
  const env: Record<string, string> = {
    ...SANDBOX_ENV,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `at-rest-${process.pid}`,
    MONGODB_URI: mongo.uri,
    MONGODB_DB: dbName,
    DATA_DIR: tempDir('at-rest-data'),
    LOG_LEVEL: 'warn',
    API_PORT: String(apiPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    METRICS_PORT: String(sdkMetrics),
    WORKER_OPS_PORT: String(workerOps),
    // documents by the extraction process, as deployed (docker-compose, npm start): the worker keeps only workflows
    EXTRACTION_TASK_QUEUE: `at-rest-documents-${process.pid}`,
    EXTRACTION_OPS_PORT: String(extractionOps),
    EXTRACTION_METRICS_PORT: String(extractionMetrics),
    ...(p.maxCached > 0 && { WORKER_MAX_CACHED_WORKFLOWS: String(p.maxCached) }),
  };
  const config = loadConfig(env);
  const store = new Store(mongo.client.db(dbName));
  await store.ensureIndexes();
  const hotels = generatePopulation(p.seed, p.hotels);
  for (const h of hotels) await store.hotels.upsert(h.config);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });

  const worker = startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/main.ts')], { env, cwd: ROOT });
  startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/extraction.ts')], { env, cwd: ROOT });
  let workerLog = '';
  const keepLog = (b: Buffer) => void (workerLog = (workerLog + b.toString()).slice(-8000));
  worker.stdout!.on('data', keepLog);
  worker.stderr!.on('data', keepLog);
  const workerMetrics = async () => (await fetch(`http://127.0.0.1:${workerOps}/metrics`)).text();
  for (let i = 0; ; i++) {
    if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode}):\n${workerLog}`);
    const ready = await fetch(`http://127.0.0.1:${workerOps}/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (i > 300) throw new Error(`the worker was not ready after 150 s:\n${workerLog}`);
    await sleep(500);
  }
  const workerPid = worker.pid!;
  const rssBefore = memoryOf(workerPid).rss;

  let server: Server | undefined;
  try {
    // the API as deployed, in this process: folios are started through it, and its lists are timed
    const keys = new ApiKeys(store.apiKeys);
    const ops = await keys.create({ clientId: 'ops', role: 'operator' });
    const bench = await keys.create({ clientId: 'bench', role: 'client' });
    const app = createApp({ config, store, temporal: edgeFor(client, config), logger: logger.child({}, { level: 'silent' }), keys, rateLimitPerMinute: 100_000_000 });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(apiPort, '127.0.0.1', () => resolve(s));
    });
    const api = (pathAndQuery: string, init: RequestInit = {}, key = ops.key) =>
      fetch(`http://127.0.0.1:${apiPort}${pathAndQuery}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });

    // check-outs a month ahead: every lifecycle loads its hotel, projects itself and sleeps on a timer
    const reqs = planRequests({ seed: p.seed, count: p.n, hotels, nowMs: Date.now(), fromDays: 30, toDays: 40, zipfS: 0.8 });
    const t0 = Date.now();
    let started = 0;
    const refused: Record<string, number> = {};
    let settled = 0;
    /** Waits until the worker has written a state for every started lifecycle and has none waiting (or the budget is spent). */
    const atRest = async () => {
      for (let i = 1; ; i++) {
        const text = await workerMetrics().catch(() => '');
        settled = metric(text, 'folio_projection_writes_total');
        const waiting = metric(text, 'folio_projection_waiting');
        if (settled >= started && waiting === 0) return;
        if (Date.now() > wallDeadline + 120_000) {
          console.log(`  not settled within the budget: ${settled} states written for ${started} started, ${waiting} waiting; the worker's last output:\n${workerLog.slice(-3000)}`);
          return;
        }
        if (i % 15 === 0) console.log(`  settling: ${settled} states written for ${started} started, ${waiting} waiting, worker RSS ${round1(memoryOf(workerPid).rss / 1048576)} MB`);
        if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode}):\n${workerLog}`);
        await sleep(2000);
      }
    };

    const shapes: Record<string, string> = {
      'first page of 50': 'limit=50',
      'first page of 200': 'limit=200',
      'by status': 'status=WaitingForCheckout&limit=50',
      'by hotel': `hotelId=${hotels[0].config.hotelId}&limit=50`,
      'needs attention': 'needsAttention=true&limit=50',
      'next page by cursor': 'limit=50&cursor=',
    };
    const failures: Record<string, number> = {};
    const measureLists = async (): Promise<Record<string, { p50Ms: number; p99Ms: number }>> => {
      const out: Record<string, { p50Ms: number; p99Ms: number }> = {};
      let cursor: string | null = null;
      const each = Math.max(10, Math.ceil(p.requests / Object.keys(shapes).length));
      for (const [shape, query] of Object.entries(shapes)) {
        const latencies: number[] = [];
        for (let i = 0; i < each; i++) {
          const q = query.endsWith('cursor=') ? (cursor ? `${query}${encodeURIComponent(cursor)}` : 'limit=50') : query;
          const t = performance.now();
          const res = await api(`/v1/folios?${q}`);
          const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
          latencies.push(performance.now() - t);
          // a failed answer is counted and reported with the figures, not hidden and not fatal
          if (res.status !== 200) failures[`${res.status} on ${shape}`] = (failures[`${res.status} on ${shape}`] ?? 0) + 1;
          else if (shape === 'first page of 50' || shape === 'next page by cursor') cursor = body.nextCursor;
        }
        out[shape] = { p50Ms: round1(quantile(latencies, 0.5)), p99Ms: round1(quantile(latencies, 0.99)) };
      }
      return out;
    };

    // lists are timed as the count passes 1,000, 10,000 and 100,000 (those up to N), and at N
    const checkpoints = [...new Set([1_000, 10_000, 100_000].filter((c) => c < p.n).concat(p.n))];
    const lists: Record<string, { openFolios: number; workerRssMb: number; settledAfterSeconds: number; shapes: Record<string, { p50Ms: number; p99Ms: number }> }> = {};
    let from = 0;
    let startSeconds = 0;
    for (const checkpoint of checkpoints) {
      await inPool(reqs.slice(from, checkpoint), 32, async (r) => {
        if (Date.now() > wallDeadline) return;
        const body = { clientReference: r.clientReference, guest: r.guest, confirmationNumber: r.confirmationNumber, checkIn: r.checkIn, checkOut: r.checkOut, hotel: { hotelId: r.hotelId } };
        const res = await api('/v1/folios', { method: 'POST', body: JSON.stringify(body) }, bench.key);
        if (res.status !== 202) {
          const why = `${res.status} ${(((await res.json().catch(() => ({}))) as { error?: { code?: string } }).error?.code ?? '')}`.trim();
          refused[why] = (refused[why] ?? 0) + 1;
          return;
        }
        await res.arrayBuffer();
        started++;
        if (started % 1000 === 0) console.log(`  ${started} started (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      });
      from = checkpoint;
      startSeconds = (Date.now() - t0) / 1000;
      await atRest();
      const settledAfterSeconds = round1((Date.now() - t0) / 1000);
      lists[label(checkpoint)] = { openFolios: started, workerRssMb: round1(memoryOf(workerPid).rss / 1048576), settledAfterSeconds, shapes: await measureLists() };
      const ht = await workerMetrics().catch(() => '');
      console.log(`  lists timed at ${started} open folios (settled after ${settledAfterSeconds} s, worker RSS ${lists[label(checkpoint)].workerRssMb} MB, main heap ${round1(metric(ht, 'folio_worker_nodejs_heap_size_used_bytes') / 1048576)} MB)`);
      if (Date.now() > wallDeadline) break;
    }
    // the worker at rest: every lifecycle on its timer, nothing to do
    await sleep(5000);
    const mem = memoryOf(workerPid);
    const heapText = await workerMetrics().catch(() => '');
    const heap = { usedMb: round1(metric(heapText, 'folio_worker_nodejs_heap_size_used_bytes') / 1048576), totalMb: round1(metric(heapText, 'folio_worker_nodejs_heap_size_total_bytes') / 1048576), externalMb: round1(metric(heapText, 'folio_worker_nodejs_external_memory_bytes') / 1048576) };
    const worst = (at: string) => (lists[at] ? Math.max(...Object.values(lists[at].shapes).map((x) => x.p99Ms)) : null);
    const figures = {
      openFolios: started,
      requested: p.n,
      refused,
      startSeconds: round1(startSeconds),
      startsPerSecond: round1(started / Math.max(startSeconds, 0.001)),
      settledSeconds: round1((lists[label(checkpoints.at(-1)!)]?.settledAfterSeconds ?? NaN)),
      projectionStatesWritten: settled,
      workerRssMb: round1(mem.rss / 1048576),
      workerPeakRssMb: round1(mem.peak / 1048576),
      workerRssBeforeMb: round1(rssBefore / 1048576),
      workerMainHeapMb: heap,
      workerRssNote: 'the worker process alone (workers/main.ts, the sandbox defaults), read from /proc at rest',
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      temporalStoreMb: round1(sizeOf(dbFile) / 1048576),
      temporalStoreKbPerFolio: round1(sizeOf(dbFile) / Math.max(started, 1) / 1024),
      store: p.store,
      lists,
      listP99Ms1k: worst('1k'),
      listP99Ms10k: worst('10k'),
      listP99Ms100k: worst('100k'),
      listFailures: failures,
      command,
      date: new Date().toISOString(),
    };
    console.log(`
== at rest (dev server on SQLite, FerretDB on ${p.store === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${figures.date})
lifecycles started through the API: ${started}/${p.n} in ${startSeconds.toFixed(0)} s (${figures.startsPerSecond}/s); all settled on their timers after ${figures.settledSeconds} s; refused: ${Object.entries(refused).map(([k, v]) => `${v}× ${k}`).join(', ') || 'none'}
worker process RSS (alone):   ${mb(mem.rss)} at rest, peak ${mb(mem.peak)} (${mb(rssBefore)} when it became ready; cache bound ${config.WORKER_MAX_CACHED_WORKFLOWS} runs; main thread's heap ${heap.usedMb} MB used of ${heap.totalMb} MB, external ${heap.externalMb} MB)
dev server SQLite database:   ${mb(sizeOf(dbFile))} (${figures.temporalStoreKbPerFolio} KB per open lifecycle)
API GET /v1/folios, p50 / p99 per list shape (${Object.keys(shapes).length} shapes):
${Object.entries(lists)
  .map(([at, l]) => `  at ${l.openFolios} open folios (${at}): ${Object.entries(l.shapes).map(([k, v]) => `${k} ${v.p50Ms}/${v.p99Ms} ms`).join(', ')}`)
  .join('\n')}
non-200 answers: ${Object.entries(failures).map(([k, v]) => `${v}× ${k}`).join(', ') || 'none'}
`);
    mkdirSync(path.dirname(results), { recursive: true });
    writeFileSync(results, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`figures written to ${results}`);
  } finally {
    server?.close();
    await connection.close();
    await stopStack();
  }
}

runBench(main);
