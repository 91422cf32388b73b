// Open workflows at rest: N folio lifecycles that wait on their check-out timers on a real Temporal dev
// server (SQLite file), then the worker's memory, the server database's size and the API's list latency
// over that many projections (the real Express app, real keys, FerretDB).
//   npx tsx bench/at-rest.ts [--postgres] [--max-cached N] [--n 100000] [--hotels 300] [--max-wall-minutes 20] [--requests 300]
//        [--results bench/results/at-rest.json]
// Lists are timed per shape as the count passes 1k, 10k and 100k (those below N) and at N; the figures are written as JSON.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../api/app';
import { ApiKeys } from '../api/auth';
import { logger } from '../config/logger';
import { FolioStatus } from '../domain/model';
import { generatePopulation } from '../sandbox/population';
import { freePort, startMongo, startMongoOnPostgres, startTemporalServer, stopStack } from '../test/helpers/stack';
import { arg, inPool, planRequests, quantile, runBench, textArg } from './requests';
import { SimWorld } from './sim-world';
import { edgeFor } from '../temporal/edge';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const round1 = (x: number) => Math.round(x * 10) / 10;
/** 1000 → 1k, 100000 → 100k, 2500 → 2500. */
const label = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
const sizeOf = (file: string) => ['', '-wal', '-shm'].reduce((s, ext) => s + (existsSync(file + ext) ? statSync(file + ext).size : 0), 0);

async function main() {
  const p = { store: process.argv.includes('--postgres') ? 'postgres' : 'sqlite', n: arg('n', 100_000), hotels: arg('hotels', 300), maxWallMinutes: arg('max-wall-minutes', 20), requests: arg('requests', 300), seed: arg('seed', 3), maxCached: arg('max-cached', 0) };
  const results = textArg('results') ?? 'bench/results/at-rest.json';
  const command = `npx tsx bench/at-rest.ts ${process.argv.slice(2).join(' ')}`.trim();
  console.log(command);
  console.log(`started ${new Date().toISOString()}`);
  const wallDeadline = Date.now() + p.maxWallMinutes * 60_000;
  const { address, dbFile } = await startTemporalServer('at-rest');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address });
  const mongo = p.store === 'postgres' ? await startMongoOnPostgres() : await startMongo();
  const hotels = generatePopulation(p.seed, p.hotels);
  const env = { client, nativeConnection, connection } as unknown as TestWorkflowEnvironment;
  const world = await SimWorld.create({ env, db: mongo.db(`at_rest_${process.pid}`), hotels, seed: p.seed, maxConcurrentActivities: 50, ...(p.maxCached > 0 && { maxCachedWorkflows: p.maxCached }) });
  let server: Server | undefined;
  try {
    const rssBefore = process.memoryUsage().rss;
    // check-outs a month ahead: every lifecycle loads its hotel, projects itself and sleeps on a timer
    const reqs = planRequests({ seed: p.seed, count: p.n, hotels, nowMs: Date.now(), fromDays: 30, toDays: 40, zipfS: 0.8 });
    const t0 = Date.now();
    let started = 0;
    let projected = 0;
    /** Waits until every started lifecycle has projected itself as waiting for check-out (or the budget is spent). */
    const atRest = async () => {
      for (;;) {
        projected = (await world.store.folios.countByStatus([FolioStatus.WaitingForCheckout])).get(FolioStatus.WaitingForCheckout) ?? 0;
        if (projected >= started || Date.now() > wallDeadline + 120_000) return;
        await new Promise((r) => setTimeout(r, 2000));
      }
    };

    // the API's list endpoint, each list shape timed on its own
    const keys = new ApiKeys(world.store.apiKeys);
    const ops = await keys.create({ clientId: 'ops', role: 'operator' });
    const app = createApp({ config: world.config, store: world.store, temporal: edgeFor(client, world.config), logger: logger.child({}, { level: 'silent' }), keys, rateLimitPerMinute: 1_000_000 });
    const port = await freePort();
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
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
          const res = await fetch(`http://127.0.0.1:${port}/v1/folios?${q}`, { headers: { authorization: `Bearer ${ops.key}` } });
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
    const lists: Record<string, { openFolios: number; shapes: Record<string, { p50Ms: number; p99Ms: number }> }> = {};
    let from = 0;
    for (const checkpoint of checkpoints) {
      await inPool(reqs.slice(from, checkpoint), 48, async (r) => {
        if (Date.now() > wallDeadline) return;
        await world.start(r, { checkoutGraceHours: 24 });
        started++;
        if (started % 1000 === 0) console.log(`  ${started} started (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      });
      from = checkpoint;
      await atRest();
      lists[label(checkpoint)] = { openFolios: projected, shapes: await measureLists() };
      console.log(`  lists timed at ${projected} open folios`);
      if (Date.now() > wallDeadline) break;
    }
    const startSeconds = (Date.now() - t0) / 1000;
    if (global.gc) global.gc();
    const mem = process.memoryUsage();
    const worst = (at: string) => (lists[at] ? Math.max(...Object.values(lists[at].shapes).map((x) => x.p99Ms)) : null);
    const figures = {
      openFolios: projected,
      requested: p.n,
      startSeconds: round1(startSeconds),
      workerRssMb: round1(mem.rss / 1048576),
      workerRssNote: 'the process also runs the benchmark driver, the simulated hotels and the API',
      heapUsedMb: round1(mem.heapUsed / 1048576),
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
lifecycles started:           ${started}/${p.n} in ${startSeconds.toFixed(0)} s, all projected as waiting: ${projected}
worker process RSS:           ${mb(mem.rss)} (was ${mb(rssBefore)} before starting; heap used ${mb(mem.heapUsed)}) — the process also runs the driver and the API
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
    await world.stop();
    await nativeConnection.close();
    await connection.close();
    await stopStack();
  }
}

runBench(main);
