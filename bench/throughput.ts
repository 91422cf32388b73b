// Throughput on the real Temporal dev server with instantly answering hotels: folios completed per second
// end to end (real workflows, projections in FerretDB, a real PDF folio read by the real extractor), next
// to a skeleton workflow with the same number of activities and timers in the same run; history events per
// folio for single-guest and 5-guest batches; calls per folio for requests over hotels with a Zipf spread.
// The happy path is the intended one: the hotel agrees on the call, the agent's post-call analysis arrives, the call
// finishes (finishCall) and the promised folio arrives a few seconds later. Actions per folio by Temporal Cloud's rules (bench/actions.ts) over every workflow the folios caused: their
// own, their hotels' dispatchers (and the calls and emails those started) and the call-slot semaphore if one ran. The
// projection lag is write time - change time of every state the worker's projection writer stored. The Zipf requests
// run twice over the same hotels: with the service's default, and with call once, email the rest (12 h).
// Writes bench/results/throughput.json.
// Last, saturation: open-loop arrivals (a start every 1/rate s, whatever has finished) of single-guest folios and of the
// skeleton for --open-loop-seconds each; the completion rate over the window's second half is each one's sustained
// rate, and their ratio is folioToSkeletonRatio (the offered rate must exceed both to measure saturation: it says so).
//   npx tsx bench/throughput.ts [--postgres] [--folios 200] [--batch-hotels 20] [--zipf-folios 1000] [--zipf-hotels 150] [--seed 7]
//        [--open-loop-seconds 60] [--open-loop-rate 15]
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { generatePopulation, type SandboxHotel } from '../sandbox/population';
import { FolioStatus, folioWorkflowId, hotelDispatchWorkflowId, type FolioRequest } from '../domain/model';
import { callSlotsWorkflowId } from '../workflows/definitions';
import { startMongo, startMongoOnPostgres, startTemporal, stopStack } from '../test/helpers/stack';
import { countActions } from './actions';
import { GONE } from '../temporal/edge';
import { arg, inPool, planRequests, runBench } from './requests';
import { SimWorld } from './sim-world';
import type { SkeletonActivities } from './skeleton-workflows';
import { skeletonWorkflowType } from './workflow-types';

const ALL_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));

/** Instant hotels: open around the clock, phone-first, with an inbox. */
function instantHotels(seed: number, count: number, tag: string): SandboxHotel[] {
  return generatePopulation(seed, count).map((h) => ({
    ...h,
    config: { ...h.config, hotelId: `${tag}-${h.config.hotelId}`, businessHours: ALL_DAY, channelPreference: 'phone-first', emails: [`frontdesk@${tag}.hotel.example`] },
  }));
}

