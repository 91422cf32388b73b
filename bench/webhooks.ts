// Twilio status-callback latency and throughput on loopback: our webhook endpoint (signature check, the callback
// told to its call workflow on the Temporal dev server, or written to the callback inbox in FerretDB when that
// takes longer than RELAY_DIRECT_WAIT_MS; 204) next to a bare Express endpoint answering 200, both in this
// process, driven open-loop at the same rate by a load generator in a process of its own
// (bench/webhook-loadgen.ts), in alternating slices, each request to one of many live calls; three repetitions.
// Prints each and writes bench/results/webhooks.json (the median p99 ratio). Bounded: stops by itself.
//   npx tsx bench/webhooks.ts [rate=500 req/s] [seconds=8 per endpoint and repetition] [--direct-wait-ms N] [--repetitions 3] [--calls 100]
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { Store } from '../adapters/mongo/store';
import { CallbackRelay } from '../adapters/callbacks/relay';
import { createTwilioWebhookRouter } from '../api/webhooks/twilio';
import { callWorkflowType, type CallInput } from '../workflows/definitions';
import { startMongo, startTemporal, stopStack } from '../test/helpers/stack';
import { edgeFor, GONE } from '../temporal/edge';
import { arg } from './requests';
import type { EndpointRun, LoadOrders } from './webhook-loadgen';

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const RATE = Number(positional[0] ?? 500);
const SECONDS = Number(positional[1] ?? 8);
const REPETITIONS = arg('repetitions', 3);
const CALLS = arg('calls', 100);
const SLICES = 4;
const WARMUP_SECONDS = 0.5;

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const median = (xs: number[]) => pct(xs, 50);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function loadgen(orders: LoadOrders): Promise<Record<'bare' | 'ours', EndpointRun>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(__dirname, 'webhook-loadgen.ts'), JSON.stringify(orders)], { maxBuffer: 256 * 1024 * 1024, timeout: (orders.seconds * 2 + 120) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`load generator failed: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<'bare' | 'ours', EndpointRun>);
    });
  });
}

async function main() {
  const env = await startTemporal();
  const token = 'bench-auth-token-0123456789abcdef';
  const accountSid = `AC${'0'.repeat(32)}`;
  const temporal = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  const edge = edgeFor(temporal, { TEMPORAL_TASK_QUEUE: 'bench-webhooks-no-worker' }, logger.child({}, { level: 'silent' }));

  // Live call workflows to receive the signals; no worker needed, the server records each signal.
  const run = Date.now();
  const callIds = Array.from({ length: CALLS }, (_, i) => `bench-call-${run}-${i}`);
  const input = (callId: string): CallInput => ({
    callId,
    hotel: { hotelId: 'bench', name: 'Bench', phone: '+15550000000', emails: [], timeZone: 'UTC', language: 'en', businessHours: {}, closedDates: [], channelPreference: 'phone-first' },
    guests: [],
    replyTo: 'bench@folio.test',
    overflowSeconds: 540,
  });
  for (const callId of callIds) await edge.start(callWorkflowType, callId, [input(callId)], { workflowExecutionTimeout: '30 minutes' });

  const bare = express();
  bare.post('/status', (_req, res) => void res.status(200).end());
  const ours = express();
  const silent = logger.child({}, { level: 'silent' });
  const server0 = await listen(ours);
  const base = `http://127.0.0.1:${(server0.address() as AddressInfo).port}`;
  const directWaitMs = arg('direct-wait-ms', loadConfig({}).RELAY_DIRECT_WAIT_MS);
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL: base, TWILIO_AUTH_TOKEN: token, RELAY_DIRECT_WAIT_MS: String(directWaitMs) });
  const store = new Store((await startMongo()).db(`bench_webhooks_${process.pid}`));
  await store.ensureIndexes();
  const relay = CallbackRelay.forConfig(config, { store, edge, logger: silent }).start();
  ours.use('/v1/webhooks/twilio', createTwilioWebhookRouter({ config, temporal: edge, logger: silent, store, relay }));
  const server1 = await listen(bare);
  const bareUrl = `http://127.0.0.1:${(server1.address() as AddressInfo).port}/status`;

  console.log(`rate ${RATE} req/s, ${SECONDS} s per endpoint per repetition in ${SLICES} alternating slices (each after ${WARMUP_SECONDS} s warm-up), ${REPETITIONS} repetitions, ${CALLS} calls, RELAY_DIRECT_WAIT_MS ${directWaitMs}; load generator in its own process, loopback`);
  console.log('\nrep  endpoint                          sent     ok  fail  drop  req/s    p50 ms   p99 ms   max ms');
  const reps: { bare: Figures; ours: Figures; p99Ratio: number }[] = [];
  let sent = 0;
  for (let rep = 1; rep <= REPETITIONS; rep++) {
    const runs = await loadgen({ rate: RATE, seconds: SECONDS, slices: SLICES, warmupSeconds: WARMUP_SECONDS, token, accountSid, ours: { base, signedBase: base }, bare: bareUrl, callIds, firstSequence: rep * 10_000_000 });
    const f = { bare: figures(runs.bare), ours: figures(runs.ours) };
    for (const [name, x] of [['bare express 200', f.bare], ['twilio /status', f.ours]] as const) {
      console.log(`${String(rep).padStart(3)}  ${name.padEnd(32)} ${String(x.sent).padStart(5)} ${String(x.ok).padStart(6)} ${String(x.failed).padStart(5)} ${String(x.dropped).padStart(5)} ${x.reqPerSecond.toFixed(0).padStart(6)} ${x.p50Ms.toFixed(2).padStart(9)} ${x.p99Ms.toFixed(2).padStart(8)} ${x.maxMs.toFixed(2).padStart(8)}`);
    }
    reps.push({ ...f, p99Ratio: round(f.ours.p99Ms / f.bare.p99Ms) });
    sent += f.ours.ok;
  }

  // every callback answered must be in a call's history once written-down ones are relayed (bounded wait)
  const relayedBy = Date.now() + 60_000;
  while (((await store.callbacks.countByState()).get('pending') ?? 0) > 0 && Date.now() < relayedBy) await new Promise((r) => setTimeout(r, 200));
  const unrelayed = (await store.callbacks.countByState()).get('pending') ?? 0;
  await relay.stop();
  let signals = 0;
  for (const callId of callIds) {
    const history = await edge.history(callId);
    if (history === GONE) throw new Error(`the call workflow ${callId} is gone before the count`);
    signals += history.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    await edge.terminate(callId, 'benchmark done');
  }
  // warm-up requests are answered too but not measured: the histories hold measured + warm-up signals
  const ratios = reps.map((r) => r.p99Ratio);
  const result = {
    rate: RATE,
    secondsPerEndpoint: SECONDS,
    repetitions: REPETITIONS,
    calls: CALLS,
    relayDirectWaitMs: directWaitMs,
    p99RatioToBareExpress: median(ratios),
    p99Ratios: ratios,
    oursP99MsMedian: median(reps.map((r) => r.ours.p99Ms)),
    bareP99MsMedian: median(reps.map((r) => r.bare.p99Ms)),
    oursReqPerSecondMedian: median(reps.map((r) => r.ours.reqPerSecond)),
    failed: reps.reduce((n, r) => n + r.ours.failed + r.ours.dropped, 0),
    callbacksTaken: { ...relay.taken },
    signalsRecorded: signals,
    answeredMeasured: sent,
    unrelayedAfter60s: unrelayed,
    runs: reps,
    command: `npx tsx bench/webhooks.ts ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
  };
  console.log(`\np99 ratio to bare Express per repetition: ${ratios.join(', ')} → median ${result.p99RatioToBareExpress}`);
  console.log(`callbacks taken: ${JSON.stringify(relay.taken)} (warm-up included); signals recorded in the ${CALLS} calls' histories: ${signals}${unrelayed ? `; ${unrelayed} written-down callbacks not relayed within 60 s` : ''}`);
  const out = path.join(__dirname, 'results', 'webhooks.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
  await new Promise((r) => server0.close(r));
  await new Promise((r) => server1.close(r));
}

interface Figures {
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
  reqPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
function figures(r: EndpointRun): Figures {
  const l = r.latenciesMs;
  return { sent: r.sent, ok: r.ok, failed: r.failed, dropped: r.dropped, reqPerSecond: round(r.ok / r.seconds, 1), p50Ms: round(pct(l, 50)), p99Ms: round(pct(l, 99)), maxMs: round(l.length ? Math.max(...l) : NaN) };
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopStack());
