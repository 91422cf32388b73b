// The production topology for benchmarks that measure the worker: a Temporal dev server (SQLite file), FerretDB
// (SQLite, or PostgreSQL with `store: 'postgres'`), the real worker process (workers/main.ts) and the extraction
// process, each its own process and configured from its environment as deployed, and the API (the real Express
// app, real keys) in this process. Used by bench/at-rest.ts and bench/wake-burst.ts.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Db } from 'mongodb';
import { createApp } from '../api/app';
import { ApiKeys } from '../api/auth';
import { Store } from '../adapters/mongo/store';
import { loadConfig, type Config } from '../config';
import { logger } from '../config/logger';
import { SANDBOX_ENV } from '../scripts/dev-stack';
import { freePort, ROOT, startMongo, startMongoOnPostgres, startProcess, startTemporalServer, stopStack, tempDir } from '../test/helpers/stack';
import { edgeFor } from '../temporal/edge';
import { promSample } from '../test/helpers/prom';

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A SQLite database's size with its write-ahead log. */
export const sizeOf = (file: string) => ['', '-wal', '-shm'].reduce((s, ext) => s + (existsSync(file + ext) ? statSync(file + ext).size : 0), 0);

/** A process's resident memory now and at its peak (Linux /proc), in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Starts a new peak-RSS measurement of a process of ours (Linux: `5` into /proc/<pid>/clear_refs resets VmHWM). */
export function resetPeakMemory(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** One sample's value from a Prometheus text exposition (0 when absent). */
export const metric = (text: string, name: string): number => promSample(text, name) ?? 0;

export interface WorkerStack {
  config: Config;
  store: Store;
  /** The store's database, for reading what the product wrote. */
  db: Db;
  /** The dev server's SQLite file (its size is the Temporal store's). */
  dbFile: string;
  workerPid: number;
  /** RSS of the worker process when it became ready, in bytes. */
  rssAtReady: number;
  /** The API in this process: operator key unless another is given. */
  api(pathAndQuery: string, init?: RequestInit, key?: string): Promise<Response>;
  /** A client key (client `bench`) for starting folios. */
  clientKey: string;
  workerMetrics(): Promise<string>;
  /** The last lines the worker printed. */
  workerLog(): string;
  /** Throws when the worker process has exited. */
  checkWorker(): void;
  /**
   * Waits until the worker has written a projection state for `started` lifecycles and has none waiting, or
   * until `deadline` (+2 min) has passed; returns the states written.
   */
  settle(started: number, deadline: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startWorkerStack(p: {
  name: string;
  store: 'sqlite' | 'postgres';
  maxCached?: number;
  env?: Record<string, string>;
  /** WORKER_WORKFLOW_HEAP_MB (0: the worker's default, derived from the cache bound). */
  workflowHeapMb?: number;
}): Promise<WorkerStack> {
  const { address, dbFile } = await startTemporalServer(p.name);
  const mongo = p.store === 'postgres' ? await startMongoOnPostgres() : await startMongo();
  const dbName = `${p.name.replace(/\W/g, '_')}_${process.pid}`;
  const [apiPort, sdkMetrics, workerOps, extractionOps, extractionMetrics] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  // the deployment's configuration, as the worker process reads it from its environment
  const env: Record<string, string> = {
    ...SANDBOX_ENV,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `${p.name}-${process.pid}`,
    MONGODB_URI: mongo.uri,
    MONGODB_DB: dbName,
    DATA_DIR: tempDir(`${p.name}-data`),
    LOG_LEVEL: 'warn',
    API_PORT: String(apiPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    METRICS_PORT: String(sdkMetrics),
    WORKER_OPS_PORT: String(workerOps),
    // documents by the extraction process, as deployed (docker-compose, npm start): the worker keeps only workflows
    EXTRACTION_TASK_QUEUE: `${p.name}-documents-${process.pid}`,
    EXTRACTION_OPS_PORT: String(extractionOps),
    EXTRACTION_METRICS_PORT: String(extractionMetrics),
    ...(p.maxCached && p.maxCached > 0 && { WORKER_MAX_CACHED_WORKFLOWS: String(p.maxCached) }),
    ...(p.workflowHeapMb && p.workflowHeapMb > 0 && { WORKER_WORKFLOW_HEAP_MB: String(p.workflowHeapMb) }),
    ...p.env,
  };
  const config = loadConfig(env);
  const db = mongo.client.db(dbName);
  const store = new Store(db);
  await store.ensureIndexes();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });

  let server: Server | undefined;
  const stop = async () => {
    server?.close();
    await connection.close();
    await stopStack();
  };
  try {
    const worker: ChildProcess = startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/main.ts')], { env, cwd: ROOT });
    startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/extraction.ts')], { env, cwd: ROOT });
    let log = '';
    const keepLog = (b: Buffer) => void (log = (log + b.toString()).slice(-8000));
    worker.stdout!.on('data', keepLog);
    worker.stderr!.on('data', keepLog);
    const checkWorker = () => {
      if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode}):\n${log}`);
    };
    const workerMetrics = async () => (await fetch(`http://127.0.0.1:${workerOps}/metrics`)).text();
    for (let i = 0; ; i++) {
      checkWorker();
      if (await fetch(`http://127.0.0.1:${workerOps}/health/ready`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error(`the worker was not ready after 150 s:\n${log}`);
      await sleep(500);
    }
    const workerPid = worker.pid!;

    // the API as deployed, in this process
    const keys = new ApiKeys(store.apiKeys);
    const ops = await keys.create({ clientId: 'ops', role: 'operator' });
    const bench = await keys.create({ clientId: 'bench', role: 'client' });
    const app = createApp({ config, store, temporal: edgeFor(client, config), logger: logger.child({}, { level: 'silent' }), keys, rateLimitPerMinute: 100_000_000 });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(apiPort, '127.0.0.1', () => resolve(s));
    });
    const api = (pathAndQuery: string, init: RequestInit = {}, key = ops.key) =>
      fetch(`http://127.0.0.1:${apiPort}${pathAndQuery}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });

    const settle = async (started: number, deadline: number): Promise<number> => {
      for (let i = 1; ; i++) {
        const text = await workerMetrics().catch(() => '');
        const written = metric(text, 'folio_projection_writes_total');
        const waiting = metric(text, 'folio_projection_waiting');
        if (written >= started && waiting === 0) return written;
        if (Date.now() > deadline + 120_000) {
          console.log(`  not settled within the budget: ${written} states written for ${started} started, ${waiting} waiting; the worker's last output:\n${log.slice(-3000)}`);
          return written;
        }
        if (i % 15 === 0) console.log(`  settling: ${written} states written for ${started} started, ${waiting} waiting, worker RSS ${round1(memoryOf(workerPid).rss / 1048576)} MB`);
        checkWorker();
        await sleep(2000);
      }
    };

    return { config, store, db, dbFile, workerPid, rssAtReady: memoryOf(workerPid).rss, api, clientKey: bench.key, workerMetrics, workerLog: () => log, checkWorker, settle, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
