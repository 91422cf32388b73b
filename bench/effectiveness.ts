// End-to-end effectiveness on the sandbox population: a few thousand folio requests, the simulated days
// run on Temporal's time-skipping server with the real workflows and activities, then what came of it.
//   npx tsx bench/effectiveness.ts [--postgres] [--folios 2000] [--hotels 300] [--seed 1] [--days 12] [--max-wall-minutes 40] [--out result.json]
// Several runs on servers of their own, reported together: bench/effectiveness-shards.ts.
import { writeFileSync } from 'node:fs';
import { checkoutDueAt, addDays, isoWeekday, localToMs, parseLocalDate } from '../domain/business-hours';
import { FolioStatus } from '../domain/model';
import { callSlotsWorkflowId } from '../workflows/definitions';
import { generatePopulation } from '../sandbox/population';
import { startMongo, startMongoOnPostgres, startTimeSkipping, stopStack } from '../test/helpers/stack';
import { countActions } from './actions';
import { report, type ShardResult } from './effectiveness-report';
import { arg, inPool, planRequests, runBench } from './requests';
import { SimWorld } from './sim-world';
import { StallGuard } from './stall-guard';

const SETTLED = [FolioStatus.Completed, FolioStatus.NeedsReview, FolioStatus.NeedsAttention, FolioStatus.Unobtainable, FolioStatus.Cancelled];
const HOUR = 3_600_000;

