// Twilio status-callback throughput and latency on loopback: our webhook endpoint (signature check, the
// callback written to the callback inbox in FerretDB and relayed as a signal to a live call workflow on the
// Temporal dev server, 204) next to a bare Express endpoint answering 200, driven open-loop at the same rate
// in the same run. Bounded: stops by itself.
//   npx tsx bench/webhooks.ts [rate=200 req/s] [seconds=8 per endpoint]   (about 2 × seconds + 10 s in all)
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { Store } from '../adapters/mongo/store';
import { CallbackRelay } from '../adapters/callbacks/relay';
import { createTwilioWebhookRouter } from '../api/webhooks/twilio';
import { callWorkflowType, type CallInput } from '../workflows/definitions';
import { startMongo, startTemporal, stopStack } from '../test/helpers/stack';
import { edgeFor, GONE } from '../temporal/edge';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 8);
const SLICES = 4;
const WARMUP_SECONDS = 0.5;
const MAX_IN_FLIGHT = 2000;

interface Run {
  name: string;
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
  latenciesMs: number[];
  seconds: number;
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

async function drive(name: string, request: (i: number) => Promise<Response>): Promise<Run> {
  const run: Run = { name, sent: 0, ok: 0, failed: 0, dropped: 0, latenciesMs: [], seconds: SECONDS };
  let inFlight = 0;
  let i = 0;
  const fire = (measure: boolean) => {
    if (inFlight >= MAX_IN_FLIGHT) return void (measure && run.dropped++);
    inFlight++;
    if (measure) run.sent++;
    const t0 = performance.now();
    request(i++)
      .then(async (res) => {
        await res.arrayBuffer();
        if (!measure) return;
        if (res.ok) run.ok++;
        else run.failed++;
        run.latenciesMs.push(performance.now() - t0);
      })
      .catch(() => measure && run.failed++)
      .finally(() => inFlight--);
  };
  // Open loop: requests leave on schedule whether or not earlier ones have been answered.
  const phase = (seconds: number, measure: boolean) =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      let due = 0;
      const timer = setInterval(() => {
        const elapsed = (performance.now() - start) / 1000;
        const target = Math.min(elapsed, seconds) * RATE;
        while (due < target) {
          fire(measure);
          due++;
        }
        if (elapsed >= seconds) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
  await phase(WARMUP_SECONDS, false);
  const t0 = performance.now();
  await phase(SECONDS / SLICES, true);
  const deadline = Date.now() + 15_000;
  while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  run.seconds = (performance.now() - t0) / 1000;
  return run;
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function main() {
  const env = await startTemporal();
  const token = 'bench-auth-token-0123456789abcdef';
  const accountSid = `AC${'0'.repeat(32)}`;
  const temporal = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });

  // A live call workflow to receive the signals; no worker needed, the server records each signal.
  const callId = `bench-call-${Date.now()}`;
  const input: CallInput = {
    callId,
    hotel: { hotelId: 'bench', name: 'Bench', phone: '+15550000000', emails: [], timeZone: 'UTC', language: 'en', businessHours: {}, closedDates: [], channelPreference: 'phone-first' },
    guests: [],
    replyTo: 'bench@folio.test',
    overflowSeconds: 540,
  };
  const edge = edgeFor(temporal, { TEMPORAL_TASK_QUEUE: 'bench-webhooks-no-worker' }, logger.child({}, { level: 'silent' }));
  await edge.start(callWorkflowType, callId, [input], { workflowExecutionTimeout: '5 minutes' });

  const bare = express();
  bare.post('/status', (_req, res) => void res.status(200).end());
  const ours = express();
  const silent = logger.child({}, { level: 'silent' });
  const server0 = await listen(ours);
  const base = `http://127.0.0.1:${(server0.address() as AddressInfo).port}`;
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL: base, TWILIO_AUTH_TOKEN: token });
  // every accepted callback is written to the callback inbox before Twilio is answered, then relayed
  const store = new Store((await startMongo()).db(`bench_webhooks_${process.pid}`));
  await store.ensureIndexes();
  const relay = CallbackRelay.forConfig(config, { store, edge, logger: silent }).start();
  ours.use('/v1/webhooks/twilio', createTwilioWebhookRouter({ config, temporal: edge, logger: silent, store, relay }));
  const server1 = await listen(bare);
  const bareUrl = `http://127.0.0.1:${(server1.address() as AddressInfo).port}/status`;
  const url = `${base}/v1/webhooks/twilio/status?callId=${callId}`;

  const body = (i: number) => ({
    AccountSid: accountSid,
    CallSid: `CA${'1'.repeat(32)}`,
    CallStatus: 'ringing',
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(i),
    Timestamp: new Date().toUTCString(),
  });
  // a sequence number of its own for every request: a repeat is one callback to the relay (and to the workflow)
  let sequence = 0;
  const send = (target: string) => () => {
    const params = body(++sequence);
    return fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, target === bareUrl ? url : target, params) },
      body: new URLSearchParams(params).toString(),
    });
  };

  console.log(`rate ${RATE} req/s, ${SECONDS} s per endpoint in ${SLICES} alternating slices (each after ${WARMUP_SECONDS} s warm-up), loopback, one process`);
  // Alternating slices, so a burst of load from elsewhere on the machine hits both endpoints alike.
  const runs: Run[] = [];
  for (let slice = 0; slice < SLICES; slice++) {
    for (const [k, name, target] of [[0, 'bare express 200', bareUrl], [1, 'twilio /status (verify + signal)', url]] as const) {
      const r = await drive(name, send(target));
      if (!runs[k]) runs[k] = r;
      else {
        runs[k].sent += r.sent;
        runs[k].ok += r.ok;
        runs[k].failed += r.failed;
        runs[k].dropped += r.dropped;
        runs[k].latenciesMs.push(...r.latenciesMs);
        runs[k].seconds += r.seconds;
      }
    }
  }
  // the history is read once every accepted callback has been relayed (bounded: a stuck relay is reported, not waited for)
  const relayedBy = Date.now() + 60_000;
  while (((await store.callbacks.countByState()).get('pending') ?? 0) > 0 && Date.now() < relayedBy) await new Promise((r) => setTimeout(r, 200));
  const unrelayed = (await store.callbacks.countByState()).get('pending') ?? 0;
  await relay.stop();
  const history = await edge.history(callId);
  if (history === GONE) throw new Error(`the call workflow ${callId} is gone before the count`);
  const signals = history.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  await edge.terminate(callId, 'benchmark done');

  console.log('\nendpoint                          sent     ok  fail  drop  req/s    p50 ms   p99 ms   max ms');
  for (const r of runs) {
    const l = r.latenciesMs;
    console.log(
      `${r.name.padEnd(32)} ${String(r.sent).padStart(5)} ${String(r.ok).padStart(6)} ${String(r.failed).padStart(5)} ${String(r.dropped).padStart(5)} ${(r.ok / r.seconds).toFixed(0).padStart(6)} ${pct(l, 50).toFixed(2).padStart(9)} ${pct(l, 99).toFixed(2).padStart(8)} ${Math.max(...l).toFixed(2).padStart(8)}`,
    );
  }
  console.log(`\nsignals recorded in the call workflow's history: ${signals} (warm-up included)${unrelayed ? `; ${unrelayed} accepted callbacks not relayed within 60 s` : ''}`);
  await new Promise((r) => server0.close(r));
  await new Promise((r) => server1.close(r));
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopStack());