async function main() {
  const p = {
    folios: arg('folios', 200),
    batchHotels: arg('batch-hotels', 20),
    zipfFolios: arg('zipf-folios', 1000),
    zipfHotels: arg('zipf-hotels', 150),
    seed: arg('seed', 7),
    openLoopSeconds: arg('open-loop-seconds', 60),
    openLoopRate: arg('open-loop-rate', 15),
  };
  console.log(`npx tsx bench/throughput.ts${process.argv.includes('--postgres') ? ' --postgres' : ''} --folios ${p.folios} --batch-hotels ${p.batchHotels} --zipf-folios ${p.zipfFolios} --zipf-hotels ${p.zipfHotels} --seed ${p.seed} --open-loop-seconds ${p.openLoopSeconds} --open-loop-rate ${p.openLoopRate}`);
  console.log(`started ${new Date().toISOString()}`);
  const env = await startTemporal();
  // --postgres: FerretDB on PostgreSQL, for runs whose projection writes SQLite's single writer cannot take
  const mongo = process.argv.includes('--postgres') ? await startMongoOnPostgres() : await startMongo();
  const single = instantHotels(p.seed, p.folios, 's');
  const batched = instantHotels(p.seed + 1, p.batchHotels, 'b');
  const zipfHotels = instantHotels(p.seed + 2, p.zipfHotels, 'z');
  // the same hotels and draw again, with call once, email the rest on (CALL_AGREEMENT_EMAIL_HOURS; off by default)
  const agreedHotels = instantHotels(p.seed + 2, p.zipfHotels, 'y');
  // one hotel per open-loop folio, as in the single-guest phase
  const openHotels = p.openLoopSeconds > 0 ? instantHotels(p.seed + 3, Math.ceil(p.openLoopSeconds * p.openLoopRate), 'o') : [];
  const world = await SimWorld.create({
    env,
    db: mongo.db(`throughput_${process.pid}`),
    hotels: [...single, ...batched, ...zipfHotels, ...agreedHotels, ...openHotels],
    seed: p.seed,
    instant: true,
    // a short window so five guests enqueued together share a call; the cap does not bind here
    config: { BATCH_WINDOW_SECONDS: '2', MAX_CONCURRENT_CALLS: '1000', CALL_OVERFLOW_SECONDS: '540' },
    maxConcurrentActivities: 50,
  });
  try {
    const now = Date.now();
    const due = (r: FolioRequest[]) => r.map((x) => ({ ...x, checkOut: new Date(now - 86_400_000).toISOString().slice(0, 10), checkIn: new Date(now - 3 * 86_400_000).toISOString().slice(0, 10) }));
    const idOf = (r: FolioRequest) => folioWorkflowId(r.clientId, r.clientReference);

    async function runAll(reqs: FolioRequest[]): Promise<{ seconds: number; completed: number }> {
      const t = Date.now();
      const handles = await inPool(reqs, 32, (r) => world.start(r, { checkoutGraceHours: 0 }));
      const results = await inPool(handles, 256, (h) => h.result());
      return { seconds: (Date.now() - t) / 1000, completed: results.filter((r) => r.status === FolioStatus.Completed).length };
    }
    async function events(reqs: FolioRequest[], callIds: string[]) {
      const folio = await countActions(world.edge, reqs.map((r) => ({ workflowId: idOf(r) })));
      const calls = await countActions(world.edge, callIds.map((workflowId) => ({ workflowId })));
      // everything these folios caused: dispatchers (with the calls and emails they started), and the call-slot
      // workflow if one ran (dispatcher runs from before calls took their slot in placeCall start it)
      const dispatchers = [...new Set(reqs.map((r) => hotelDispatchWorkflowId(r.hotelId)))].map((workflowId) => ({ workflowId }));
      const slotsId = callSlotsWorkflowId(world.config.TEMPORAL_TASK_QUEUE);
      const slots = (await world.edge.describe(slotsId)) === GONE ? [] : [{ workflowId: slotsId }];
      const all = await countActions(world.edge, [...reqs.map((r) => ({ workflowId: idOf(r) })), ...dispatchers, ...slots]);
      return { folio, calls, all };
    }

    // 1) single-guest batches: one folio per hotel
    const singleReqs = due(planRequests({ seed: p.seed, count: p.folios, hotels: single, nowMs: now, fromDays: -1, toDays: -1, zipfS: 0, clientId: `t1-${randomUUID().slice(0, 6)}` }));
    // one folio per hotel, whatever the draw
    singleReqs.forEach((r, i) => (r.hotelId = single[i].config.hotelId));
    const callsBefore = new Set(world.calls.keys());
    const r1 = await runAll(singleReqs);
    const singleCalls = [...world.calls.keys()].filter((k) => !callsBefore.has(k));
    const e1 = await events(singleReqs, singleCalls);
    // the intended happy path: the call finished (its report, finishCall) with the agent's analysis stored, before the folio completed
    const ran = await Promise.all(singleCalls.map(async (callId) => {
      const h = await world.edge.history(callId);
      const types = h === GONE ? [] : h.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
      return { finished: types.includes('finishCall'), analysed: types.includes('storeCallAnalysis') };
    }));
    const finished = { calls: singleCalls.length, finished: ran.filter((r) => r.finished).length, analysed: ran.filter((r) => r.analysed).length };

    // 2) five guests per hotel, enqueued together: one call for the five
    const batchReqs = due(planRequests({ seed: p.seed + 1, count: p.batchHotels * 5, hotels: batched, nowMs: now, fromDays: -1, toDays: -1, zipfS: 0, clientId: `t5-${randomUUID().slice(0, 6)}` }));
    batchReqs.forEach((r, i) => (r.hotelId = batched[Math.floor(i / 5)].config.hotelId));
    const before2 = new Set(world.calls.keys());
    const r2 = await runAll(batchReqs);
    const batchCalls = [...world.calls.keys()].filter((k) => !before2.has(k));
    const e2 = await events(batchReqs, batchCalls);

    // 3) the skeleton, same server, same kind of worker: as many activities and timers per workflow as a folio needed
    const acts = Math.round(((e1.folio.byKind['activity started'] ?? 0) + (e1.calls.byKind['activity started'] ?? 0)) / p.folios);
    const timers = Math.round(((e1.folio.byKind['timer started'] ?? 0) + (e1.calls.byKind['timer started'] ?? 0)) / p.folios);
    const skQueue = `skeleton-${randomUUID().slice(0, 6)}`;
    const skActivities: SkeletonActivities = { noop: async ({ i }) => i * 0 + 1 };
    const sk = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: skQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./skeleton-workflows'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } }),
      activities: skActivities,
      maxConcurrentActivityTaskExecutions: 50,
    });
    const skRun = sk.run();
    const tS = Date.now();
    const skIds = await inPool(Array.from({ length: p.folios }, (_, i) => i), 32, async (i) => {
      const workflowId = `skeleton-${skQueue}-${i}`;
      await world.edge.start(skeletonWorkflowType, workflowId, [{ activities: acts, timers }], { taskQueue: skQueue });
      return workflowId;
    });
    await inPool(skIds, 256, (id) => world.edge.result(skeletonWorkflowType, id));
    const skSeconds = (Date.now() - tS) / 1000;

    // 4) calls per folio: requests over hotels with a Zipf-like spread
    const zipfReqs = due(planRequests({ seed: p.seed + 2, count: p.zipfFolios, hotels: zipfHotels, nowMs: now, fromDays: -1, toDays: -1, zipfS: 1, clientId: `tz-${randomUUID().slice(0, 6)}` }));
    const before4 = new Set(world.calls.keys());
    process.stderr.write(`[throughput] single, 5-guest and skeleton phases done; ${p.zipfFolios} Zipf requests next\n`);
    const r4 = await runAll(zipfReqs);
    const zipfCalls = [...world.calls.values()].filter((c) => !before4.has(c.callId));
    const perHotel = new Map<string, number>();
    for (const r of zipfReqs) perHotel.set(r.hotelId, (perHotel.get(r.hotelId) ?? 0) + 1);
    const top = [...perHotel.values()].sort((a, b) => b - a);

    // 5) the same requests at the same hotels (new ids), the service told to write after a desk agreed on the phone
    const agreedReqs = due(planRequests({ seed: p.seed + 2, count: p.zipfFolios, hotels: agreedHotels, nowMs: now, fromDays: -1, toDays: -1, zipfS: 1, clientId: `ty-${randomUUID().slice(0, 6)}` }));
    const before5 = new Set(world.calls.keys());
    const emailsBefore5 = new Set(world.emails.keys());
    const agreementDefault = world.config.CALL_AGREEMENT_EMAIL_HOURS;
    // read by enqueueAtHotel at each call: the dispatchers this phase starts get the 12-hour policy
    (world.config as { CALL_AGREEMENT_EMAIL_HOURS: number }).CALL_AGREEMENT_EMAIL_HOURS = 12;
    process.stderr.write(`[throughput] the same ${p.zipfFolios} requests with call once, email the rest (12 h)\n`);
    const r5 = await runAll(agreedReqs);
    (world.config as { CALL_AGREEMENT_EMAIL_HOURS: number }).CALL_AGREEMENT_EMAIL_HOURS = agreementDefault;
    const agreedCalls = [...world.calls.keys()].filter((k) => !before5.has(k)).length;
    const agreedEmails = [...world.emails.keys()].filter((k) => !emailsBefore5.has(k)).length;

    // 6) saturation, open loop: the skeleton first (it drains in seconds), then the folios (the run ends with them)
    let sat: { skeleton: OpenLoop; folio: OpenLoop } | undefined;
    // the lag of the bursts above; at saturation the writer's queue only grows, so its lag is reported apart
    const lagsBeforeSaturation = world.lagSeconds.length;
    if (p.openLoopSeconds > 0) {
      process.stderr.write(`[throughput] open loop: ${p.openLoopRate}/s for ${p.openLoopSeconds} s, skeleton then folios\n`);
      const skeleton = await openLoop(p.openLoopRate, p.openLoopSeconds, async (i) => {
        const workflowId = `skeleton-open-${skQueue}-${i}`;
        await world.edge.start(skeletonWorkflowType, workflowId, [{ activities: acts, timers }], { taskQueue: skQueue });
        return () => world.edge.result(skeletonWorkflowType, workflowId);
      });
      const openReqs = due(planRequests({ seed: p.seed + 3, count: openHotels.length, hotels: openHotels, nowMs: now, fromDays: -1, toDays: -1, zipfS: 0, clientId: `to-${randomUUID().slice(0, 6)}` }));
      openReqs.forEach((r, i) => (r.hotelId = openHotels[i]!.config.hotelId));
      const folio = await openLoop(p.openLoopRate, p.openLoopSeconds, async (i) => (await world.start(openReqs[i]!, { checkoutGraceHours: 0 })).result);
      sat = { skeleton, folio };
    }
    sk.shutdown();
    await skRun;

    const f = (x: number, d = 1) => x.toFixed(d);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const lags = sorted(world.lagSeconds.slice(0, lagsBeforeSaturation));
    const satLags = sorted(world.lagSeconds.slice(lagsBeforeSaturation));
    const pctOf = (xs: number[], q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN);
    const pct = (q: number) => pctOf(lags, q);
    console.log(`
== throughput (dev server, instant hotels) ${new Date().toISOString()}
folios completed end to end:  ${r1.completed}/${p.folios} in ${f(r1.seconds)} s = ${f(r1.completed / r1.seconds, 2)} folios/s (single-guest batches)
skeleton workflow (${acts} activities + ${timers} timers each): ${p.folios} in ${f(skSeconds)} s = ${f(p.folios / skSeconds, 2)} workflows/s — folio/skeleton rate ${f(r1.completed / r1.seconds / (p.folios / skSeconds), 2)}
history events per completed folio, single-guest batch: folio workflow ${f(e1.folio.events / p.folios)}, + call workflow ${f(e1.calls.events / p.folios)} = ${f((e1.folio.events + e1.calls.events) / p.folios)} (actions ${f((e1.folio.actions + e1.calls.actions) / p.folios)})
history events per folio, 5-guest batch:                folio workflow ${f(e2.folio.events / batchReqs.length)}, + call workflow share ${f(e2.calls.events / batchReqs.length)} = ${f((e2.folio.events + e2.calls.events) / batchReqs.length)} (${batchCalls.length} calls for ${batchReqs.length} folios; ${r2.completed} completed in ${f(r2.seconds)} s)
  (hotel dispatcher histories are shared by every folio of a hotel and not in these per-folio figures)
happy path (single-guest): ${finished.finished} of ${finished.calls} calls finished (finishCall ran), ${finished.analysed} stored the agent's post-call analysis
actions per folio by Temporal Cloud's rules, everything the folios caused (dispatchers, calls, any call-slot workflow): single-guest ${f(e1.all.actions / p.folios)}, 5-guest ${f(e2.all.actions / batchReqs.length)}
  single-guest by kind: ${Object.entries(e1.all.byKind).map(([k, n]) => `${k} ${f(n / p.folios)}`).join(', ')}
projection lag (write - change, ${lags.length} states written by the worker's writer): p50 ${f(pct(0.5), 3)} s, p99 ${f(pct(0.99), 3)} s, max ${f(lags.at(-1) ?? NaN, 3)} s
calls per folio, ${p.zipfFolios} requests over ${p.zipfHotels} hotels (Zipf s=1; busiest hotels got ${top.slice(0, 3).join(', ')} requests, ${top.filter((n) => n === 1).length} got one, ${perHotel.size} got any): ${zipfCalls.length} calls = ${f(zipfCalls.length / p.zipfFolios, 3)} calls per folio; ${r4.completed}/${p.zipfFolios} completed in ${f(r4.seconds)} s = ${f(r4.completed / r4.seconds, 2)} folios/s (CALL_AGREEMENT_EMAIL_HOURS=${agreementDefault}, the default)
  the same, call once, email the rest (CALL_AGREEMENT_EMAIL_HOURS=12): ${agreedCalls} calls = ${f(agreedCalls / p.zipfFolios, 3)} calls per folio, ${agreedEmails} written requests; ${r5.completed}/${p.zipfFolios} completed in ${f(r5.seconds)} s
${
  sat
    ? `saturation, open loop at ${p.openLoopRate}/s for ${p.openLoopSeconds} s (completions per second over its second half): skeleton ${f(sat.skeleton.rate, 2)}/s (${sat.skeleton.started} started, ${sat.skeleton.completed} done by the end), folio ${f(sat.folio.rate, 2)}/s (${sat.folio.started} started, ${sat.folio.completed} done by the end) — folio/skeleton ${f(sat.folio.rate / sat.skeleton.rate, 2)}; projection lag meanwhile p50 ${f(pctOf(satLags, 0.5), 3)} s, p99 ${f(pctOf(satLags, 0.99), 3)} s${sat.skeleton.rate >= 0.95 * p.openLoopRate ? ' (the skeleton kept up with the offered rate: not its saturation; raise --open-loop-rate)' : ''}`
    : 'saturation: not run (--open-loop-seconds 0)'
}
`);
    const result = {
      note: 'folio rates are bursts of --folios workflows started at once (latency of a burst, not sustained throughput); the skeleton has the same activities and timers but no signals, upserts or children',
      params: p,
      foliosPerSecondSingleGuest: r1.completed / r1.seconds,
      skeletonPerSecond: p.folios / skSeconds,
      folioToSkeletonRatioBurst: r1.completed / r1.seconds / (p.folios / skSeconds),
      ...(sat && {
        folioToSkeletonRatio: sat.folio.rate / sat.skeleton.rate,
        saturation: {
          offeredPerSecond: p.openLoopRate,
          seconds: p.openLoopSeconds,
          skeleton: sat.skeleton,
          folio: sat.folio,
          skeletonKeptUp: sat.skeleton.rate >= 0.95 * p.openLoopRate,
          projectionLagP50Seconds: pctOf(satLags, 0.5),
          projectionLagP99Seconds: pctOf(satLags, 0.99),
        },
      }),
      actionsPerHappyPathFolio: e1.all.actions / p.folios,
      happyPathCalls: finished,
      actionsPerFolioByKindSingleGuest: Object.fromEntries(Object.entries(e1.all.byKind).map(([k, n]) => [k, n / p.folios])),
      actionsPerFolioFiveGuestBatches: e2.all.actions / batchReqs.length,
      folioWorkflowActionsPerFolio: e1.folio.actions / p.folios,
      historyEventsPerFolioSingleGuest: (e1.folio.events + e1.calls.events) / p.folios,
      projectionLagP50Seconds: pct(0.5),
      projectionLagP99Seconds: pct(0.99),
      projectionStatesWritten: lags.length,
      callsPerFolioZipf: zipfCalls.length / p.zipfFolios,
      // the issue's figure, when the run is at its size
      ...(p.zipfFolios === 1000 && p.zipfHotels === 150 && { callsPerFolio1000Over150: zipfCalls.length / p.zipfFolios }),
      callsPerFolioZipfDefaultAgreementHours: agreementDefault,
      hotelsWithRequestsZipf: perHotel.size,
      callsPerFolioZipfEmailAfterAgreement: agreedCalls / p.zipfFolios,
      ...(p.zipfFolios === 1000 && p.zipfHotels === 150 && { callsPerFolio1000Over150EmailAfterAgreement: agreedCalls / p.zipfFolios }),
      writtenRequestsZipfEmailAfterAgreement: agreedEmails,
      completed: { single: r1.completed, fiveGuest: r2.completed, zipf: r4.completed, zipfEmailAfterAgreement: r5.completed },
      command: `npx tsx bench/throughput.ts ${process.argv.slice(2).join(' ')}`.trim(),
      date: new Date().toISOString(),
    };
    const out = path.join(__dirname, 'results', 'throughput.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await world.stop();
    await stopStack();
  }
}