async function main() {
  const params = {
    folios: arg('folios', 2000),
    hotels: arg('hotels', 300),
    seed: arg('seed', 1),
    days: arg('days', 12),
    stepMinutes: arg('step-minutes', 30),
    graceHours: arg('grace-hours', 24),
    zipf: arg('zipf', 0.8),
    maxWallMinutes: arg('max-wall-minutes', 40),
  };
  const wallStart = Date.now();
  const wallDeadline = wallStart + params.maxWallMinutes * 60_000;
  console.log(`npx tsx bench/effectiveness.ts${process.argv.includes('--postgres') ? ' --postgres' : ''} ${Object.entries(params).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v}`).join(' ')}`);
  console.log(`started ${new Date().toISOString()}`);

  const env = await startTimeSkipping();
  // --postgres: FerretDB on PostgreSQL, for runs whose projection writes SQLite's single writer cannot take
  const postgres = process.argv.includes('--postgres');
  const mongo = postgres ? await startMongoOnPostgres() : await startMongo();
  const hotels = generatePopulation(params.seed, params.hotels);
  const world = await SimWorld.create({
    env,
    db: mongo.db(`effectiveness_${process.pid}`),
    hotels,
    seed: params.seed,
    config: { BATCH_WINDOW_SECONDS: '120', CALL_OVERFLOW_SECONDS: '540', MAX_CONCURRENT_CALLS: '20' },
    maxConcurrentActivities: 20,
    maxConcurrentWorkflowTasks: 8,
  });
  try {
    const t0 = await env.currentTimeMs();
    const requests = planRequests({ seed: params.seed, count: params.folios, hotels, nowMs: t0, fromDays: -1, toDays: 2, zipfS: params.zipf });
    const byId = new Map(requests.map((r) => [r.folioId, r]));
    const tz = new Map(hotels.map((h) => [h.config.hotelId, h.config.timeZone]));
    await inPool(requests, 16, (r) => world.start(r, { checkoutGraceHours: params.graceHours }));
    const folioIds = requests.map((r) => `folio:${r.clientId}:${r.clientReference}`);
    const guard = new StallGuard(env, () => [[callSlotsWorkflowId(world.config.TEMPORAL_TASK_QUEUE), ...hotels.map((h) => `hotel:${h.config.hotelId}`)], [...world.calls.keys(), ...world.emails.keys()], folioIds]);
    console.log(`${requests.length} folio lifecycles started over ${hotels.length} hotels in ${((Date.now() - wallStart) / 1000).toFixed(0)} s`);

    // run simulated time forward in steps; hotel replies are timers on the same server
    const horizon = t0 + params.days * 24 * HOUR;
    let settled = 0;
    let step = 0;
    for (;;) {
      if (!(await guard.sleep(params.stepMinutes * 60_000, wallDeadline))) {
        console.log('  wall-clock budget reached while time was stalled: stopping here');
        break;
      }
      step++;
      if (step % 12 !== 0) continue;
      const now = await env.currentTimeMs();
      settled = [...(await world.store.folios.countByStatus(SETTLED)).values()].reduce((a, b) => a + b, 0);
      const simDays = ((now - t0) / (24 * HOUR)).toFixed(2);
      console.log(`  sim +${simDays} d: ${settled}/${requests.length} settled, ${world.calls.size} calls, ${world.emails.size} emails (wall ${((Date.now() - wallStart) / 60_000).toFixed(1)} min)`);
      if (settled >= requests.length) break;
      if (now >= horizon) break;
      if (Date.now() > wallDeadline) {
        console.log('  wall-clock budget reached: stopping here');
        break;
      }
    }
    const simEnd = await env.currentTimeMs();
    const wallSeconds = (Date.now() - wallStart) / 1000;

    // ---- what came of it ---------------------------------------------------------------------------
    const projections = await world.store.folios.all();
    const events = await world.store.folios.eventsOfType(['DocumentStored', 'FolioCompleted']);
    const firstDoc = new Map<string, number>();
    const completedAt = new Map<string, number>();
    for (const e of events) {
      const at = Date.parse(e.at);
      const m = e.type === 'DocumentStored' ? firstDoc : completedAt;
      if (!m.has(e.folioId) || m.get(e.folioId)! > at) m.set(e.folioId, at);
    }
    const within = (m: Map<string, number>): [number, number, number] =>
      [1, 3, 5].map(
        (days) =>
          [...m].filter(([id, at]) => {
            const r = byId.get(id)!;
            return at <= businessDayEnd(r.checkOut, tz.get(r.hotelId)!, days);
          }).length,
      ) as [number, number, number];
    const hoursToFolio = [...firstDoc].map(([id, at]) => {
      const r = byId.get(id)!;
      return (at - checkoutDueAt(r.checkOut, tz.get(r.hotelId)!, 0)) / HOUR;
    });
    const statusCount: Record<string, number> = {};
    for (const p of projections) statusCount[p.status] = (statusCount[p.status] ?? 0) + 1;

    const why: Record<string, number> = {};
    for (const p of projections) {
      let reason: string | undefined;
      if (p.status === FolioStatus.NeedsReview) reason = `review: ${(p.reviewReasons?.[0] ?? 'unknown').replace(/\d{4}-\d{2}-\d{2}/g, 'DATE').replace(/\d+/g, 'N')}`;
      else if (p.status === FolioStatus.NeedsAttention || p.status === FolioStatus.Unobtainable) reason = `${p.status}: ${(p.attention ?? 'unknown').replace(/\d+/g, 'N')}`;
      else if (!SETTLED.includes(p.status)) reason = `still open at the horizon (${p.status})`;
      if (reason) why[reason] = (why[reason] ?? 0) + 1;
    }
    const needPerson = projections.filter((p) => [FolioStatus.NeedsReview, FolioStatus.NeedsAttention, FolioStatus.Unobtainable].includes(p.status)).length;

    const calls = [...world.calls.values()];
    const emails = [...world.emails.values()].filter((e) => !e.rejected);
    const lineMix: Record<string, number> = {};
    for (const c of calls) lineMix[c.line] = (lineMix[c.line] ?? 0) + 1;

    console.log('\ncounting Temporal actions from histories…');
    const actions = await countActions(
      env.client,
      [
        ...folioIds.map((workflowId) => ({ workflowId })),
        ...calls.map((c) => ({ workflowId: c.callId })),
        ...[...world.emails.keys()].map((id) => ({ workflowId: id })),
        ...[...world.signalWithStartRuns].map((k) => ({ workflowId: k.split('\n')[0], runId: k.split('\n')[1] })),
      ],
      { exclude: (type) => type === 'hotelReplyWorkflow' },
    );

    const shard: ShardResult = {
      seed: params.seed,
      folios: requests.length,
      hotels: hotels.length,
      simDays: (simEnd - t0) / (24 * HOUR),
      wallSeconds,
      status: statusCount,
      retrieved: firstDoc.size,
      completed: completedAt.size,
      retrievedWithin: within(firstDoc),
      completedWithin: within(completedAt),
      hoursToFolio,
      needPerson,
      why,
      calls: calls.length,
      lineMix,
      emailRequests: emails.filter((e) => e.kind === 'request').length,
      emailReminders: emails.filter((e) => e.kind === 'reminder').length,
      connectedMin: calls.reduce((x, c) => x + c.connectedSeconds, 0) / 60,
      billedMin: calls.reduce((x, c) => x + Math.ceil(c.connectedSeconds / 60), 0),
      agentMin: calls.reduce((x, c) => x + c.agentSeconds, 0) / 60,
      connectedCalls: calls.filter((c) => c.connectedSeconds > 0).length,
      actions: { actions: actions.actions, runs: actions.runs, events: actions.events, byKind: actions.byKind, byWorkflowType: actions.byWorkflowType },
      stalls: { unlocks: guard.unlocks, terminated: guard.terminated.reduce<Record<string, number>>((m, t) => ((m[t.type] = (m[t.type] ?? 0) + 1), m), {}) },
    };
    const out = process.argv.indexOf('--out');
    if (out >= 0) writeFileSync(process.argv[out + 1]!, JSON.stringify(shard));
    console.log(report([shard]));
  } finally {
    await world.stop();
    await stopStack();
  }
}

/** End (local midnight) of the Nth weekday after the check-out date, in the hotel's zone. */
export function businessDayEnd(checkOut: string, timeZone: string, days: number): number {
  let d = parseLocalDate(checkOut);
  let count = 0;
  while (count < days) {
    d = addDays(d, 1);
    if (isoWeekday(d) <= 5) count++;
  }
  return localToMs(timeZone, addDays(d, 1), 0);
}

runBench(main);
