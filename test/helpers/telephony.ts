// The telephony test bed: our webhook routers and media bridge on an ephemeral port, the Twilio and
// ElevenLabs emulators playing hotels by phone profile, a worker running the real call workflow with
// the real telephony activities — over real FerretDB and the real Temporal dev server.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import type { Db } from 'mongodb';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { TwilioTelephony } from '../../adapters/telephony/twilio';
import { createTelephonyActivities } from '../../activities/telephony';
import { createTwilioWebhookRouter } from '../../api/webhooks/twilio';
import { createElevenLabsWebhookRouter } from '../../api/webhooks/elevenlabs';
import { attachMediaBridge } from '../../api/media-bridge';
import type { ApiDeps } from '../../api/deps';
import { hotelSnapshot, type BatchGuest, type CallResult, type Hotel } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import type { TwilioEmulator } from '../../sandbox/twilio/emulator';
import type { ElevenLabsEmulator } from '../../sandbox/elevenlabs/emulator';
import { phoneProfile } from '../../sandbox/profiles/phone';
import { startTelephonySandbox } from '../../sandbox/twilio/telephony-sandbox';
import type { callWorkflow } from '../../workflows/call';
import { freePort, startMongo, startTemporal, workflowBundle } from './stack';
import { edgeFor } from '../../temporal/edge';

export interface TelephonyWorld {
  config: Config;
  store: Store;
  /** The world's database, for tests that set up a state no repository writes. */
  db: Db;
  temporal: Client;
  deps: ApiDeps;
  baseUrl: string;
  twilio: TwilioEmulator;
  eleven: ElevenLabsEmulator;
  taskQueue: string;
  addHotel(profile: string, extra?: Partial<Hotel>): Promise<Hotel>;
  startCall(hotel: Hotel, opts?: { guests?: number; overflowSeconds?: number }): Promise<{ callId: string; guests: BatchGuest[]; handle: WorkflowHandle<typeof callWorkflow> }>;
  close(): Promise<void>;
}

let n = 0;
let phoneCounter = 0;
const hex = (b: number) => randomBytes(b).toString('hex');

export async function startTelephonyWorld(opts: { timeScale?: number; withWorker?: boolean; config?: Record<string, string> } = {}): Promise<TelephonyWorld> {
  const [mongo, env] = await Promise.all([startMongo(), startTemporal()]);
  const db = mongo.db();
  const store = new Store(db);
  await store.ensureIndexes();
  const timeScale = opts.timeScale ?? 0.2;
  const [port, twilioPort, elevenLabsPort] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const taskQueue = `telephony-test-${process.pid}-${++n}`;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    TEMPORAL_TASK_QUEUE: taskQueue,
    PUBLIC_BASE_URL: baseUrl,
    TWILIO_ACCOUNT_SID: `AC${hex(16)}`,
    TWILIO_AUTH_TOKEN: hex(16),
    TWILIO_FROM_NUMBER: '+15005550006',
    TWILIO_API_BASE_URL: `http://127.0.0.1:${twilioPort}`,
    ELEVENLABS_API_KEY: `sk_${hex(12)}`,
    ELEVENLABS_WEBHOOK_SECRET: `wsec_${hex(16)}`,
    ELEVENLABS_BASE_URL: `http://127.0.0.1:${elevenLabsPort}`,
    ELEVENLABS_AGENT_ID: 'agent_sandbox',
    ...opts.config,
  });
  // The emulators play each hotel by the sandboxProfile stored with it, as in the sandbox.
  const { twilio, eleven, stop: stopEmulators } = await startTelephonySandbox({ config, store, twilioPort, elevenLabsPort, timeScale });
  const log = logger.child({}, { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const temporal = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  const deps: ApiDeps = { config, store, temporal: edgeFor(temporal, config, log), logger: log };

  const app = express();
  app.use('/v1/webhooks/twilio', createTwilioWebhookRouter(deps));
  app.use('/v1/webhooks/elevenlabs', createElevenLabsWebhookRouter(deps));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  const bridge = attachMediaBridge(server, deps);

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  if (opts.withWorker !== false) {
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createTelephonyActivities({ config, store, telephony: new TwilioTelephony(config), logger: log, ringTimeoutSeconds: 10 }),
    });
    running = worker.run();
  }

  return {
    config,
    store,
    db,
    temporal,
    deps,
    baseUrl,
    twilio,
    eleven,
    taskQueue,
    async addHotel(profile, extra = {}) {
      phoneProfile(profile); // a misspelt profile fails here, by name
      const phone = `+4420794${60_000 + ++phoneCounter}`; // 020 7946 0xxx: London numbers Ofcom keeps for drama, valid and never in use
      const hotel = HotelConfig.parse({
        hotelId: `hotel-${profile}-${hex(3)}`,
        name: `Hotel ${profile}`,
        phone,
        timeZone: 'Europe/London',
        country: 'GB',
        language: 'en',
        emails: ['frontdesk@hotel.example'],
        sandboxProfile: profile,
        ...extra,
      });
      await store.hotels.upsert(hotel);
      return hotel;
    },
    async startCall(hotel, o = {}) {
      const callId = `call-${hex(6)}`;
      const guests: BatchGuest[] = Array.from({ length: o.guests ?? 1 }, (_, i) => ({
        folioId: `folio-${hex(4)}-${i}`,
        workflowId: `folio:test:${hex(4)}`,
        guestName: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'][i % 4],
        confirmationNumber: `CNF${hex(3).toUpperCase()}`,
        checkIn: '2026-11-01',
        checkOut: '2026-11-04',
      }));
      const handle = await temporal.workflow.start<typeof callWorkflow>('callWorkflow', {
        taskQueue,
        workflowId: callId,
        args: [{ callId, hotel: hotelSnapshot(hotel), guests, replyTo: `folios+${hex(4)}@folio.test`, overflowSeconds: o.overflowSeconds ?? 30 }],
        workflowExecutionTimeout: '3 minutes',
      });
      return { callId, guests, handle };
    },
    async close() {
      worker?.shutdown();
      await running?.catch(() => undefined);
      await bridge.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await stopEmulators();
    },
  };
}

export type { CallResult };
