// The real API on an ephemeral port, over real FerretDB and the real Temporal dev server, with three keys:
// two clients and an operator. Optionally a worker with the real workflows and lifecycle activities.
import type { Server } from 'node:http';
import type { Db } from 'mongodb';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { FieldCrypto } from '../../adapters/mongo/field-crypto';
import { dataConverter } from '../../temporal/data-converter';
import type { Express } from 'express';
import { createApp, type AppOptions } from '../../api/app';
import { createOpsApp } from '../../api/ops';
import { createMetrics } from '../../observability/metrics';
import { ApiKeys } from '../../api/auth';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { ProjectionWriter, projectionSinks } from '../../activities/projection-writer';
import { createDeliveryActivities } from '../../activities/delivery';
import { createExtractionActivities } from '../../activities/extraction';
import { createExtractor } from '../../adapters/extraction';
import { ROUTES, type RouteDoc } from '../../api/openapi';
import { startMongo, startTemporal, workflowBundle } from './stack';
import { daysFromNow } from './dates';
import { edgeFor } from '../../temporal/edge';

export interface ApiHandle {
  url: string;
  /** The operations port: /metrics and /health/*. */
  opsUrl: string;
  config: Config;
  store: Store;
  /** The API's database, for tests that look at what is stored beneath the repositories. */
  db: Db;
  temporal: Client;
  keys: { a: string; b: string; operator: string };
  close(): Promise<void>;
}

export interface StartApiOptions extends AppOptions {
  env?: NodeJS.ProcessEnv;
  /** Run a worker with the real workflows and the lifecycle, extraction and delivery activities on this API's task queue. */
  worker?: boolean;
  /** The database to serve (default: a fresh one). */
  db?: Db;
}

let counter = 0;

export async function startApi(opts: StartApiOptions = {}): Promise<ApiHandle> {
  const [mongo, env] = await Promise.all([startMongo(), startTemporal()]);
  const config = loadConfig({ LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: `api-test-${process.pid}-${++counter}`, CODEC_CORS_ORIGIN: 'http://127.0.0.1:8233', ...opts.env });
  const db = opts.db ?? mongo.db();
  // personal data sealed with the configured ring (the sandbox's development key unless PAYLOAD_KEYS is given)
  const store = new Store(db, { crypto: FieldCrypto.fromConfig(config) });
  await store.ensureIndexes();
  const temporal = new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter: dataConverter(config) });
  const keys = new ApiKeys(store.apiKeys);
  const [a, b, operator] = await Promise.all([
    keys.create({ clientId: 'client-a', role: 'client' }),
    keys.create({ clientId: 'client-b', role: 'client' }),
    keys.create({ clientId: 'ops', role: 'operator' }),
  ]);
  const edge = edgeFor(temporal, config);
  const metrics = opts.metrics ?? createMetrics(store);
  const app = createApp({ config, store, temporal: edge, logger: logger.child({}, { level: 'silent' }), keys, metrics, ...opts });
  const [server, ops] = await Promise.all([listenLoopback(app), listenLoopback(createOpsApp({ store, temporal: edge, metrics }))]);

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  if (opts.worker) {
    const projections = new ProjectionWriter(store);
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      activities: {
        ...createLifecycleActivities({ config, store, temporal: edge, projections }),
        ...createExtractionActivities({ extractor: createExtractor(config), documents: store.documents }),
        ...createDeliveryActivities({ config, store }),
      },
      sinks: projectionSinks(projections),
      dataConverter: dataConverter(config),
    });
    running = worker.run();
  }

  return {
    url: `http://127.0.0.1:${portOf(server)}`,
    opsUrl: `http://127.0.0.1:${portOf(ops)}`,
    config,
    store,
    db,
    temporal,
    keys: { a: a.key, b: b.key, operator: operator.key },
    async close() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running?.catch(() => undefined);
      for (const s of [server, ops]) s.closeAllConnections();
      await Promise.all([server, ops].map((s) => new Promise((r) => s.close(r))));
    },
  };
}

/** An app on an ephemeral loopback port. */
export function listenLoopback(app: Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

export const portOf = (server: Server): number => (server.address() as { port: number }).port;

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** What the contract test checks: every documented (method, path, status) seen, and no undocumented status. */
export const seen = new Map<string, Set<number>>();
export const undocumented: string[] = [];

function routeFor(method: string, path: string): RouteDoc | undefined {
  const bare = path.split('?')[0];
  return ROUTES.find((r) => r.method === method.toLowerCase() && new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare));
}

export async function call(base: string, method: string, path: string, opts: { key?: string; body?: unknown; raw?: string | Buffer; contentType?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body, signal: AbortSignal.timeout(30_000) });
  const text = Buffer.from(await res.arrayBuffer());
  const isJson = res.headers.get('content-type')?.includes('json');
  const parsed = isJson && text.length ? JSON.parse(text.toString()) : text;
  const route = routeFor(method, path);
  if (route) {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    const doc = route.responses[res.status];
    if (!doc) undocumented.push(`${key} → ${res.status}: ${text.toString().slice(0, 200)}`);
    else {
      if (!seen.has(key)) seen.set(key, new Set());
      seen.get(key)!.add(res.status);
      const check = doc.schema?.safeParse(parsed);
      if (check && !check.success) throw new Error(`${key} → ${res.status} does not match its documented schema: ${check.error.message}\n${text.toString().slice(0, 500)}`);
    }
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export function folioInput(over: Record<string, unknown> = {}) {
  const checkOut = daysFromNow(10);
  const checkIn = daysFromNow(7);
  return {
    clientReference: `ref-${Math.random().toString(36).slice(2, 10)}`,
    guest: { firstName: 'Ada', lastName: 'Lovelace' },
    confirmationNumber: 'CNF123456',
    checkIn,
    checkOut,
    hotel: { hotelId: 'grand-test' },
    ...over,
  };
}

export const HOTEL = {
  hotelId: 'grand-test',
  name: 'Grand Test Hotel',
  phone: '+442071234567',
  emails: ['frontdesk@grand-test.example'],
  timeZone: 'Europe/London',
  country: 'GB',
  language: 'en',
};
