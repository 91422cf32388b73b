// The wake-up burst: many folios whose check-out timers fire in the same second, as when a city's hotels all
// check their guests out at noon. N lifecycles are started through the real API on the production topology
// (bench/worker-stack.ts: the worker process alone, bounded cache) at hotels in one time zone that take email
// first, all checking out the same day; the deployment's grace (CHECKOUT_GRACE_HOURS, a fraction of an hour here)
// puts their wake-up a few minutes ahead. They settle on their timers, then wake together and send their
// written requests through the hotels' dispatchers to the sandbox SMTP server. Measured: the worker's peak RSS
// in the burst (VmHWM reset just before it), the time from the timer to the request that carries each folio
// (p50/p99/last), and projection lag in the burst. Baseline in the same run: a few folios due at once, started
// one at a time at rest shortly before the burst (the time from their start to their request).
//   npx tsx bench/wake-burst.ts [--postgres] [--n 2000] [--hotels 200] [--quiet 10] [--lead-minutes M] [--max-cached N] [--workflow-heap MB]
//        [--max-wall-minutes 40] [--results bench/results/wake-burst.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COLLECTIONS } from '../adapters/mongo/collections';
import { checkoutDueAt, localDate } from '../domain/business-hours';
import { DAY_MS as DAY, HOUR_MS as HOUR, MINUTE_MS as MINUTE } from '../domain/calendar';
import { DEFAULT_CHASE_POLICY } from '../domain/chase-policy';
import type { FolioRequest } from '../domain/model';
import { HotelConfig } from '../domain/schemas';
import { workflowHeapMb } from '../workers/workflow-heap';
import { generatePopulation, type SandboxHotel } from '../sandbox/population';
import { mailEnv, startMail } from '../test/helpers/mail';
import { promBuckets } from '../test/helpers/prom';
import { apiRequestBody, arg, inPool, planRequests, quantile, runBench, textArg } from './requests';
import { memoryOf, metric, resetPeakMemory, round1, sleep, startWorkerStack } from './worker-stack';


/**
 * The burst's plan: a time zone whose noon on some day falls less than 3 hours before `at`, and the grace after
 * noon that makes check-out + grace land on `at` (less than the early written request's 3 hours, so the timer that
 * fires is the grace's).
 */
function planWake(at: number): { timeZone: string; date: string; graceHours: number } {
  let best: { timeZone: string; date: string; graceHours: number } | undefined;
  for (const timeZone of Intl.supportedValuesOf('timeZone')) {
    for (let d = -1; d <= 1; d++) {
      const date = localDate(timeZone, at + d * DAY);
      const noon = checkoutDueAt(date, timeZone, 0);
      const graceHours = (at - noon) / HOUR;
      if (graceHours >= 0 && graceHours < DEFAULT_CHASE_POLICY.emailEarlyHours - 0.5 && (!best || graceHours < best.graceHours)) best = { timeZone, date, graceHours };
    }
  }
  if (!best) throw new Error(`no time zone has noon in the 2.5 hours before ${new Date(at).toISOString()}`);
  return best;
}

/** The bucket bound that holds quantile q of the observations made between two scrapes. */
function bucketQuantile(before: Map<number, number>, after: Map<number, number>, q: number): { count: number; atMost: number } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  const bound = bounds.find((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0) >= q * total) ?? Infinity;
  return { count: total, atMost: bound };
}

/** The population's hotels moved to one time zone, each with an address, taking email first (the first contact is a written request). */
function hotelsIn(hotels: SandboxHotel[], timeZone: string, suffix: string): HotelConfig[] {
  return hotels.map((h) => {
    const hotelId = `${h.config.hotelId}-${suffix}`;
    return HotelConfig.parse({ ...h.config, hotelId, timeZone, emails: h.config.emails.length ? h.config.emails : [`frontdesk@${hotelId}.example`], badEmails: [], channelPreference: 'email-first' });
  });
}

