// Real servers for tests, started lazily (unit tests start none) and once per mocha run:
// FerretDB (MongoDB wire protocol), the Temporal dev server, the Java time-skipping server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleInputs } from '../../workers/workflow-bundle';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS_BIN = path.join(ROOT, '.tools', 'bin');

export function tool(name: string): string {
  const p = path.join(TOOLS_BIN, name);
  if (!existsSync(p)) throw new Error(`${name} is not provisioned at ${p}: run 'bash scripts/provision.sh' (npm test does)`);
  return p;
}

import { freePort } from '../../sandbox/net';
import { sqliteStoreArgs } from '../../scripts/ferretdb/args';

export { freePort };

const cleanups: (() => Promise<void>)[] = [];
const once = new Map<string, Promise<unknown>>();
function lazy<T>(key: string, start: () => Promise<T>): Promise<T> {
  let p = once.get(key) as Promise<T> | undefined;
  if (!p) {
    p = start();
    once.set(key, p);
  }
  return p;
}

export async function stopStack(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
  once.clear();
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `folio-${prefix}-`));
  cleanups.unshift(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function waitForExit(child: ChildProcess, ms: number) {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Starts a child process and registers its shutdown (SIGTERM, then SIGKILL). */
export function startProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env }, cwd: opts.cwd });
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', (code, signal) => {
    if (code && code !== 0 && !signal) process.stderr.write(`[stack] ${path.basename(cmd)} exited ${code}:\n${tail}\n`);
  });
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await waitForExit(child, 5000);
  });
  return child;
}

export interface MongoHandle {
  uri: string;
  client: MongoClient;
  /** A fresh database for one test file. */
  db(name?: string): Db;
}

export function startMongo(): Promise<MongoHandle> {
  return lazy('mongo', () => startSqliteStore());
}

/** A FerretDB on SQLite of its own: the embedded store, or (pushdown false) the same binary without its pushdown. */
export function startSqliteStore(opts: { pushdown?: boolean } = {}): Promise<MongoHandle> {
  const dir = tempDir('ferretdb');
  return connectFerret(dir, sqliteStoreArgs(dir, opts));
}

/**
 * FerretDB on a PostgreSQL cluster of its own (Debian's PostgreSQL 15 binaries, run as the postgres
 * user when we are root) — for benchmarks whose write load SQLite's single writer cannot take.
 */
export function startMongoOnPostgres(): Promise<MongoHandle> {
  return lazy('mongo-postgres', async () => {
    const bin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
    if (!existsSync(path.join(bin, 'postgres'))) throw new Error(`PostgreSQL binaries not found in ${bin}: apt-get install postgresql-15, or set PG_BIN`);
    const dir = tempDir('postgres');
    const asPostgres = process.getuid?.() === 0;
    const run = (cmd: string, args: string[]) => (asPostgres ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args]) as [string, string[]];
    const succeeds = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
    if (asPostgres && !succeeds('chown', ['postgres', dir])) throw new Error(`chown postgres ${dir} failed`);
    const data = path.join(dir, 'data');
    if (!succeeds(...run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']))) throw new Error(`initdb -D ${data} failed`);
    const pgPort = await freePort();
    startProcess(...run('postgres', ['-D', data, '-p', String(pgPort), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'shared_buffers=512MB']));
    for (let i = 0; !succeeds(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(pgPort)]); i++) {
      if (i > 100) throw new Error(`PostgreSQL did not come up on 127.0.0.1:${pgPort}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!succeeds(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', 'ferretdb'])) throw new Error(`createdb ferretdb on 127.0.0.1:${pgPort} failed`);
    return connectFerret(tempDir('ferretdb-pg'), ['--handler=postgresql', `--postgresql-url=postgres://postgres@127.0.0.1:${pgPort}/ferretdb`]);
  });
}

async function connectFerret(stateDir: string, backend: string[]): Promise<MongoHandle> {
  const port = await freePort();
  startProcess(tool('ferretdb'), [...backend, `--state-dir=${stateDir}`, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', '--telemetry=disable', '--log-level=error']);
  const uri = `mongodb://127.0.0.1:${port}/`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500 });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`FerretDB did not come up on ${uri}: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  cleanups.push(() => client.close());
  let n = 0;
  return { uri, client, db: (name?: string) => client.db(name ?? `test_${process.pid}_${++n}`) };
}

const INDEXED_TYPE = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

const searchAttributeArgs = Object.entries(SEARCH_ATTRIBUTES).flatMap(([k, t]) => ['--search-attribute', `${k}=${t}`]);

/** The real Temporal dev server (CLI), with our search attributes registered, shared by whoever asks. */
export function startTemporal(): Promise<TestWorkflowEnvironment> {
  return lazy('temporal', () => createDevServer());
}

/**
 * A dev server of the caller's own, with dynamic config of its own (e.g. `limit.historyCount.suggestContinueAsNew`
 * low, so continue-as-new is suggested after a few hundred events); stopped with the stack or by `teardown()`.
 */
export async function createDevServer(dynamicConfig: Record<string, string | number> = {}): Promise<TestWorkflowEnvironment> {
  const dynamic = Object.entries({ 'frontend.enableServerVersionCheck': 'false', ...dynamicConfig }).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${v}`]);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: tool('temporal') },
      ip: '127.0.0.1',
      ui: false,
      extraArgs: [...searchAttributeArgs, ...dynamic, '--log-level', 'error'],
    },
  });
  return teardownOnce(env);
}