interface OpenLoop {
  started: number;
  /** Completed by the end of the window. */
  completed: number;
  /** Completions per second over the window's second half. */
  rate: number;
}

/**
 * Open-loop arrivals: the i-th start is due at i/rate s, whatever has finished. Counts completions over the
 * window's second half (the first half fills the pipeline). Starts that fell behind schedule go at once.
 */
async function openLoop(rate: number, seconds: number, start: (i: number) => Promise<() => Promise<unknown>>): Promise<OpenLoop> {
  const t0 = Date.now();
  const end = t0 + seconds * 1000;
  const half = t0 + (seconds * 1000) / 2;
  const done: number[] = [];
  const starting: Promise<void>[] = [];
  let started = 0;
  for (let i = 0; ; i++) {
    const at = t0 + (i * 1000) / rate;
    if (at >= end) break;
    if (at > Date.now()) await new Promise((r) => setTimeout(r, at - Date.now()));
    starting.push(
      start(i).then((result) => {
        started++;
        void result().then(
          () => void done.push(Date.now()),
          () => undefined,
        );
      }),
    );
  }
  await Promise.all(starting);
  if (Date.now() < end) await new Promise((r) => setTimeout(r, end - Date.now()));
  const inHalf = done.filter((t) => t >= half && t < end).length;
  return { started, completed: done.filter((t) => t < end).length, rate: inHalf / ((end - half) / 1000) };
}

runBench(main);