async function main() {
  const p = { store: process.argv.includes('--postgres') ? ('postgres' as const) : ('sqlite' as const), n: arg('n', 2000), hotels: arg('hotels', 200), quiet: arg('quiet', 10), seed: arg('seed', 5), maxCached: arg('max-cached', 0), maxWallMinutes: arg('max-wall-minutes', 40), workflowHeapMb: arg('workflow-heap', 0) };
  const leadMinutes = arg('lead-minutes', Math.ceil(4 + p.n / 160));
  const results = textArg('results') ?? 'bench/results/wake-burst.json';
  const command = `npx tsx bench/wake-burst.ts ${process.argv.slice(2).join(' ')}`.trim();
  console.log(command);
  console.log(`started ${new Date().toISOString()}`);
  const wallDeadline = Date.now() + p.maxWallMinutes * MINUTE;
  // the burst's moment, to the minute, and the grace that puts it there
  const wakeAtMs = Math.ceil((Date.now() + leadMinutes * MINUTE) / MINUTE) * MINUTE;
  const burst = { ...planWake(wakeAtMs), at: wakeAtMs };
  const mail = await startMail();
  const stack = await startWorkerStack({
    name: 'wake-burst',
    store: p.store,
    maxCached: p.maxCached,
    workflowHeapMb: p.workflowHeapMb,
    env: { ...mailEnv(mail, 'atrest'), CHECKOUT_GRACE_HOURS: String(burst.graceHours) },
  });
  const { config, store, db, workerPid, api, workerMetrics } = stack;
  try {
    console.log(`burst: ${p.n} folios at hotels in ${burst.timeZone} checking out ${burst.date}, waking ${new Date(burst.at).toISOString()} (grace ${burst.graceHours.toFixed(3)} h)`);
    const population = generatePopulation(p.seed, p.hotels);
    const burstHotels = hotelsIn(population, burst.timeZone, 'b');
    const quietHotels = hotelsIn(population.slice(0, 5), burst.timeZone, 'q');
    for (const h of [...burstHotels, ...quietHotels]) await store.hotels.upsert(h);
    const asRequests = (hotels: HotelConfig[], count: number, date: string, tag: string): FolioRequest[] =>
      planRequests({ seed: p.seed, count, hotels: hotels.map((config) => ({ config }) as SandboxHotel), nowMs: Date.now(), fromDays: 0, toDays: 1, zipfS: 0.8 }).map((r, i) => ({
        ...r,
        clientReference: `${tag}-${i}`,
        checkOut: date,
        checkIn: new Date(Date.parse(`${date}T00:00:00Z`) - (1 + (i % 3)) * DAY).toISOString().slice(0, 10),
      }));
    // due at once: checked out two days before the burst's day
    const quietReqs = asRequests(quietHotels, p.quiet, new Date(Date.parse(`${burst.date}T00:00:00Z`) - 2 * DAY).toISOString().slice(0, 10), 'quiet');
    const burstReqs = asRequests(burstHotels, p.n, burst.date, 'burst');

    const refused: Record<string, number> = {};
    const folioIds = new Map<string, 'quiet' | 'burst'>();
    const t0 = Date.now();
    const startFolio = async (r: FolioRequest): Promise<string | undefined> => {
      const res = await api('/v1/folios', { method: 'POST', body: JSON.stringify(apiRequestBody(r)) }, stack.clientKey);
      const answer = (await res.json().catch(() => ({}))) as { folioId?: string; error?: { code?: string } };
      if (res.status !== 202 || !answer.folioId) {
        const why = `${res.status} ${answer.error?.code ?? ''}`.trim();
        refused[why] = (refused[why] ?? 0) + 1;
        return undefined;
      }
      return answer.folioId;
    };
    await inPool(burstReqs, 32, async (r) => {
      const id = await startFolio(r);
      if (id) folioIds.set(id, 'burst');
      if (folioIds.size % 500 === 0) console.log(`  ${folioIds.size} started (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    });
    const startSeconds = (Date.now() - t0) / 1000;
    console.log(`  ${folioIds.size} started in ${startSeconds.toFixed(0)} s; refused: ${JSON.stringify(refused)}`);
    await stack.settle(folioIds.size, Math.min(wallDeadline, burst.at));
    // every folio says when it wakes: the moment planned here, or the plan does not hold
    const sample = await api(`/v1/folios?limit=5&status=WaitingForCheckout`).then((r) => r.json() as Promise<{ items: { nextActionAt: string | null }[] }>);
    for (const it of sample.items) if (Math.abs(Date.parse(it.nextActionAt ?? '') - burst.at) > 1000 || !it.nextActionAt) throw new Error(`a folio wakes at ${it.nextActionAt}, not at the planned ${new Date(burst.at).toISOString()}`);
    const restedBeforeWakeSeconds = round1((burst.at - Date.now()) / 1000);
    if (restedBeforeWakeSeconds < 30) console.log(`  WARNING: settled only ${restedBeforeWakeSeconds} s before the burst; raise --lead-minutes`);
    const rssAtRest = memoryOf(workerPid).rss;
    console.log(`  at rest: worker RSS ${round1(rssAtRest / 1048576)} MB; waiting ${((burst.at - Date.now()) / 1000).toFixed(0)} s for the burst`);

    // the burst: peak memory from just before it, samples every second, until every burst folio's request is out
    const sentAt = new Map<string, number>();
    const collectSent = async () => {
      const docs = await db.collection<{ kind: string; state: string; sentAt?: Date; guests: { folioId: string }[] }>(COLLECTIONS.emails).find({ kind: 'request', state: 'sent' }).toArray();
      for (const d of docs) for (const g of d.guests) if (d.sentAt && !sentAt.has(g.folioId)) sentAt.set(g.folioId, d.sentAt.getTime());
    };
    // the baseline: folios due at once, started one at a time at rest, each timed from its start to its request
    const quietStartedAt = new Map<string, number>();
    if (burst.at - Date.now() > 150_000) {
      for (const r of quietReqs) {
        const t = Date.now();
        const id = await startFolio(r);
        if (id) {
          folioIds.set(id, 'quiet');
          quietStartedAt.set(id, t);
        }
        await sleep(2000);
      }
    } else console.log('  no time left for the quiet baseline before the burst');
    while (Date.now() < burst.at - 20_000) await sleep(1000);
    await collectSent();
    const lagBefore = promBuckets(await workerMetrics(), 'folio_projection_lag_seconds');
    resetPeakMemory(workerPid);
    const rssSamples: { s: number; mb: number }[] = [];
    const burstIds = [...folioIds].filter(([, g]) => g === 'burst').map(([id]) => id);
    const drainDeadline = Math.min(wallDeadline + 5 * MINUTE, burst.at + 30 * MINUTE);
    let lastReport = 0;
    for (;;) {
      stack.checkWorker();
      const s = Math.round((Date.now() - burst.at) / 1000);
      rssSamples.push({ s, mb: round1(memoryOf(workerPid).rss / 1048576) });
      if (Date.now() > burst.at) {
        await collectSent();
        const out = burstIds.filter((id) => sentAt.has(id)).length;
        if (Date.now() - lastReport > 15_000) {
          lastReport = Date.now();
          console.log(`  +${s} s: ${out}/${burstIds.length} burst folios' requests sent, worker RSS ${rssSamples.at(-1)!.mb} MB`);
        }
        if (out === burstIds.length || Date.now() > drainDeadline) break;
      }
      await sleep(1000);
    }
    const peakBurst = memoryOf(workerPid).peak;
    const drainedAt = Date.now();
    // the projections catch up with the burst's state changes
    await sleep(5000);
    const lagAfter = promBuckets(await workerMetrics(), 'folio_projection_lag_seconds');
    await sleep(55_000);
    const rssAfter = memoryOf(workerPid).rss;

    const burstLat = burstIds.filter((id) => sentAt.has(id)).map((id) => (sentAt.get(id)! - burst.at) / 1000);
    const quietLat = [...quietStartedAt].filter(([id]) => sentAt.has(id)).map(([id, t]) => (sentAt.get(id)! - t) / 1000);
    const statusAfter: Record<string, number> = {};
    for (const d of await db.collection<{ _id: string; status: string }>(COLLECTIONS.folios).find({}, { projection: { status: 1 } }).toArray()) {
      if (folioIds.get(d._id) === 'burst') statusAfter[d.status] = (statusAfter[d.status] ?? 0) + 1;
    }
    const lag99 = bucketQuantile(lagBefore, lagAfter, 0.99);
    const lag50 = bucketQuantile(lagBefore, lagAfter, 0.5);
    const heap = await workerMetrics().catch(() => '');
    const figures = {
      burstFolios: burstIds.length,
      burstHotels: burstHotels.length,
      burstTimeZone: burst.timeZone,
      wakeAt: new Date(burst.at).toISOString(),
      startSeconds: round1(startSeconds),
      restedBeforeWakeSeconds,
      refused,
      requestsSent: burstLat.length,
      notSentWithinBudget: burstIds.length - burstLat.length,
      wakeToRequestSeconds: { p50: round1(quantile(burstLat, 0.5)), p99: round1(quantile(burstLat, 0.99)), last: round1(Math.max(...burstLat)) },
      drainSeconds: round1((Math.max(...burstIds.map((id) => sentAt.get(id) ?? drainedAt)) - burst.at) / 1000),
      quietBaseline: { folios: quietStartedAt.size, requestsSent: quietLat.length, startToRequestSeconds: { p50: round1(quantile(quietLat, 0.5)), last: round1(Math.max(...quietLat)) } },
      burstStatusesAfter: statusAfter,
      checkoutGraceHours: Math.round(burst.graceHours * 1000) / 1000,
      workerRssAtRestMb: round1(rssAtRest / 1048576),
      workerPeakRssInBurstMb: round1(peakBurst / 1048576),
      workerRssMinuteAfterMb: round1(rssAfter / 1048576),
      workerMainHeapUsedMb: round1(metric(heap, 'folio_worker_nodejs_heap_size_used_bytes') / 1048576),
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      workflowHeapMb: workflowHeapMb(config.WORKER_WORKFLOW_HEAP_MB, config.WORKER_MAX_CACHED_WORKFLOWS),
      batchWindowSeconds: config.BATCH_WINDOW_SECONDS,
      projectionLagInBurst: { writes: lag99.count, p50AtMostSeconds: lag50.atMost, p99AtMostSeconds: lag99.atMost },
      rssSamplesMb: rssSamples.filter((_, i) => i % 5 === 0),
      store: p.store,
      command,
      date: new Date().toISOString(),
    };
    console.log(`
== wake-up burst (dev server on SQLite, FerretDB on ${p.store === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${figures.date})
${figures.burstFolios} folios at ${figures.burstHotels} hotels in ${burst.timeZone} woke at ${figures.wakeAt} (started through the API in ${figures.startSeconds} s, at rest ${restedBeforeWakeSeconds} s before)
timer → written request out (sandbox SMTP), per folio: p50 ${figures.wakeToRequestSeconds.p50} s, p99 ${figures.wakeToRequestSeconds.p99} s, last ${figures.wakeToRequestSeconds.last} s; ${figures.notSentWithinBudget} not sent within the budget
  baseline, ${quietLat.length} folios due at once, started one at a time at rest: start → request p50 ${figures.quietBaseline.startToRequestSeconds.p50} s, last ${figures.quietBaseline.startToRequestSeconds.last} s (the dispatcher's batch window is ${config.BATCH_WINDOW_SECONDS} s)
burst folios afterwards: ${Object.entries(statusAfter).map(([k, v]) => `${v} ${k}`).join(', ')}
worker RSS: ${figures.workerRssAtRestMb} MB at rest before, peak ${figures.workerPeakRssInBurstMb} MB in the burst, ${figures.workerRssMinuteAfterMb} MB a minute after (cache bound ${config.WORKER_MAX_CACHED_WORKFLOWS} runs)
projection lag in the burst: ${lag99.count} writes, p50 ≤ ${lag50.atMost} s, p99 ≤ ${lag99.atMost} s (histogram bounds)
`);
    mkdirSync(path.dirname(results), { recursive: true });
    writeFileSync(results, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`figures written to ${results}`);
  } finally {
    await mail.stop().catch(() => undefined);
    await stack.stop();
  }
}

runBench(main);
