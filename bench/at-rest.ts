// Open workflows at rest: N folio lifecycles that wait on their check-out timers on a real Temporal dev
// server (SQLite file), then the worker's memory, the server database's size and the API's list latency
// over that many projections (the real Express app, real keys, FerretDB).
//   npx tsx bench/at-rest.ts [--postgres] [--max-cached N] [--n 100000] [--hotels 300] [--max-wall-minutes 20] [--requests 300]
import { statSync, existsSync } from 'node:fs';
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
import { arg, inPool, planRequests, quantile, runBench } from './requests';
import { SimWorld } from './sim-world';
import { edgeFor } from '../temporal/edge';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sizeOf = (file: string) => ['', '-wal', '-shm'].reduce((s, ext) => s + (existsSync(file + ext) ? statSync(file + ext).size : 0), 0);

async function main() {
  const p = { store: process.argv.includes('--postgres') ? 'postgres' : 'sqlite', n: arg('n', 100_000), hotels: arg('hotels', 300), maxWallMinutes: arg('max-wall-minutes', 20), requests: arg('requests', 300), seed: arg('seed', 3), maxCached: arg('max-cached', 0) };
  console.log(`npx tsx bench/at-rest.ts${p.store === 'postgres' ? ' --postgres' : ''} --n ${p.n} --hotels ${p.hotels} --max-wall-minutes ${p.maxWallMinutes} --requests ${p.requests} --seed ${p.seed}${p.maxCached ? ` --max-cached ${p.maxCached}` : ''}`);
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
    await inPool(reqs, 48, async (r) => {
      if (Date.now() > wallDeadline) return;
      await world.start(r, { checkoutGraceHours: 24 });
      started++;
      if (started % 1000 === 0) console.log(`  ${started} started (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    });
    const startSeconds = (Date.now() - t0) / 1000;
    // at rest: every started lifecycle has projected itself as waiting for check-out
    let projected = 0;
    for (;;) {
      projected = (await world.store.folios.countByStatus([FolioStatus.WaitingForCheckout])).get(FolioStatus.WaitingForCheckout) ?? 0;
      if (projected >= started || Date.now() > wallDeadline + 120_000) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const restSeconds = (Date.now() - t0) / 1000;
    if (global.gc) global.gc();
    const mem = process.memoryUsage();

    // the API's list endpoint over that many projections
    const keys = new ApiKeys(world.store.apiKeys);
    const ops = await keys.create({ clientId: 'ops', role: 'operator' });
    const app = createApp({ config: world.config, store: world.store, temporal: edgeFor(client, world.config), logger: logger.child({}, { level: 'silent' }), keys, rateLimitPerMinute: 1_000_000 });
    const port = await freePort();
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    const queries = ['limit=50', 'limit=200', 'status=WaitingForCheckout&limit=50', `hotelId=${hotels[0].config.hotelId}&limit=50`, 'needsAttention=true&limit=50'];
    const latencies: number[] = [];
    const failures: Record<string, number> = {};
    let cursor: string | null = null;
    for (let i = 0; i < p.requests; i++) {
      const q = i % 6 === 5 && cursor ? `limit=50&cursor=${encodeURIComponent(cursor)}` : queries[i % queries.length];
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/v1/folios?${q}`, { headers: { authorization: `Bearer ${ops.key}` } });
      const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
      latencies.push(performance.now() - t);
      // a failed answer is counted and reported with the figures, not hidden and not fatal
      if (res.status !== 200) failures[`${res.status} on ${q.split('&')[0]}`] = (failures[`${res.status} on ${q.split('&')[0]}`] ?? 0) + 1;
      else if (q === 'limit=50' || q.includes('cursor')) cursor = body.nextCursor;
    }
    console.log(`
== at rest (dev server on SQLite, FerretDB on ${p.store === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${new Date().toISOString()})
lifecycles started:           ${started}/${p.n} in ${startSeconds.toFixed(0)} s (${(started / startSeconds).toFixed(1)}/s); all projected as waiting after ${restSeconds.toFixed(0)} s: ${projected}
worker process RSS:           ${mb(mem.rss)} (was ${mb(rssBefore)} before starting; heap used ${mb(mem.heapUsed)}) — the process also runs the driver and the API
dev server SQLite database:   ${mb(sizeOf(dbFile))} (${(sizeOf(dbFile) / Math.max(started, 1) / 1024).toFixed(1)} KB per open lifecycle)
API GET /v1/folios over ${projected} projections (${p.requests} requests: ${queries.join(' | ')} | next page by cursor):
                              p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms
                              non-200 answers: ${Object.entries(failures).map(([k, v]) => `${v}× ${k}`).join(', ') || 'none'}
`);
  } finally {
    server?.close();
    await world.stop();
    await nativeConnection.close();
    await connection.close();
    await stopStack();
  }
}

runBench(main);