/** Registers the environment with the stack and lets its owner tear it down earlier without a second teardown. */
function teardownOnce(env: TestWorkflowEnvironment, andThen?: () => Promise<void>): TestWorkflowEnvironment {
  let down: Promise<void> | undefined;
  const teardown = env.teardown.bind(env);
  env.teardown = () => (down ??= teardown().then(andThen));
  cleanups.push(() => env.teardown());
  return env;
}

export interface TemporalServer {
  address: string;
  /** The SQLite file the server keeps its state in: a restart resumes every workflow from it. */
  dbFile: string;
  /** Stops the server process (SIGTERM, SIGKILL after 5 s); the database file stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and database, and waits until it answers. */
  start(): Promise<void>;
}

/**
 * A Temporal dev server of the caller's own (CLI, SQLite file, our search attributes) that can be
 * stopped and started again on the same address and data — for benchmarks that read its database's size
 * and drills that restart it mid-run.
 */
export async function startTemporalServer(name: string): Promise<TemporalServer> {
  const port = await freePort();
  const dbFile = path.join(tempDir(name), 'temporal.sqlite');
  const address = `127.0.0.1:${port}`;
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', dbFile, ...searchAttributeArgs, '--dynamic-config-value', 'frontend.enableServerVersionCheck=false', '--log-level', 'error'];
  let child: ChildProcess | undefined;
  const server: TemporalServer = {
    address,
    dbFile,
    async stop() {
      if (!child) return;
      const c = child;
      child = undefined;
      c.kill('SIGTERM');
      await waitForExit(c, 5000);
    },
    async start() {
      child = startProcess(tool('temporal'), args);
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          const c = await Connection.connect({ address, connectTimeout: 1000 });
          try {
            await c.workflowService.getSystemInfo({});
          } finally {
            await c.close();
          }
          return;
        } catch (e) {
          if (child.exitCode !== null) throw new Error(`the Temporal dev server on ${address} exited (${child.exitCode}) while starting`);
          if (Date.now() > deadline) throw new Error(`the Temporal dev server did not come up on ${address}: ${String(e)}`);
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    },
  };
  await server.start();
  return server;
}

/** Temporal's Java time-skipping test server, shared by whoever asks: days of timers in seconds. */
export function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  return lazy('timeskipping', createTimeSkipping);
}

/**
 * A time-skipping server of the caller's own, stopped by `teardown()` or with the stack. The server skips time
 * only while no workflow task waits, so workflows a test file leaves behind (with no worker) would stall the
 * clock of every file after it on a shared server. Started here rather than by the SDK, whose 5-second start-up
 * limit a JVM on a busy machine misses.
 */
export async function createTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const port = await freePort();
  const child = startProcess(tool('temporal-test-server'), [String(port)]);
  const address = `127.0.0.1:${port}`;
  await waitForListener(address, child, 120_000);
  // the SDK's own factory, as createFromExistingServer uses it, but with the time-skipping service enabled
  const create = (TestWorkflowEnvironment as unknown as { create(o: object): Promise<TestWorkflowEnvironment> }).create.bind(TestWorkflowEnvironment);
  const env = teardownOnce(await create({ server: { type: 'existing' }, supportsTimeSkipping: true, address, namespace: 'default' }), async () => {
    child.kill('SIGTERM');
    await waitForExit(child, 5000);
  });
  // the Java test server knows no custom search attributes until told, as a real cluster's operator would
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([k, t]) => [k, INDEXED_TYPE[t]])),
  });
  return env;
}

async function waitForListener(address: string, child: ChildProcess, ms: number): Promise<void> {
  const [host, port] = [address.split(':')[0]!, Number(address.split(':')[1])];
  const deadline = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (child.exitCode !== null) throw new Error(`the time-skipping server exited (${child.exitCode}) while starting`);
    if (Date.now() > deadline) throw new Error(`the time-skipping server did not listen on ${address} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Workflow code bundled once per run, as the worker process bundles it (its shared modules too), and shared by every test worker. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return lazy('bundle', () => bundleWorkflowCode({ ...bundleInputs(false), logger: quietLogger }));
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error(m: string, meta?: unknown) {
    process.stderr.write(`[bundle] ${m} ${meta ? JSON.stringify(meta) : ''}\n`);
  },
};
