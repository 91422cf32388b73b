// The worker and API processes as deployed (workers/main.ts, api/server.ts, the sandbox's defaults; with
// EXTRACTION_TASK_QUEUE set, the extraction process too) on a test's own database, task queue and ports, with one hotel
// and a client key: for tests of what only the real processes show.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Store } from '../../adapters/mongo/store';
import { ApiKeys } from '../../api/auth';
import { HotelConfig } from '../../domain/schemas';
import { SANDBOX_ENV } from '../../scripts/dev-stack';
import { allDay } from './dates';
import { freePort, ROOT, startMongo, startProcess, startTemporal, tempDir } from './stack';

export interface AppProcesses {
  temporal: TestWorkflowEnvironment;
  store: Store;
  keys: ApiKeys;
  hotelId: string;
  clientKey: string;
  taskQueue: string;
  ports: { api: number; apiOps: number; sdkMetrics: number; workerOps: number; extractionOps: number };
  worker: ChildProcess;
  api: ChildProcess;
  /** The extraction process, when EXTRACTION_TASK_QUEUE is set. */
  extraction?: ChildProcess;
  /** What the extraction process wrote. */
  extractionLog(): string;
  /** Resolves with the worker's exit code. */
  workerExited: Promise<number | null>;
  /** What the worker wrote (stdout and stderr). */
  log(): string;
  /** Polls until the probe returns something; fails (with the worker's last output) past the deadline or if a process died. */
  until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T>;
}

export async function startAppProcesses(name: string, env: Record<string, string> = {}, deadlineMs = 150_000): Promise<AppProcesses> {
  const [mongo, temporal] = await Promise.all([startMongo(), startTemporal()]);
  const dbName = `${name.replace(/-/g, '_')}_${process.pid}`;
  const store = new Store(mongo.client.db(dbName));
  await store.ensureIndexes();
  // a hotel of this test's own: the dev server is shared, so its dispatcher's id must be new
  const hotelId = `${name}-${process.pid}`;
  // 555-01xx: numbers kept for fiction, valid and never in use; one per test name and process
  const phone = `+155501${name.length % 10}${String(process.pid % 10_000).padStart(4, '0')}`;
  await store.hotels.upsert(HotelConfig.parse({ hotelId, name: `Hotel ${name}`, phone, emails: [`desk@${hotelId}.example`], timeZone: 'Europe/London', country: 'GB', businessHours: allDay }));
  const keys = new ApiKeys(store.apiKeys);
  const { key: clientKey } = await keys.create({ clientId: `${name}-client`, role: 'client' });
  const [api, apiOps, sdkMetrics, workerOps, extractionOps, extractionMetrics] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const taskQueue = `${name}-${process.pid}`;
  const full: Record<string, string> = {
    ...SANDBOX_ENV,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: mongo.uri,
    MONGODB_DB: dbName,
    DATA_DIR: tempDir(name),
    LOG_LEVEL: 'info',
    API_PORT: String(api),
    API_OPS_PORT: String(apiOps),
    PUBLIC_BASE_URL: `http://127.0.0.1:${api}`,
    METRICS_PORT: String(sdkMetrics),
    WORKER_OPS_PORT: String(workerOps),
    EXTRACTION_OPS_PORT: String(extractionOps),
    EXTRACTION_METRICS_PORT: String(extractionMetrics),
    ...env,
  };
  const node = (file: string): ChildProcess => startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, file)], { env: full, cwd: ROOT });
  const worker = node('workers/main.ts');
  let log = '';
  worker.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  worker.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const workerExited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
  const apiProcess = node('api/server.ts');
  const extraction = full.EXTRACTION_TASK_QUEUE ? node('workers/extraction.ts') : undefined;
  let extractionLog = '';
  extraction?.stdout!.on('data', (b: Buffer) => (extractionLog += b.toString()));
  extraction?.stderr!.on('data', (b: Buffer) => (extractionLog += b.toString()));
  const deadline = Date.now() + deadlineMs;
  return {
    temporal,
    store,
    keys,
    hotelId,
    clientKey,
    taskQueue,
    ports: { api, apiOps, sdkMetrics, workerOps, extractionOps },
    worker,
    api: apiProcess,
    extraction,
    extractionLog: () => extractionLog,
    workerExited,
    log: () => log,
    async until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
      for (;;) {
        const got = await probe().catch(() => undefined);
        if (got !== undefined) return got;
        assert.ok(Date.now() < deadline && worker.exitCode === null && apiProcess.exitCode === null && (extraction?.exitCode ?? null) === null, `timed out waiting for ${what}:\n${log.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}
