// Open workflows at rest: N folio lifecycles started through the real API (POST /v1/folios) that wait on their
// check-out timers on a real Temporal dev server (SQLite file), run by the real worker process (workers/main.ts,
// the sandbox's defaults, its own process); then that process's memory, the server database's size and the API's
// list latency over that many projections (the real Express app, real keys, FerretDB).
//   npx tsx bench/at-rest.ts [--postgres] [--max-cached N] [--workflow-heap MB] [--n 100000] [--hotels 300] [--max-wall-minutes 20] [--requests 300] [--rest-seconds 60]
//        [--results bench/results/at-rest.json]
// Lists are timed per shape as the count passes 1k, 10k and 100k (those below N) and at N; the figures are written as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workflowHeapMb } from '../workers/workflow-heap';
import { generatePopulation } from '../sandbox/population';
import { apiRequestBody, arg, countLabel, inPool, planRequests, quantile, runBench, textArg } from './requests';
import { mb, memoryOf, metric, round1, sizeOf, sleep, startWorkerStack } from './worker-stack';


async function main() {
  const p = { store: process.argv.includes('--postgres') ? 'postgres' : 'sqlite', n: arg('n', 100_000), hotels: arg('hotels', 300), maxWallMinutes: arg('max-wall-minutes', 20), requests: arg('requests', 300), seed: arg('seed', 3), maxCached: arg('max-cached', 0), workflowHeapMb: arg('workflow-heap', 0), restSeconds: arg('rest-seconds', 60) };
  const results = textArg('results') ?? 'bench/results/at-rest.json';
  const command = `npx tsx bench/at-rest.ts ${process.argv.slice(2).join(' ')}`.trim();
  console.log(command);
  console.log(`started ${new Date().toISOString()}`);
  const wallDeadline = Date.now() + p.maxWallMinutes * 60_000;
    const stack = await startWorkerStack({ name: 'at-rest', store: p.store === 'postgres' ? 'postgres' : 'sqlite', maxCached: p.maxCached, workflowHeapMb: p.workflowHeapMb });
  const { config, store, dbFile, workerPid, api, workerMetrics } = stack;
  const rssBefore = stack.rssAtReady;
  try {
    const hotels = generatePopulation(p.seed, p.hotels);
    for (const h of hotels) await store.hotels.upsert(h.config);

    // check-outs a month ahead: every lifecycle loads its hotel, projects itself and sleeps on a timer
    const reqs = planRequests({ seed: p.seed, count: p.n, hotels, nowMs: Date.now(), fromDays: 30, toDays: 40, zipfS: 0.8 });
    const t0 = Date.now();
    let started = 0;
    const refused: Record<string, number> = {};
    let settled = 0;
    /** Waits until the worker has written a state for every started lifecycle and has none waiting (or the budget is spent). */
    const atRest = async () => {
      settled = await stack.settle(started, wallDeadline);
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
        const res = await api('/v1/folios', { method: 'POST', body: JSON.stringify(apiRequestBody(r)) }, stack.clientKey);
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
      lists[countLabel(checkpoint)] = { openFolios: started, workerRssMb: round1(memoryOf(workerPid).rss / 1048576), settledAfterSeconds, shapes: await measureLists() };
      const ht = await workerMetrics().catch(() => '');
      console.log(`  lists timed at ${started} open folios (settled after ${settledAfterSeconds} s, worker RSS ${lists[countLabel(checkpoint)].workerRssMb} MB, main heap ${round1(metric(ht, 'folio_worker_nodejs_heap_size_used_bytes') / 1048576)} MB)`);
      if (Date.now() > wallDeadline) break;
    }
    // the worker at rest: every lifecycle on its timer, nothing to do; read 5 s after, and once it has been idle
    // for --rest-seconds (V8 gives back memory some time after the last allocation burst, not at once)
    await sleep(5000);
    const rss5s = memoryOf(workerPid).rss;
    await sleep(Math.max(0, p.restSeconds - 5) * 1000);
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
      settledSeconds: round1((lists[countLabel(checkpoints.at(-1)!)]?.settledAfterSeconds ?? NaN)),
      projectionStatesWritten: settled,
      workerRssMb: round1(mem.rss / 1048576),
      workerRssAfter5sMb: round1(rss5s / 1048576),
      restSeconds: Math.max(5, p.restSeconds),
      workerPeakRssMb: round1(mem.peak / 1048576),
      workerRssBeforeMb: round1(rssBefore / 1048576),
      workerMainHeapMb: heap,
      workerRssNote: 'the worker process alone (workers/main.ts, the sandbox defaults), read from /proc restSeconds after every lifecycle settled (and 5 s after)',
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      workflowHeapMb: workflowHeapMb(config.WORKER_WORKFLOW_HEAP_MB, config.WORKER_MAX_CACHED_WORKFLOWS),
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
worker process RSS (alone):   ${mb(mem.rss)} at rest (${figures.restSeconds} s idle; ${mb(rss5s)} after 5 s), peak ${mb(mem.peak)} (${mb(rssBefore)} when it became ready; cache bound ${config.WORKER_MAX_CACHED_WORKFLOWS} runs; main thread's heap ${heap.usedMb} MB used of ${heap.totalMb} MB, external ${heap.externalMb} MB)
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
    await stack.stop();
  }
}

runBench(main);
